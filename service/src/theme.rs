//! Themes: the controlled vocabulary, a record type without lists of its own.

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use symbios_entity::theme;

use super::Error;
use super::record::record_type;

record_type!(
    /// The themes: found by id or slug, loaded by id, listed whole.
    Themes: theme, "theme"
);

/// Every theme, by slug.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<theme::Model>, Error> {
    Ok(theme::Entity::find()
        .order_by_asc(theme::Column::Slug)
        .all(db)
        .await?)
}
