//! Themes: the controlled vocabulary.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use symbios_entity::theme;
use uuid::Uuid;

use super::Error;
use super::load::{index_by, rows_where_in};

/// Every theme, by slug.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<theme::Model>, Error> {
    Ok(theme::Entity::find()
        .order_by_asc(theme::Column::Slug)
        .all(db)
        .await?)
}

/// The theme with this id, if any.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<theme::Model>, Error> {
    Ok(theme::Entity::find_by_id(id).one(db).await?)
}

/// The theme with this slug, if any.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<theme::Model>, Error> {
    if !super::validate::slug_to_look_up("slug", slug)? {
        return Ok(None);
    }
    Ok(theme::Entity::find()
        .filter(theme::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The themes with these ids, by id.
pub async fn load_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, theme::Model>, Error> {
    let rows =
        rows_where_in::<theme::Entity, _, _>(db, theme::Column::Id, ids, theme::Column::Id).await?;
    Ok(index_by(rows, |row| row.id))
}
