//! A funding body; `actor_id` links it to the actor it also is, when there is one.

use sea_orm::entity::prelude::*;

use crate::vocabulary::FunderKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funder")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// `name` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub kind: FunderKind,
    pub country: String,
    pub actor_id: Option<Uuid>,
    pub website: Option<String>,
    pub original_lang: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
