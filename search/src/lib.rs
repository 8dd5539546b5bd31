//! The multilingual full-text index of Symbios.
//!
//! Documents in (a record's id, type, names, texts per language and facet values), ids,
//! scores, highlights and facet counts out. One text field per language, each with its own
//! analyzer (tokenizer, lower case, stop words, stemmer, ASCII folding after stemming), plus
//! a language-neutral field for names. A query runs against every field, boosting the
//! language asked for, and a cross-language thesaurus widens it to the same concept in the
//! other languages, ranked below same-language matches.
//!
//! Invariant: this crate knows nothing of sea-orm, GraphQL or HTTP.
//! Invariant: user queries never reach tantivy's query parser; [`query`] parses them itself,
//! flat and capped, so no input can recurse deeply or run unbounded.

mod analyzers;
mod error;
mod facets;
mod filter;
mod index;
mod irregular;
pub mod query;
mod ranking;
mod schema;
mod stemming;
mod thesaurus;

#[cfg(test)]
mod tests;

pub use analyzers::{LANGUAGE_FIELDS, analyze};
pub use error::Error;
pub use filter::{
    FilterList, MAX_FILTER_CATEGORIES, MAX_FILTER_COUNTRIES, MAX_FILTER_KINDS, MAX_FILTER_LANGS,
    MAX_FILTER_THEMES,
};
pub use index::{
    Document, FacetCount, Facets, Highlight, Hit, IndexState, Kind, MAX_RESULT_WINDOW, OpenOutcome,
    SearchFilter, SearchIndex, SearchRequest, SearchResults, Suggestion, Writer, folder_in_use,
};
pub use schema::SCHEMA_VERSION;
pub use thesaurus::Thesaurus;
