//! Stemming that makes inflected forms meet where plain Snowball leaves them apart: the
//! stemmer runs until the stem stops changing (Swedish `symbiosen` → `symbios` → `symbio`,
//! Danish `virksomhederne` → `virksomhed` → `virksom`), then a few per-language rules fold
//! what Snowball does not model: doubled final consonants in the Scandinavian languages
//! (`sidestrømmer` → `sidestrømm` → `sidestrøm`) and the consonant gradation of Finnish
//! `-us`/`-ys` nouns (`kiertotaloudessa` → `kiertotaloud` → `kiertotalous`). Irregular forms
//! listed in `irregular.json` (`vattnet`, `bedrijven`) are replaced by their base form first.

use std::cell::RefCell;
use std::collections::HashMap;

use frostem::Algorithm;
use tantivy::tokenizer::{Language, Token, TokenFilter, TokenStream, Tokenizer};

use crate::irregular;

/// Times the stemmer may run on one token.
const MAX_PASSES: usize = 3;

/// Words whose stems a thread remembers per language before it starts over (a few MB per
/// thread at most; real vocabularies stay well under it).
const MEMO_ENTRIES: usize = 20_000;

/// Languages with a stemmer of their own (the slot of each in [`MEMO`]).
const STEMMED_LANGUAGES: usize = 7;

thread_local! {
    /// The stems of words this thread has seen, per language. Texts repeat their
    /// vocabulary, and highlighting analyzes each hit's text again: a lookup costs a small
    /// fraction of up to three Snowball passes. foldhash is several times faster than the
    /// default SipHash on short words and, seeded per process, as safe against words chosen
    /// to collide (queries reach this memo too).
    static MEMO: RefCell<[HashMap<String, String, foldhash::fast::RandomState>; STEMMED_LANGUAGES]> =
        RefCell::new(Default::default());
}

/// Extra folding after stemming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    None,
    Scandinavian,
    Finnish,
}

/// Token filter: irregular forms to their base form, Snowball stemming to a fixpoint, then
/// the language's folding rules.
#[derive(Debug, Clone, Copy)]
pub struct StableStemmer {
    algorithm: Algorithm,
    rules: Rules,
    /// This language's slot in [`MEMO`].
    slot: usize,
    /// The language's code in `irregular.json`.
    code: &'static str,
}

impl StableStemmer {
    /// The stemmer for `language`.
    pub fn new(language: Language) -> Self {
        let (algorithm, rules, slot, code) = match language {
            Language::Swedish => (Algorithm::Swedish, Rules::Scandinavian, 0, "sv"),
            Language::Norwegian => (Algorithm::Norwegian, Rules::Scandinavian, 1, "nb"),
            Language::Danish => (Algorithm::Danish, Rules::Scandinavian, 2, "da"),
            Language::Finnish => (Algorithm::Finnish, Rules::Finnish, 3, "fi"),
            Language::Dutch => (Algorithm::Dutch, Rules::None, 4, "nl"),
            Language::German => (Algorithm::German, Rules::None, 5, "de"),
            _ => (Algorithm::English, Rules::None, 6, "en"),
        };
        Self {
            algorithm,
            rules,
            slot,
            code,
        }
    }
}

fn is_consonant(c: char) -> bool {
    c.is_alphabetic() && !"aeiouyåäöæøéèü".contains(c)
}

/// Applies the folding rules to a stem.
fn fold(rules: Rules, stem: &mut String) {
    match rules {
        Rules::None => {}
        Rules::Scandinavian => {
            let mut chars = stem.chars().rev();
            if let (Some(last), Some(before)) = (chars.next(), chars.next())
                && last == before
                && is_consonant(last)
                && stem.chars().count() > 3
            {
                stem.pop();
            }
        }
        Rules::Finnish => {
            for (inflected, base) in [
                ("uks", "us"),
                ("yks", "ys"),
                ("ud", "us"),
                ("yd", "ys"),
                ("ut", "us"),
                ("yt", "ys"),
            ] {
                if stem.len() > inflected.len() + 3 && stem.ends_with(inflected) {
                    stem.truncate(stem.len() - inflected.len());
                    stem.push_str(base);
                    break;
                }
            }
        }
    }
}

/// Stems `word` (lower case), or its base form when it is an irregular form of language
/// `code`, to a fixpoint and folds the result.
fn stem(stemmer: &frostem::Stemmer, rules: Rules, code: &str, word: &str) -> String {
    let mut current = irregular::base_form(code, word).unwrap_or(word).to_owned();
    for _ in 0..MAX_PASSES {
        let next = stemmer.stem(&current).into_owned();
        if next == current {
            break;
        }
        current = next;
    }
    fold(rules, &mut current);
    current
}

impl TokenFilter for StableStemmer {
    type Tokenizer<T: Tokenizer> = StableStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StableStemmerFilter<T> {
        StableStemmerFilter {
            stemmer: self,
            inner: tokenizer,
        }
    }
}

/// [`StableStemmer`] applied to a tokenizer.
#[derive(Clone)]
pub struct StableStemmerFilter<T> {
    stemmer: StableStemmer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StableStemmerFilter<T> {
    type TokenStream<'a> = StableStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StableStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.stemmer.algorithm),
            rules: self.stemmer.rules,
            slot: self.stemmer.slot,
            code: self.stemmer.code,
        }
    }
}

/// The token stream of [`StableStemmerFilter`].
pub struct StableStemmerStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
    rules: Rules,
    slot: usize,
    code: &'static str,
}

/// Replaces `word` by its stem, from this thread's memo when it has seen the word (copied into
/// the token's own buffer: no allocation for a known word).
fn stem_in_place(
    slot: usize,
    stemmer: &frostem::Stemmer,
    rules: Rules,
    code: &str,
    word: &mut String,
) {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        let Some(stems) = memo.get_mut(slot) else {
            *word = stem(stemmer, rules, code, word);
            return;
        };
        if let Some(known) = stems.get(word.as_str()) {
            word.clear();
            word.push_str(known);
            return;
        }
        let stemmed = stem(stemmer, rules, code, word);
        if stems.len() >= MEMO_ENTRIES {
            stems.clear();
        }
        stems.insert(std::mem::replace(word, stemmed.clone()), stemmed);
    })
}

impl<T: TokenStream> TokenStream for StableStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        stem_in_place(
            self.slot,
            &self.stemmer,
            self.rules,
            self.code,
            &mut token.text,
        );
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// `word`'s stem without the irregular forms (language `code`), to check that each listed
/// form is one Snowball leaves apart.
#[cfg(test)]
pub(crate) fn snowball_only(code: &str, word: &str) -> String {
    let language = match code {
        "sv" => Language::Swedish,
        "nb" => Language::Norwegian,
        "da" => Language::Danish,
        "fi" => Language::Finnish,
        "nl" => Language::Dutch,
        "de" => Language::German,
        _ => Language::English,
    };
    let stemmer = StableStemmer::new(language);
    stem(
        &frostem::Stemmer::new(stemmer.algorithm),
        stemmer.rules,
        "",
        &word.to_lowercase(),
    )
}
