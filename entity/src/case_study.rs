//! A documented industrial-symbiosis or circular-economy case. Summary and body are in
//! `localized_text`; themes, actors, projects, flows, impacts and sources in their own tables.

use sea_orm::entity::prelude::*;

use crate::vocabulary::{CaseStudyKind, CaseStudyStatus};

versioned_table!("case_study", record {
    pub title: String,
    /// `title` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub kind: CaseStudyKind,
    pub place: String,
    pub municipality: Option<String>,
    pub region: Option<String>,
    pub country: String,
    /// The most specific NUTS code known (`SE232`); its regions are its prefixes.
    pub nuts_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub established_year: Option<i32>,
    pub status: CaseStudyStatus,
    pub original_lang: String,
});
