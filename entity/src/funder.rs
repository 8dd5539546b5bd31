//! A funding body; `actor_id` links it to the actor it also is, when there is one.

use sea_orm::entity::prelude::*;

use crate::vocabulary::FunderKind;

versioned_table!("funder", record {
    pub name: String,
    /// `name` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub kind: FunderKind,
    pub country: String,
    pub actor_id: Option<Uuid>,
    pub website: Option<String>,
    pub original_lang: String,
});
