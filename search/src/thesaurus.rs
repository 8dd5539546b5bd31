//! The cross-language thesaurus (`search/thesaurus.json`): concepts with their terms in every
//! language. A run of query words that is one of a concept's terms, after stemming in that
//! term's language, expands to every other term of the concept.
//!
//! A text may also name a concept only in part: by the last word of a term alone (Swedish
//! `symbiosen` for `industriell symbios`) or inside a compound (`industrisymbiosen`,
//! `spillvärmeanläggning`). Such a mention is a *partial* one: indexing records it with its
//! own token, which queries weigh below a whole mention.

use std::collections::HashMap;

use serde::Deserialize;
use tantivy::tokenizer::TextAnalyzer;

use crate::Error;
use crate::analyzers::{LANGUAGE_FIELDS, analyzer_name, field_suffix_for, tokens};

/// The bundled thesaurus data.
const BUNDLED: &str = include_str!("../thesaurus.json");

/// Longest term, in words, that a query run is matched against.
const MAX_TERM_WORDS: usize = 4;

/// Shortest stem, in characters, that marks a partial mention: shorter ones (`heat`, `flow`)
/// are too common inside other words and on their own.
const MIN_PARTIAL_CHARS: usize = 6;

/// Marks the token of a partial mention of a concept (`~waste-heat`); slugs never hold it.
const PARTIAL_MARK: char = '~';

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
    /// The token indexed for a partial mention of the concept.
    pub partial: String,
}

/// A stem that marks a partial mention of a concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PartialStem {
    /// Index of the concept.
    concept: usize,
    /// Whether the stem alone is a partial mention (the last word of a term of several
    /// words that is a concept of its own), not only inside a compound (a term of one word:
    /// alone it is a whole mention).
    alone: bool,
}

/// Concepts indexed by the stems of their terms in each language field.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    concepts: Vec<Concept>,
    /// Per language field: the stems of each term, joined by [`STEM_SEPARATOR`], to the
    /// index of its concept.
    by_stems: HashMap<&'static str, HashMap<String, usize>>,
    /// Per language field: the stems that mark partial mentions.
    partial_stems: HashMap<&'static str, HashMap<String, Vec<PartialStem>>>,
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
        // The last words of terms of several words: (language field, concept, stem).
        let mut last_words = Vec::new();
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
                            match stems.as_slice() {
                                [one] => thesaurus.add_partial_stem(suffix, index, one, false),
                                [_, .., last] => last_words.push((suffix, index, last.clone())),
                                [] => {}
                            }
                        }
                    }
                }
            }
            thesaurus.concepts.push(Concept {
                partial: format!("{PARTIAL_MARK}{}", record.concept),
                slug: record.concept,
                terms,
            });
        }
        // The last word of a term marks a partial mention only when it names a (broader)
        // concept of its own: `symbios` for industrial symbiosis, `vatten` for process water.
        // Generic last words (`företag`, `ontwikkeling`) would mark every text.
        for (suffix, index, last) in last_words {
            let broader = thesaurus
                .by_stems
                .get(suffix)
                .is_some_and(|terms| terms.contains_key(&last));
            if broader {
                thesaurus.add_partial_stem(suffix, index, &last, true);
            }
        }
        Ok(thesaurus)
    }

    /// Registers `stem` as a partial mention of concept `index`: inside a compound, or also
    /// `alone`.
    fn add_partial_stem(&mut self, suffix: &'static str, index: usize, stem: &str, alone: bool) {
        if stem.chars().count() < MIN_PARTIAL_CHARS {
            return;
        }
        let partial = PartialStem {
            concept: index,
            alone,
        };
        let known = self
            .partial_stems
            .entry(suffix)
            .or_default()
            .entry(stem.to_owned())
            .or_default();
        match known.iter_mut().find(|stem| stem.concept == index) {
            Some(stem) => stem.alone |= partial.alone,
            None => known.push(partial),
        }
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

    /// The partial-mention tokens of the concepts that `stems` (a text as the analyzer of
    /// language field `suffix` produced it) name in part, once per word that names each:
    /// a word that is the last word of a term, or a compound that begins or ends with a
    /// term's last word (`industrisymbios`, `spillvarmeanlaggning`).
    pub fn partial_concepts_in(&self, suffix: &'static str, stems: &[String]) -> Vec<&str> {
        let Some(partials) = self.partial_stems.get(suffix) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut in_word: Vec<usize> = Vec::new();
        for stem in stems {
            let chars = stem.chars().count();
            if chars < MIN_PARTIAL_CHARS {
                continue;
            }
            in_word.clear();
            if let Some(known) = partials.get(stem.as_str()) {
                in_word.extend(known.iter().filter(|p| p.alone).map(|p| p.concept));
            }
            // Every proper prefix and suffix long enough to mark a mention.
            for (position, (at, _)) in stem.char_indices().enumerate().skip(1) {
                let front = (position >= MIN_PARTIAL_CHARS).then(|| stem.get(..at));
                let back = (chars - position >= MIN_PARTIAL_CHARS).then(|| stem.get(at..));
                for part in [front, back].into_iter().flatten().flatten() {
                    for partial in partials.get(part).into_iter().flatten() {
                        if !in_word.contains(&partial.concept) {
                            in_word.push(partial.concept);
                        }
                    }
                }
            }
            found.extend(
                in_word
                    .iter()
                    .filter_map(|index| self.concepts.get(*index))
                    .map(|concept| concept.partial.as_str()),
            );
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
    fn finds_partial_mentions_in_running_text() {
        let thesaurus = Thesaurus::bundled().unwrap_or_default();
        let partials = |lang: &str, text: &str| {
            let suffix = field_suffix_for(lang).unwrap_or("en");
            thesaurus
                .partial_concepts_in(suffix, &analyze(Some(lang), text))
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let has = |found: &[String], slug: &str| found.iter().any(|t| t == &format!("~{slug}"));
        // The last word of a term alone, and compounds ending in it.
        assert!(has(&partials("sv", "symbiosen"), "industrial-symbiosis"));
        assert!(has(
            &partials("sv", "industrisymbiosen"),
            "industrial-symbiosis"
        ));
        assert!(has(
            &partials("da", "industrisymbiosen"),
            "industrial-symbiosis"
        ));
        // A one-word term inside a compound, at either end.
        assert!(has(&partials("sv", "spillvärmeanläggningen"), "waste-heat"));
        assert!(has(&partials("de", "Industrieabwärme"), "waste-heat"));
        // A one-word term alone is a whole mention, not a partial one.
        assert!(!has(&partials("sv", "spillvärmen"), "waste-heat"));
        // Short stems do not mark mentions: English "heat" is not waste heat.
        assert!(partials("en", "heat wheat").is_empty());
        // Once per word.
        assert_eq!(
            partials("sv", "symbioscentrum")
                .iter()
                .filter(|t| *t == "~industrial-symbiosis")
                .count(),
            1
        );
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
