//! The change feed: every committed change, in commit order, from a position on.
//!
//! Positions are change-log sequence numbers. Appends are ordered so that a change never
//! becomes visible after one with a higher number (see [`super::change_log::append`]), so a
//! reader that continues after the last number it saw never skips a change. Changes older
//! than the retention window are pruned; a reader positioned before the pruned horizon gets
//! [`Error::ResyncRequired`].

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{
    actor, case_study, case_study_actor, change_log, funder, funding, impact_figure, membership,
    participation, project, resource_flow, theme,
};
use uuid::Uuid;

use super::page::PageSize;
use super::{Error, change_log as log, limits};

/// Page sizes of the feed: large pages, since a partner syncing reads all of it.
pub const PAGE_SIZE: PageSize = PageSize {
    default: 100,
    max: 1000,
};

/// One page of the feed.
#[derive(Debug, Clone)]
pub struct FeedPage {
    /// The changes, oldest first.
    pub changes: Vec<change_log::Model>,
    /// The position to continue from (the last change's, or the one asked for when there were
    /// none).
    pub end: i64,
    /// Whether more changes follow right away.
    pub has_next: bool,
}

/// Up to `first` changes (at most [`PAGE_SIZE`]`.max`; 0 reads none, but says whether any
/// follow) of `types` (all when empty) after position `after` (from the oldest kept change
/// when `None`).
pub async fn read(
    db: &impl ConnectionTrait,
    after: Option<i64>,
    types: &[EntityType],
    first: u64,
) -> Result<FeedPage, Error> {
    let types = limits::fold_vocabulary("types", types.to_vec())?;
    let pruned_through = log::pruned_through(db).await?;
    let after = match after {
        Some(after) if after < pruned_through => {
            return Err(Error::ResyncRequired { pruned_through });
        }
        Some(after) => after,
        None => pruned_through,
    };
    let first = first.min(PAGE_SIZE.max);
    let mut changes = log::after_of_types(db, after, &types, first + 1).await?;
    let has_next = changes.len() as u64 > first;
    changes.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    let end = changes.last().map_or(after, |change| change.seq);
    Ok(FeedPage {
        changes,
        end,
        has_next,
    })
}

/// The current state of a changed record.
#[derive(Debug, Clone)]
pub enum ChangedRecord {
    CaseStudy(case_study::Model),
    Project(project::Model),
    Actor(actor::Model),
    Funder(funder::Model),
    Funding(funding::Model),
    Participation(participation::Model),
    CaseStudyActor(case_study_actor::Model),
    ResourceFlow(resource_flow::Model),
    ImpactFigure(impact_figure::Model),
    Theme(theme::Model),
    Membership(membership::Model),
}

async fn by_ids<E, C>(
    db: &impl ConnectionTrait,
    id_column: C,
    ids: &[Uuid],
    wrap: impl Fn(E::Model) -> (Uuid, ChangedRecord),
    into: &mut HashMap<Uuid, ChangedRecord>,
) -> Result<(), Error>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    if ids.is_empty() {
        return Ok(());
    }
    let rows = E::find()
        .filter(id_column.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    into.extend(rows.into_iter().map(wrap));
    Ok(())
}

/// The current state of the records `changes` name (deleted ones are missing), one query per
/// record type.
pub async fn load_records(
    db: &impl ConnectionTrait,
    changes: &[change_log::Model],
) -> Result<HashMap<Uuid, ChangedRecord>, Error> {
    let mut ids: HashMap<EntityType, Vec<Uuid>> = HashMap::new();
    for change in changes {
        ids.entry(change.entity_type)
            .or_default()
            .push(change.entity_id);
    }
    let mut records = HashMap::new();
    for (entity_type, ids) in ids {
        use ChangedRecord as R;
        use EntityType as T;
        match entity_type {
            T::CaseStudy => {
                by_ids::<case_study::Entity, _>(
                    db,
                    case_study::Column::Id,
                    &ids,
                    |m| (m.id, R::CaseStudy(m)),
                    &mut records,
                )
                .await?
            }
            T::Project => {
                by_ids::<project::Entity, _>(
                    db,
                    project::Column::Id,
                    &ids,
                    |m| (m.id, R::Project(m)),
                    &mut records,
                )
                .await?
            }
            T::Actor => {
                by_ids::<actor::Entity, _>(
                    db,
                    actor::Column::Id,
                    &ids,
                    |m| (m.id, R::Actor(m)),
                    &mut records,
                )
                .await?
            }
            T::Funder => {
                by_ids::<funder::Entity, _>(
                    db,
                    funder::Column::Id,
                    &ids,
                    |m| (m.id, R::Funder(m)),
                    &mut records,
                )
                .await?
            }
            T::Funding => {
                by_ids::<funding::Entity, _>(
                    db,
                    funding::Column::Id,
                    &ids,
                    |m| (m.id, R::Funding(m)),
                    &mut records,
                )
                .await?
            }
            T::Participation => {
                by_ids::<participation::Entity, _>(
                    db,
                    participation::Column::Id,
                    &ids,
                    |m| (m.id, R::Participation(m)),
                    &mut records,
                )
                .await?
            }
            T::CaseStudyActor => {
                by_ids::<case_study_actor::Entity, _>(
                    db,
                    case_study_actor::Column::Id,
                    &ids,
                    |m| (m.id, R::CaseStudyActor(m)),
                    &mut records,
                )
                .await?
            }
            T::ResourceFlow => {
                by_ids::<resource_flow::Entity, _>(
                    db,
                    resource_flow::Column::Id,
                    &ids,
                    |m| (m.id, R::ResourceFlow(m)),
                    &mut records,
                )
                .await?
            }
            T::ImpactFigure => {
                by_ids::<impact_figure::Entity, _>(
                    db,
                    impact_figure::Column::Id,
                    &ids,
                    |m| (m.id, R::ImpactFigure(m)),
                    &mut records,
                )
                .await?
            }
            T::Theme => {
                by_ids::<theme::Entity, _>(
                    db,
                    theme::Column::Id,
                    &ids,
                    |m| (m.id, R::Theme(m)),
                    &mut records,
                )
                .await?
            }
            T::Membership => {
                by_ids::<membership::Entity, _>(
                    db,
                    membership::Column::Id,
                    &ids,
                    |m| (m.id, R::Membership(m)),
                    &mut records,
                )
                .await?
            }
        }
    }
    Ok(records)
}
