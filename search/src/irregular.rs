//! Irregular inflections (`search/irregular.json`): forms Snowball cannot bring to the stem of
//! their base form (Swedish `vattnet` → `vatten`, Dutch `bedrijven` → `bedrijf`, English
//! `analyses` → `analysis`, Finnish `veden` → `vesi`). The stemmer replaces such a form by its
//! base form before stemming, at index and query time alike, so both forms meet.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The bundled exception lists.
const BUNDLED: &str = include_str!("../irregular.json");

/// Per language code: base form → its irregular forms (lower case).
#[derive(Debug, Deserialize)]
struct Lists {
    #[serde(flatten)]
    languages: HashMap<String, serde_json::Value>,
}

/// Per language code: irregular form → base form.
type Table = HashMap<String, HashMap<String, String>>;

/// Parses exception lists; keys starting with `_` are comments.
fn parse(text: &str) -> Result<Table, String> {
    let lists: Lists = serde_json::from_str(text).map_err(|error| error.to_string())?;
    let mut table = Table::new();
    for (lang, value) in lists.languages {
        if lang.starts_with('_') {
            continue;
        }
        let bases: HashMap<String, Vec<String>> =
            serde_json::from_value(value).map_err(|error| format!("{lang}: {error}"))?;
        let forms = table.entry(lang).or_default();
        for (base, inflected) in bases {
            for form in inflected {
                forms.insert(form.to_lowercase(), base.to_lowercase());
            }
        }
    }
    Ok(table)
}

/// The bundled table; empty if it does not parse (a unit test keeps it parsing).
static TABLE: LazyLock<Table> = LazyLock::new(|| parse(BUNDLED).unwrap_or_default());

/// The base form of `word` (lower case) in language `lang` when it is a listed irregular form.
pub fn base_form(lang: &str, word: &str) -> Option<&'static str> {
    TABLE
        .get(lang)
        .and_then(|forms| forms.get(word))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzers::analyze;

    /// (language, base form, irregular form): each pair must give the same token.
    const PAIRS: &[(&str, &str, &str)] = &[
        ("sv", "vatten", "vattnet"),
        ("sv", "nyckel", "nycklar"),
        ("sv", "nyckeln", "nycklarna"),
        ("sv", "exempel", "exemplet"),
        ("sv", "program", "programmet"),
        ("sv", "regel", "reglerna"),
        ("sv", "tecken", "tecknet"),
        ("sv", "bok", "böcker"),
        ("nb", "nøkkelen", "nøkler"),
        ("nb", "eksempel", "eksemplene"),
        ("nb", "regel", "regler"),
        ("nn", "sykkel", "syklar"),
        ("nb", "hånd", "hender"),
        ("nb", "tre", "trær"),
        ("da", "eksempel", "eksempler"),
        ("da", "regel", "reglerne"),
        ("da", "mand", "mænd"),
        ("da", "barn", "børn"),
        ("da", "hånd", "hænder"),
        ("nl", "lid", "leden"),
        ("nl", "stad", "steden"),
        ("nl", "schip", "schepen"),
        ("nl", "glas", "glazen"),
        ("en", "analysis", "analyses"),
        ("en", "leaf", "leaves"),
        ("en", "man", "men"),
        ("en", "child", "children"),
        ("en", "criterion", "criteria"),
        ("en", "life", "lives"),
        ("de", "Zentrum", "Zentren"),
        ("de", "Material", "Materialien"),
        ("de", "Thema", "Themen"),
        ("de", "Firma", "Firmen"),
        ("de", "Museum", "Museen"),
        ("fi", "vesi", "veden"),
        ("fi", "vesi", "vettä"),
        ("fi", "lämpö", "lämmön"),
        ("fi", "hukkalämpö", "hukkalämmön"),
        ("fi", "kaukolämpö", "kaukolämmöstä"),
        ("fi", "mies", "miehet"),
    ];

    #[test]
    fn bundled_lists_parse() {
        let table = parse(BUNDLED);
        assert!(table.is_ok(), "{:?}", table.err());
        assert!(base_form("sv", "vattnet").is_some());
        assert!(parse(r#"{"sv": ["no map"]}"#).is_err());
    }

    #[test]
    fn irregular_pairs_meet() {
        let mut failures = Vec::new();
        for (lang, base, form) in PAIRS {
            let expected = analyze(Some(lang), base);
            let got = analyze(Some(lang), form);
            if expected.len() != 1 || got != expected {
                failures.push(format!(
                    "{lang}: {form} {got:?} should meet {base} {expected:?}"
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Every listed form is needed: Snowball alone leaves it apart from its base form.
    #[test]
    fn every_listed_form_is_needed() {
        let mut failures = Vec::new();
        for (lang, forms) in TABLE.iter() {
            for (form, base) in forms {
                // Folded as the analyzers fold after stemming.
                let plain = |word: &str| analyze(None, &crate::stemming::snowball_only(lang, word));
                if plain(form) == plain(base) {
                    failures.push(format!("{lang}: Snowball already brings {form} to {base}"));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "drop from the list:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn listed_forms_cover_the_tested_pairs() {
        for (lang, _, form) in PAIRS {
            let code = if *lang == "nn" { "nb" } else { lang };
            assert!(
                base_form(code, &form.to_lowercase()).is_some(),
                "{lang}: {form} is tested but not listed"
            );
        }
    }
}
