//! One analyzer per language field and one language-neutral analyzer. tantivy does not store
//! analyzers in the index, so [`register`] runs on every open.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, TokenStream,
};

use crate::stemming::StableStemmer;

/// Tokens longer than this are dropped (base64 blobs, URLs glued together).
const MAX_TOKEN_BYTES: usize = 40;

/// Name of the language-neutral analyzer (names, titles, text of unknown language).
pub const NEUTRAL_ANALYZER: &str = "symbios_neutral";

/// The language fields: (field suffix, languages stored in it, stemmer language).
/// Nynorsk shares bokmål's field: the Snowball Norwegian stemmer serves both.
pub const LANGUAGE_FIELDS: [(&str, &[&str], Language); 7] = [
    ("sv", &["sv"], Language::Swedish),
    ("nb", &["nb", "nn", "no"], Language::Norwegian),
    ("da", &["da"], Language::Danish),
    ("nl", &["nl"], Language::Dutch),
    ("en", &["en"], Language::English),
    ("de", &["de"], Language::German),
    ("fi", &["fi"], Language::Finnish),
];

/// The analyzer name of language field `suffix`.
pub fn analyzer_name(suffix: &str) -> String {
    format!("symbios_{suffix}")
}

fn language_analyzer(language: Language) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .dynamic();
    let builder = match StopWordFilter::new(language) {
        Some(stop_words) => builder.filter_dynamic(stop_words),
        None => builder,
    };
    builder
        .filter_dynamic(StableStemmer::new(language))
        .filter_dynamic(AsciiFoldingFilter)
        .build()
}

/// The language-neutral analyzer: tokens, lower case, ASCII folding.
pub fn neutral_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers every analyzer on `index`.
pub fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(NEUTRAL_ANALYZER, neutral_analyzer());
    for (suffix, _, language) in LANGUAGE_FIELDS {
        tokenizers.register(&analyzer_name(suffix), language_analyzer(language));
    }
}

/// The language field that holds texts in `lang` (BCP 47 primary subtag), if any.
pub fn field_suffix_for(lang: &str) -> Option<&'static str> {
    LANGUAGE_FIELDS
        .iter()
        .find(|(_, languages, _)| languages.contains(&lang))
        .map(|(suffix, _, _)| *suffix)
}

/// The tokens of `text` as the analyzer of language `lang` (or the neutral analyzer for
/// `None` or an unknown language) produces them. Useful to check how text will match.
pub fn analyze(lang: Option<&str>, text: &str) -> Vec<String> {
    let mut analyzer = match lang.and_then(field_suffix_for) {
        Some(suffix) => {
            let language = LANGUAGE_FIELDS
                .iter()
                .find(|(candidate, _, _)| *candidate == suffix)
                .map(|(_, _, language)| *language)
                .unwrap_or(Language::English);
            language_analyzer(language)
        }
        None => neutral_analyzer(),
    };
    tokens(&mut analyzer, text)
}

/// The tokens `analyzer` makes of `text`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().text.clone());
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::analyze;

    fn same(lang: &str, words: &[&str]) {
        let stems: Vec<Vec<String>> = words.iter().map(|w| analyze(Some(lang), w)).collect();
        for (word, stem) in words.iter().zip(&stems) {
            assert_eq!(stem, &stems[0], "{lang}: {word} should meet {}", words[0]);
            assert_eq!(stem.len(), 1, "{lang}: {word} is one token");
        }
    }

    fn different(lang: &str, first: &str, second: &str) {
        assert_ne!(
            analyze(Some(lang), first),
            analyze(Some(lang), second),
            "{lang}: {first} and {second} must not collapse"
        );
    }

    /// Inflected forms that must meet on one stem, by language.
    const MEET: &[(&str, &[&str])] = &[
        ("sv", &["symbios", "symbiosen", "symbioser", "symbioserna"]),
        ("sv", &["restflöde", "restflödet", "restflöden"]),
        ("nb", &["sidestrøm", "sidestrømmer", "sidestrømmene"]),
        ("nn", &["klynge", "klynger", "klyngene"]),
        ("nl", &["stofstroom", "stofstromen"]),
        ("nl", &["reststroom", "reststromen"]),
        ("da", &["virksomhed", "virksomheder", "virksomhederne"]),
        ("de", &["Nebenprodukt", "Nebenprodukte", "Nebenprodukten"]),
        ("de", &["Abwärme", "abwarme"]),
        (
            "fi",
            &["kiertotalous", "kiertotaloudessa", "kiertotalouden"],
        ),
        ("en", &["flow", "flows", "flowing"]),
    ];

    /// Words that look alike but must not collapse, by language.
    const APART: &[(&str, &str, &str)] = &[
        ("sv", "symbios", "sybehör"),
        ("sv", "vatten", "värme"),
        ("nb", "sidestrøm", "strømpe"),
        ("nl", "stofstroom", "stoomketel"),
        ("da", "virksomhed", "virkelighed"),
        ("de", "Nebenprodukt", "Nebenstrom"),
        ("fi", "kiertotalous", "kierrätys"),
        ("en", "symbiosis", "system"),
    ];

    #[test]
    fn inflections_meet() {
        for (lang, words) in MEET {
            same(lang, words);
        }
    }

    #[test]
    fn look_alikes_stay_apart() {
        for (lang, first, second) in APART {
            different(lang, first, second);
        }
    }

    #[test]
    fn stop_words_and_folding() {
        assert!(analyze(Some("sv"), "och").is_empty());
        assert!(analyze(Some("en"), "the").is_empty());
        assert_eq!(analyze(None, "Ørsted Sotenäs"), vec!["orsted", "sotenas"]);
        assert!(
            analyze(None, &"x".repeat(200)).is_empty(),
            "overlong tokens are dropped"
        );
    }
}
