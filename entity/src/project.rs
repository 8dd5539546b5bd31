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
    /// The whole budget, in `total_budget_currency`.
    pub total_budget_amount: Option<f64>,
    pub total_budget_currency: Option<String>,
    /// The part the EU pays, in `eu_contribution_currency`.
    pub eu_contribution_amount: Option<f64>,
    pub eu_contribution_currency: Option<String>,
    pub original_lang: String,
});
