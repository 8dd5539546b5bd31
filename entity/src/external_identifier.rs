//! An actor's identifier in an outside registry (org-id.guide scheme or `wikidata`); the value is
//! unique per scheme.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "external_identifier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub actor_id: Uuid,
    pub scheme: String,
    pub value: String,
    /// The partner's version of the record it last pushed under this identifier.
    pub source_version: Option<i64>,
}

without_relations!();
