//! A resource that moves from one actor to another within a case study. The description and
//! the resource names are in `localized_text`.

use sea_orm::entity::prelude::*;

use crate::vocabulary::{FlowCategory, FlowStatus};

versioned_table!("resource_flow", relation {
    pub case_study_id: Uuid,
    pub from_actor_id: Uuid,
    pub to_actor_id: Option<Uuid>,
    /// The name in the language it was written in (`resource_lang`); every name, the
    /// translations too, is in `localized_text` (field `resource`).
    pub resource: String,
    pub resource_lang: String,
    /// The names of every language folded for case and diacritics, the original first, one
    /// per line: for `resourceContains` and the resource order.
    pub resource_folded: String,
    pub category: FlowCategory,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub status: FlowStatus,
    pub ewc_code: Option<String>,
    pub original_lang: String,
});
