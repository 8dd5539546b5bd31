//! Writing a whole dataset (the bundled seed) in one transaction: records that are missing are
//! inserted with their change-log rows; records that exist are left as they are, since they
//! may have been edited since.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};
use symbios_entity::vocabulary::{ChangeOp, EntityType};
use symbios_entity::{
    actor, case_study, case_study_actor, case_study_project, case_study_theme, external_identifier,
    funder, funding, impact_figure, localized_text, membership, participation, project,
    project_theme, resource_flow, source, theme,
};
use tracing::instrument;
use uuid::Uuid;

use super::Error;
use super::change_log::{self, Change};

/// Every row of a dataset, ready to insert.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub themes: Vec<theme::Model>,
    pub actors: Vec<actor::Model>,
    pub funders: Vec<funder::Model>,
    pub projects: Vec<project::Model>,
    pub case_studies: Vec<case_study::Model>,
    pub fundings: Vec<funding::Model>,
    pub participations: Vec<participation::Model>,
    pub case_study_actors: Vec<case_study_actor::Model>,
    pub case_study_projects: Vec<case_study_project::Model>,
    pub case_study_themes: Vec<case_study_theme::Model>,
    pub project_themes: Vec<project_theme::Model>,
    pub flows: Vec<resource_flow::Model>,
    pub impacts: Vec<impact_figure::Model>,
    pub sources: Vec<source::Model>,
    pub texts: Vec<localized_text::Model>,
    pub identifiers: Vec<external_identifier::Model>,
    pub memberships: Vec<membership::Model>,
}

/// How many records an insert added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InsertReport {
    /// Records (case studies, projects, actors, funders, themes and the versioned relations)
    /// that were missing and are now inserted.
    pub inserted: usize,
    /// Records that already existed and were left unchanged.
    pub existing: usize,
}

/// Rows per INSERT statement; keeps every statement under SQLite's parameter limit.
const ROWS_PER_STATEMENT: usize = 200;

