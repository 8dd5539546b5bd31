//! One descriptive text of one record in one language; `is_original` marks the language the
//! text was written in. Unique per (entity_type, entity_id, field, lang).

use sea_orm::entity::prelude::*;

use crate::vocabulary::EntityType;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "localized_text")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_type: EntityType,
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub field: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub lang: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub is_original: bool,
}

without_relations!();
