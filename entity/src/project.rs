//! A funded project (R&D, pilot, network) in which actors participate. The summary is in
//! `localized_text`.

use sea_orm::entity::prelude::*;

use crate::vocabulary::ProjectStatus;

versioned_table!("project", record {
    pub name: String,
    /// `name` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub acronym: Option<String>,
    pub status: ProjectStatus,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub website: Option<String>,
    pub original_lang: String,
});