/// Inserts the rows of `E` whose ids are not in the table yet; returns their ids.
async fn insert_missing<E, C>(
    db: &C,
    rows: &[E::Model],
    id_column: E::Column,
    id_of: impl Fn(&E::Model) -> Uuid,
) -> Result<Vec<Uuid>, Error>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Clone,
    C: ConnectionTrait,
{
    let mut inserted = Vec::new();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let ids: Vec<Uuid> = chunk.iter().map(&id_of).collect();
        let existing: Vec<Uuid> = E::find()
            .select_only()
            .column(id_column)
            .filter(id_column.is_in(ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        let missing: Vec<E::ActiveModel> = chunk
            .iter()
            .filter(|row| !existing.contains(&id_of(row)))
            .map(|row| row.clone().into_active_model())
            .collect();
        if missing.is_empty() {
            continue;
        }
        inserted.extend(ids.into_iter().filter(|id| !existing.contains(id)));
        E::insert_many(missing).exec_without_returning(db).await?;
    }
    Ok(inserted)
}

/// Inserts rows of a link table (no id of its own), skipping those already there.
async fn insert_links<E, C>(db: &C, rows: &[E::Model]) -> Result<(), Error>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Clone,
    C: ConnectionTrait,
{
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let active: Vec<E::ActiveModel> = chunk
            .iter()
            .map(|row| row.clone().into_active_model())
            .collect();
        E::insert_many(active)
            .on_conflict_do_nothing()
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

fn upserts(entity_type: EntityType, ids: Vec<Uuid>) -> impl Iterator<Item = Change> {
    ids.into_iter().map(move |entity_id| Change {
        entity_type,
        entity_id,
        op: ChangeOp::Upsert,
        version: 1,
    })
}

/// Inserts every missing record of `records` in one transaction, with a change-log row
/// (`upsert`, version 1) for each record inserted.
#[instrument(skip_all)]
pub async fn insert_missing_records(
    db: &impl crate::write::Writer,
    records: &Records,
    at: DateTime<Utc>,
) -> Result<InsertReport, Error> {
    // It reads before it writes: begun as a reader, it would fail on SQLite when another
    // writer (the pruner, a request) commits in between.
    let transaction = db.begin_write().await?;
    let txn = &transaction;
    let mut changes: Vec<Change> = Vec::new();

    let ids = insert_missing::<theme::Entity, _>(txn, &records.themes, theme::Column::Id, |r| r.id)
        .await?;
    changes.extend(upserts(EntityType::Theme, ids));
    let ids = insert_missing::<actor::Entity, _>(txn, &records.actors, actor::Column::Id, |r| r.id)
        .await?;
    changes.extend(upserts(EntityType::Actor, ids));
    let ids =
        insert_missing::<funder::Entity, _>(txn, &records.funders, funder::Column::Id, |r| r.id)
            .await?;
    changes.extend(upserts(EntityType::Funder, ids));
    let ids =
        insert_missing::<project::Entity, _>(txn, &records.projects, project::Column::Id, |r| r.id)
            .await?;
    changes.extend(upserts(EntityType::Project, ids));
    let ids = insert_missing::<case_study::Entity, _>(
        txn,
        &records.case_studies,
        case_study::Column::Id,
        |r| r.id,
    )
    .await?;
    changes.extend(upserts(EntityType::CaseStudy, ids));
    let ids =
        insert_missing::<funding::Entity, _>(txn, &records.fundings, funding::Column::Id, |r| r.id)
            .await?;
    changes.extend(upserts(EntityType::Funding, ids));
    let ids = insert_missing::<participation::Entity, _>(
        txn,
        &records.participations,
        participation::Column::Id,
        |r| r.id,
    )
    .await?;
    changes.extend(upserts(EntityType::Participation, ids));
    let ids = insert_missing::<case_study_actor::Entity, _>(
        txn,
        &records.case_study_actors,
        case_study_actor::Column::Id,
        |r| r.id,
    )
    .await?;
    changes.extend(upserts(EntityType::CaseStudyActor, ids));
    let ids = insert_missing::<resource_flow::Entity, _>(
        txn,
        &records.flows,
        resource_flow::Column::Id,
        |r| r.id,
    )
    .await?;
    changes.extend(upserts(EntityType::ResourceFlow, ids));
    let ids = insert_missing::<impact_figure::Entity, _>(
        txn,
        &records.impacts,
        impact_figure::Column::Id,
        |r| r.id,
    )
    .await?;
    changes.extend(upserts(EntityType::ImpactFigure, ids));
    insert_missing::<source::Entity, _>(txn, &records.sources, source::Column::Id, |r| r.id)
        .await?;
    insert_missing::<external_identifier::Entity, _>(
        txn,
        &records.identifiers,
        external_identifier::Column::Id,
        |r| r.id,
    )
    .await?;
    insert_missing::<membership::Entity, _>(
        txn,
        &records.memberships,
        membership::Column::Id,
        |r| r.id,
    )
    .await?;
    insert_links::<case_study_project::Entity, _>(txn, &records.case_study_projects).await?;
    insert_links::<case_study_theme::Entity, _>(txn, &records.case_study_themes).await?;
    insert_links::<project_theme::Entity, _>(txn, &records.project_themes).await?;
    insert_links::<localized_text::Entity, _>(txn, &records.texts).await?;

    change_log::append(txn, &changes, at).await?;
    transaction.commit().await?;

    let total = records.themes.len()
        + records.actors.len()
        + records.funders.len()
        + records.projects.len()
        + records.case_studies.len()
        + records.fundings.len()
        + records.participations.len()
        + records.case_study_actors.len()
        + records.flows.len()
        + records.impacts.len();
    Ok(InsertReport {
        inserted: changes.len(),
        existing: total.saturating_sub(changes.len()),
    })
}

/// Whether the database holds no records yet.
pub async fn is_empty(db: &impl ConnectionTrait) -> Result<bool, Error> {
    let any_case_study = case_study::Entity::find()
        .select_only()
        .column(case_study::Column::Id)
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    let any_actor = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    Ok(any_case_study.is_none() && any_actor.is_none())
}
