//! Whether the database holds records yet (the bundled dataset loads only into an empty one),
//! and bulk rows for test fixtures and benchmarks: thousands of generated records inserted
//! as rows with their change-log rows, without the checks of the write path. The bundled
//! dataset does not come this way; it is an import (`transfer::import_whole`).

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
use super::write::Writer;

/// Every row of a generated fixture, ready to insert.
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
    db: &impl Writer,
    records: &Records,
    at: DateTime<Utc>,
) -> Result<InsertReport, Error> {
    // A write transaction from the start: one that reads first fails on SQLite when another
    // writer (the pruner, at startup) commits before its first write.
    let transaction = db.begin_write().await?;
    let txn = &transaction;
    let mut changes: Vec<Change> = Vec::new();

    // The rows of `records.$rows` into the table of `$entity`, where missing; their ids.
    macro_rules! insert_rows {
        ($entity:ident: $rows:ident) => {
            insert_missing::<$entity::Entity, _>(txn, &records.$rows, $entity::Column::Id, |r| r.id)
                .await?
        };
    }
    // The versioned record types: each inserted row gets a change-log row, and each row
    // given counts towards the report.
    let mut total = 0;
    macro_rules! insert_versioned {
        ($($entity:ident: $rows:ident => $entity_type:ident),* $(,)?) => {$(
            changes.extend(upserts(EntityType::$entity_type, insert_rows!($entity: $rows)));
            total += records.$rows.len();
        )*};
    }
    insert_versioned!(
        theme: themes => Theme,
        actor: actors => Actor,
        funder: funders => Funder,
        project: projects => Project,
        case_study: case_studies => CaseStudy,
        funding: fundings => Funding,
        participation: participations => Participation,
        case_study_actor: case_study_actors => CaseStudyActor,
        resource_flow: flows => ResourceFlow,
        impact_figure: impacts => ImpactFigure,
    );
    insert_rows!(source: sources);
    insert_rows!(external_identifier: identifiers);
    insert_rows!(membership: memberships);
    insert_links::<case_study_project::Entity, _>(txn, &records.case_study_projects).await?;
    insert_links::<case_study_theme::Entity, _>(txn, &records.case_study_themes).await?;
    insert_links::<project_theme::Entity, _>(txn, &records.project_themes).await?;
    insert_links::<localized_text::Entity, _>(txn, &records.texts).await?;

    change_log::append(txn, &changes, at).await?;
    transaction.commit().await?;

    Ok(InsertReport {
        inserted: changes.len(),
        existing: total.saturating_sub(changes.len()),
    })
}

/// Whether the database holds no records yet.
pub async fn is_empty(db: &impl ConnectionTrait) -> Result<bool, Error> {
    Ok(
        !has_rows::<case_study::Entity>(db, case_study::Column::Id).await?
            && !has_rows::<actor::Entity>(db, actor::Column::Id).await?,
    )
}

/// Whether the table of `E` holds a row (read through its id column).
async fn has_rows<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id_column: E::Column,
) -> Result<bool, Error> {
    let any = E::find()
        .select_only()
        .column(id_column)
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    Ok(any.is_some())
}
