//! A trusted document: a GraphQL document registered from a portal's manifest, by the id the
//! manifest gives it; `text_sha256` finds it when a client sends the text instead.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "trusted_document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub text_sha256: String,
    /// The manifest it came from (its file name).
    pub source: String,
    pub created_at: DateTimeUtc,
}

without_relations!();
