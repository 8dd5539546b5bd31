//! The cross-language thesaurus (`search/thesaurus.json`): concepts with their terms in every
//! language. A run of query words that is one of a concept's terms, after stemming in that
//! term's language, expands to every other term of the concept.

use std::collections::HashMap;

use serde::Deserialize;
use tantivy::tokenizer::TextAnalyzer;

use crate::Error;
use crate::analyzers::{LANGUAGE_FIELDS, analyzer_name, field_suffix_for, tokens};

/// The bundled thesaurus data.
const BUNDLED: &str = include_str!("../thesaurus.json");

/// Longest term, in words, that a query run is matched against.
const MAX_TERM_WORDS: usize = 4;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConceptRecord {
    concept: String,
    terms: HashMap<String, Vec<String>>,
}

/// One concept and its terms, each with the language it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// Slug, e.g. `industrial-symbiosis`.
    pub slug: String,
    /// (language, term) pairs.
    pub terms: Vec<(String, String)>,
}

/// Concepts indexed by the stems of their terms in each language field.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    concepts: Vec<Concept>,
    /// Per language field: the stems of each term, joined by [`STEM_SEPARATOR`], to the
    /// index of its concept.
    by_stems: HashMap<&'static str, HashMap<String, usize>>,
}

/// Joins the stems of a term into one lookup key; no analyzer keeps it in a token.
const STEM_SEPARATOR: &str = "\u{1f}";

fn stem_key(stems: &[String]) -> String {
    stems.join(STEM_SEPARATOR)
}

fn analyzers() -> Vec<(&'static str, TextAnalyzer)> {
    let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
    crate::analyzers::register(&index);
    LANGUAGE_FIELDS
        .iter()
        .filter_map(|(suffix, _, _)| {
            index
                .tokenizers()
                .get(&analyzer_name(suffix))
                .map(|analyzer| (*suffix, analyzer))
        })
        .collect()
}

impl Thesaurus {
    /// The thesaurus shipped with Symbios.
    pub fn bundled() -> Result<Self, Error> {
        Self::from_json(BUNDLED)
    }

    /// Parses thesaurus data in the bundled format.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let records: Vec<ConceptRecord> =
            serde_json::from_str(text).map_err(|error| Error::Thesaurus(error.to_string()))?;
        let mut analyzers = analyzers();
        let mut neutral = crate::analyzers::neutral_analyzer();
        let mut thesaurus = Thesaurus::default();
        for record in records {
            let index = thesaurus.concepts.len();
            let mut terms = Vec::new();
            let mut languages: Vec<&String> = record.terms.keys().collect();
            languages.sort();
            for lang in languages {
                let Some(suffix) = field_suffix_for(lang) else {
                    return Err(Error::Thesaurus(format!(
                        "concept {}: unknown language {lang}",
                        record.concept
                    )));
                };
                for term in record.terms.get(lang).into_iter().flatten() {
                    terms.push((lang.clone(), term.clone()));
                    // Users often type without diacritics; register that spelling too.
                    let plain = tokens(&mut neutral, term).join(" ");
                    if let Some((_, analyzer)) = analyzers
                        .iter_mut()
                        .find(|(candidate, _)| *candidate == suffix)
                    {
                        for spelling in [term.as_str(), plain.as_str()] {
                            let stems = tokens(analyzer, spelling);
                            if !stems.is_empty() && stems.len() <= MAX_TERM_WORDS {
                                thesaurus
                                    .by_stems
                                    .entry(suffix)
                                    .or_default()
                                    .entry(stem_key(&stems))
                                    .or_insert(index);
                            }
                        }
                    }
                }
            }
            thesaurus.concepts.push(Concept {
                slug: record.concept,
                terms,
            });
        }
        Ok(thesaurus)
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    /// Whether there are no concepts.
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// The concept whose term, in the language field `suffix`, has exactly these stems.
    pub fn concept_for(&self, suffix: &'static str, stems: &[String]) -> Option<&Concept> {
        self.by_stems
            .get(suffix)
            .and_then(|terms| terms.get(&stem_key(stems)))
            .and_then(|index| self.concepts.get(*index))
    }

    /// Every concept a term of which occurs in `stems` (a text as the analyzer of language
    /// field `suffix` produced it), once per occurrence. Indexing records these, so that a
    /// query for a concept looks up one token instead of its terms in every language.
    pub fn concepts_in(&self, suffix: &'static str, stems: &[String]) -> Vec<&str> {
        let Some(terms) = self.by_stems.get(suffix) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut key = String::new();
        for start in 0..stems.len() {
            key.clear();
            for (length, stem) in stems.iter().skip(start).take(MAX_TERM_WORDS).enumerate() {
                if length > 0 {
                    key.push_str(STEM_SEPARATOR);
                }
                key.push_str(stem);
                if let Some(concept) = terms.get(key.as_str()).and_then(|i| self.concepts.get(*i)) {
                    found.push(concept.slug.as_str());
                }
            }
        }
        found
    }

    /// Longest run of words (in words) worth looking up.
    pub fn max_words(&self) -> usize {
        MAX_TERM_WORDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzers::analyze;

    const SAMPLE: &str = r#"[{"concept":"industrial-symbiosis","terms":{
        "en":["industrial symbiosis"],"sv":["industriell symbios"],"nb":["industriell symbiose"],
        "da":["industriel symbiose"],"nl":["industriële symbiose"],"de":["industrielle Symbiose"],
        "fi":["teollinen symbioosi"]}}]"#;

    #[test]
    fn matches_inflected_runs_in_any_language() {
        let thesaurus = Thesaurus::from_json(SAMPLE).unwrap_or_default();
        assert_eq!(thesaurus.len(), 1);
        let swedish = analyze(Some("sv"), "industriella symbiosen");
        let concept = thesaurus.concept_for("sv", &swedish);
        assert_eq!(
            concept.map(|c| c.slug.as_str()),
            Some("industrial-symbiosis")
        );
        let dutch = analyze(Some("nl"), "industriele symbiose");
        assert!(thesaurus.concept_for("nl", &dutch).is_some(), "{dutch:?}");
        assert!(
            thesaurus
                .concept_for("sv", &analyze(Some("sv"), "symbios"))
                .is_none()
        );
    }

    #[test]
    fn finds_concepts_in_running_text() {
        let thesaurus = Thesaurus::from_json(SAMPLE).unwrap_or_default();
        let text = analyze(
            Some("sv"),
            "Den industriella symbiosen i Kalundborg är äldst; industriell symbios växer.",
        );
        assert_eq!(
            thesaurus.concepts_in("sv", &text),
            vec!["industrial-symbiosis", "industrial-symbiosis"]
        );
        assert!(
            thesaurus
                .concepts_in("sv", &analyze(Some("sv"), "symbios och industri"))
                .is_empty()
        );
        assert!(thesaurus.concepts_in("en", &text).is_empty());
    }

    #[test]
    fn bundled_thesaurus_loads() {
        let thesaurus = Thesaurus::bundled();
        assert!(
            thesaurus.as_ref().is_ok_and(|t| t.len() >= 7),
            "{:?}",
            thesaurus.err()
        );
    }

    #[test]
    fn malformed_data_is_an_error() {
        assert!(Thesaurus::from_json("{").is_err());
        assert!(Thesaurus::from_json(r#"[{"concept":"x","terms":{"xx":["y"]}}]"#).is_err());
    }
}
