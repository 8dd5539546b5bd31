//! An organisation or person taking part in case studies and projects. The description is in
//! `localized_text`, identifiers in `external_identifier`.

use sea_orm::entity::prelude::*;

use crate::vocabulary::ActorKind;

versioned_table!("actor", record {
    pub name: String,
    /// `name` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub kind: ActorKind,
    pub country: String,
    /// The most specific NUTS code known (`SE232`); its regions are its prefixes.
    pub nuts_code: Option<String>,
    pub website: Option<String>,
    pub original_lang: String,
});
