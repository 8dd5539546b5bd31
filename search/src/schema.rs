//! Field names and the index schema.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analyzers::{LANGUAGE_FIELDS, NEUTRAL_ANALYZER, analyzer_name};

/// Version of the schema, analyzers and thesaurus. An index written with another version is
/// rebuilt from scratch on open, since its tokens would not match today's queries.
pub const SCHEMA_VERSION: u32 = 4;

/// The record id (UUID text); updates delete by this term.
pub const ID: &str = "id";
/// The record type (`case_study`, `project`, `actor`, `funder`); also a fast column.
pub const KIND: &str = "kind";
/// The record id's high and low 64 bits, fast columns: a hit's id without decoding its
/// stored document (which holds every text, for highlights).
pub const ID_HIGH: &str = "id_high";
pub const ID_LOW: &str = "id_low";
/// Names and titles, language-neutral analyzer.
pub const NAMES: &str = "names";
/// Facet paths: `/type/…`, `/country/…`, `/theme/…`, `/lang/…`, `/year/…`, `/category/…`.
pub const FACETS: &str = "facets";
/// Year the record refers to (established, or project start), for range filters.
pub const YEAR: &str = "year";
/// What orders hits beyond their score (`ranking.rs`): record type, languages with text, id.
pub const RANK: &str = "rank";
/// Thesaurus concepts the texts name in any language (concept slugs, one token each, once
/// per occurrence; a partial mention as `~slug`), so that a query for a concept is one term
/// lookup.
pub const CONCEPTS: &str = "concepts";

/// The text field of language field `suffix`, e.g. `text_sv`.
pub fn text_field_name(suffix: &str) -> String {
    format!("text_{suffix}")
}

/// Handles of every field.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    pub id_high: Field,
    pub id_low: Field,
    pub names: Field,
    pub facets: Field,
    pub year: Field,
    pub concepts: Field,
    pub rank: Field,
    /// (language suffix, field), in the order of [`LANGUAGE_FIELDS`].
    pub texts: Vec<(&'static str, Field)>,
}

fn text_options(analyzer: &str) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored()
}

/// The schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_text_field(ID, STRING | STORED);
    let kind = builder.add_text_field(KIND, STRING | STORED | FAST);
    let id_high = builder.add_u64_field(ID_HIGH, FAST);
    let id_low = builder.add_u64_field(ID_LOW, FAST);
    let names = builder.add_text_field(NAMES, text_options(NEUTRAL_ANALYZER));
    let facets = builder.add_facet_field(FACETS, FacetOptions::default());
    let year = builder.add_i64_field(YEAR, INDEXED | FAST);
    let rank = builder.add_u64_field(RANK, FAST);
    // No field norms: a text that names many concepts is not less about each of them.
    let concepts = builder.add_text_field(
        CONCEPTS,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::WithFreqs)
                .set_fieldnorms(false),
        ),
    );
    let texts = LANGUAGE_FIELDS
        .iter()
        .map(|(suffix, _, _)| {
            let field = builder.add_text_field(
                &text_field_name(suffix),
                text_options(&analyzer_name(suffix)),
            );
            (*suffix, field)
        })
        .collect();
    (
        builder.build(),
        Fields {
            id,
            kind,
            id_high,
            id_low,
            names,
            facets,
            year,
            concepts,
            rank,
            texts,
        },
    )
}
