//! Persons' memberships of organisations.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::membership;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The memberships each person holds.
pub async fn by_person(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<membership::Model>>, Error> {
    grouped::<membership::Entity, _, _>(
        db,
        membership::Column::PersonId,
        ids,
        membership::Column::Id,
        |row| row.person_id,
    )
    .await
}

/// The members of each organisation.
pub async fn by_organisation(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<membership::Model>>, Error> {
    grouped::<membership::Entity, _, _>(
        db,
        membership::Column::OrganisationId,
        ids,
        membership::Column::Id,
        |row| row.organisation_id,
    )
    .await
}
