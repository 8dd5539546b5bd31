//! Actors' identifiers in outside registries.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::external_identifier;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The identifiers of each actor.
pub async fn by_actor(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<external_identifier::Model>>, Error> {
    grouped::<external_identifier::Entity, _, _>(
        db,
        external_identifier::Column::ActorId,
        ids,
        external_identifier::Column::Id,
        |row| row.actor_id,
    )
    .await
}
