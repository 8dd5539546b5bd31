//! Themes: the controlled vocabulary, a record type without lists of its own.

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use symbios_entity::theme;
use uuid::Uuid;

use super::Error;
use super::record::Record;

/// The themes: found by id or slug, loaded by id, listed whole.
pub struct Themes;

impl Record for Themes {
    type Entity = theme::Entity;
    const NAME: &'static str = "theme";
    const ID: theme::Column = theme::Column::Id;
    const SLUG: theme::Column = theme::Column::Slug;

    fn id(row: &theme::Model) -> Uuid {
        row.id
    }
}

/// Every theme, by slug.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<theme::Model>, Error> {
    Ok(theme::Entity::find()
        .order_by_asc(theme::Column::Slug)
        .all(db)
        .await?)
}
