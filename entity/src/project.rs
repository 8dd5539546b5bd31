//! A funded project (R&D, pilot, network) in which actors participate. The summary is in
//! `localized_text`.

use sea_orm::entity::prelude::*;

use crate::vocabulary::ProjectStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "project")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// `name` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub acronym: Option<String>,
    pub status: ProjectStatus,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub website: Option<String>,
    pub original_lang: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
