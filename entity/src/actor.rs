//! An organisation or person taking part in case studies and projects. The description is in
//! `localized_text`, identifiers in `external_identifier`.

use sea_orm::entity::prelude::*;

use crate::vocabulary::ActorKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "actor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// `name` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub kind: ActorKind,
    pub country: String,
    pub website: Option<String>,
    pub original_lang: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
