//! Fundings: money from a funder to a project.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::funding;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The fundings of each project.
pub async fn by_project(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<funding::Model>>, Error> {
    grouped::<funding::Entity, _, _>(
        db,
        funding::Column::ProjectId,
        ids,
        funding::Column::Id,
        |row| row.project_id,
    )
    .await
}

/// The fundings of each funder.
pub async fn by_funder(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<funding::Model>>, Error> {
    grouped::<funding::Entity, _, _>(
        db,
        funding::Column::FunderId,
        ids,
        funding::Column::Id,
        |row| row.funder_id,
    )
    .await
}
