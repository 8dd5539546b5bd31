//! Projects: the record type, its filter and year order; links to themes.

use std::collections::HashMap;
use std::future::Future;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, Select};
use symbios_entity::vocabulary::ProjectStatus;
use symbios_entity::{actor, participation, project, project_theme};
use symbios_search::Kind;
use uuid::Uuid;

use super::load::linked_ids;
use super::page::SortValue;
use super::record::Narrowing;
use super::record::{YearOrder, listed, record_type};
use super::search_documents::{Indexed, Searchable};
use super::validate::{self, YearRange};
use super::{Error, limits, text};

/// Which projects a list holds; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Countries of participating actors, any of.
    pub countries: Vec<String>,
    /// Statuses, any of.
    pub statuses: Vec<ProjectStatus>,
    /// Theme slugs, any of.
    pub themes: Vec<String>,
    /// Running: ends in or after `years.from` (or has no end), starts in or before `years.to`
    /// (or has no start).
    pub years: YearRange,
    /// Name or acronym contains this text, ignoring case and diacritics.
    pub name_contains: Option<String>,
}

impl Filter {
    /// The filter as given in argument `filter`, checked, with repeats folded.
    pub fn checked(self) -> Result<Self, Error> {
        Ok(Self {
            years: self.years.checked("filter.yearFrom")?,
            countries: validate::countries("filter.country", self.countries)?,
            statuses: limits::fold_vocabulary("filter.status", self.statuses)?,
            themes: validate::filter_values("filter.theme", self.themes, limits::MAX_THEMES)?,
            name_contains: validate::optional_filter_text(
                "filter.nameContains",
                self.name_contains,
            )?,
        })
    }
}

/// Stands in for an unknown start date when sorting.
const UNKNOWN_START: NaiveDate = NaiveDate::MIN;

record_type!(
    /// The projects: a listed record type.
    Projects: project, "project"
);
listed!(Projects: project, Filter, check = Filter::checked, narrow = apply, year = year_order);

/// Sorting by year: unknown years sort as oldest.
fn year_order() -> YearOrder<Projects> {
    YearOrder {
        key: Expr::expr(Func::coalesce([
            Expr::col(project::Column::StartDate),
            Expr::val(UNKNOWN_START),
        ])),
        value: |row| SortValue::Date(row.start_date.unwrap_or(UNKNOWN_START)),
    }
}

impl Searchable for Projects {
    const KIND: Kind = Kind::Project;

    fn indexed(row: &project::Model) -> Indexed {
        Indexed {
            names: [Some(row.name.clone()), row.acronym.clone()]
                .into_iter()
                .flatten()
                .collect(),
            countries: Vec::new(),
            year: row.start_date.map(|date| chrono::Datelike::year(&date)),
        }
    }

    fn theme_ids(
        db: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> impl Future<Output = Result<HashMap<Uuid, Vec<Uuid>>, Error>> + Send {
        theme_ids(db, ids)
    }
}

fn apply(filter: &Filter, select: Select<project::Entity>) -> Select<project::Entity> {
    let mut select = select;
    if !filter.countries.is_empty() {
        let with_actor_from = Query::select()
            .column(participation::Column::ProjectId)
            .from(participation::Entity)
            .inner_join(
                actor::Entity,
                Expr::col((actor::Entity, actor::Column::Id))
                    .equals((participation::Entity, participation::Column::ActorId)),
            )
            .and_where(actor::Column::Country.is_in(filter.countries.clone()))
            .to_owned();
        select = select.filter(project::Column::Id.in_subquery(with_actor_from));
    }
    select = select
        .any_of(project::Column::Status, &filter.statuses)
        .tagged::<project_theme::Entity>(
            project::Column::Id,
            (
                project_theme::Column::ProjectId,
                project_theme::Column::ThemeId,
            ),
            &filter.themes,
        );
    if let Some(date) = filter
        .years
        .from
        .and_then(|year| NaiveDate::from_ymd_opt(year, 1, 1))
    {
        select = select.filter(
            Condition::any()
                .add(project::Column::EndDate.is_null())
                .add(project::Column::EndDate.gte(date)),
        );
    }
    if let Some(date) = filter
        .years
        .to
        .and_then(|year| NaiveDate::from_ymd_opt(year, 12, 31))
    {
        select = select.filter(
            Condition::any()
                .add(project::Column::StartDate.is_null())
                .add(project::Column::StartDate.lte(date)),
        );
    }
    if let Some(needle) = &filter.name_contains {
        let pattern = text::contains_pattern(needle);
        select = select.filter(
            Condition::any()
                .add(
                    Expr::col(project::Column::NameFolded)
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(project::Column::Acronym)))
                        .like(LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
    select
}

/// Ids of the themes of each project.
pub async fn theme_ids(
    db: &impl ConnectionTrait,
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    linked_ids::<project_theme::Entity>(
        db,
        project_ids,
        (project_theme::Column::ProjectId, |row| row.project_id),
        (project_theme::Column::ThemeId, |row| row.theme_id),
    )
    .await
}

/// Ids of the projects tagged with each theme.
pub async fn ids_by_theme(
    db: &impl ConnectionTrait,
    theme_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    linked_ids::<project_theme::Entity>(
        db,
        theme_ids,
        (project_theme::Column::ThemeId, |row| row.theme_id),
        (project_theme::Column::ProjectId, |row| row.project_id),
    )
    .await
}
