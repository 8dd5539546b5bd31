//! A documented industrial-symbiosis or circular-economy case. Summary and body are in
//! `localized_text`; themes, actors, projects, flows, impacts and sources in their own tables.

use sea_orm::entity::prelude::*;

use crate::vocabulary::{CaseStudyKind, CaseStudyStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_study")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    /// `title` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub kind: CaseStudyKind,
    pub place: String,
    pub municipality: Option<String>,
    pub region: Option<String>,
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub established_year: Option<i32>,
    pub status: CaseStudyStatus,
    pub original_lang: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
