//! Projects: lists with filters and orders, lookups by id and slug, batched loads.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select,
};
use symbios_entity::vocabulary::ProjectStatus;
use symbios_entity::{actor, participation, project, project_theme, theme};
use tracing::instrument;
use uuid::Uuid;

use super::case_study::ids_grouped;
use super::load::{grouped, index_by, rows_where_in};
use super::page::{self, Page, PageRequest, SortSpec, SortValue};
use super::{Error, limits, text, validate};

/// Which projects a list holds; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Countries of participating actors, any of.
    pub countries: Vec<String>,
    /// Statuses, any of.
    pub statuses: Vec<ProjectStatus>,
    /// Theme slugs, any of.
    pub themes: Vec<String>,
    /// Running in or after this year (ends in it or later, or has no end).
    pub year_from: Option<i32>,
    /// Running in or before this year (starts in it or earlier, or has no start).
    pub year_to: Option<i32>,
    /// Name or acronym contains this text, ignoring case and diacritics.
    pub name_contains: Option<String>,
}

impl Filter {
    /// The filter as given in argument `filter`, checked, with repeats folded.
    pub fn checked(self) -> Result<Self, Error> {
        validate::year_range("filter.yearFrom", self.year_from, self.year_to)?;
        Ok(Self {
            countries: validate::countries("filter.country", self.countries)?,
            statuses: limits::fold_vocabulary("filter.status", self.statuses)?,
            themes: validate::filter_values("filter.theme", self.themes, limits::MAX_THEMES)?,
            year_from: self.year_from,
            year_to: self.year_to,
            name_contains: validate::optional_filter_text(
                "filter.nameContains",
                self.name_contains,
            )?,
        })
    }
}

/// What a project list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    /// Name, ignoring case and diacritics.
    #[default]
    Name,
    /// Start date; unknown starts sort as oldest.
    Year,
    /// Last change.
    UpdatedAt,
    /// Slug, the human-readable key: an order that stays put when a name is edited.
    Slug,
}

/// A project order: field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ordering {
    /// The sort field.
    pub field: OrderField,
    /// Largest first.
    pub descending: bool,
}

/// Stands in for an unknown start date when sorting.
const UNKNOWN_START: NaiveDate = NaiveDate::MIN;

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
    if !filter.statuses.is_empty() {
        select = select.filter(project::Column::Status.is_in(filter.statuses.clone()));
    }
    if !filter.themes.is_empty() {
        let tagged = Query::select()
            .column(project_theme::Column::ProjectId)
            .from(project_theme::Entity)
            .inner_join(
                theme::Entity,
                Expr::col((theme::Entity, theme::Column::Id))
                    .equals((project_theme::Entity, project_theme::Column::ThemeId)),
            )
            .and_where(theme::Column::Slug.is_in(filter.themes.clone()))
            .to_owned();
        select = select.filter(project::Column::Id.in_subquery(tagged));
    }
    if let Some(date) = filter
        .year_from
        .and_then(|year| NaiveDate::from_ymd_opt(year, 1, 1))
    {
        select = select.filter(
            Condition::any()
                .add(project::Column::EndDate.is_null())
                .add(project::Column::EndDate.gte(date)),
        );
    }
    if let Some(date) = filter
        .year_to
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

fn sort_spec(ordering: Ordering) -> SortSpec {
    let (name, key) = match (ordering.field, ordering.descending) {
        (OrderField::Name, false) => ("name_asc", Expr::col(project::Column::NameFolded)),
        (OrderField::Name, true) => ("name_desc", Expr::col(project::Column::NameFolded)),
        (OrderField::Year, descending) => (
            if descending { "year_desc" } else { "year_asc" },
            Expr::expr(Func::coalesce([
                Expr::col(project::Column::StartDate),
                Expr::val(UNKNOWN_START),
            ])),
        ),
        (OrderField::UpdatedAt, descending) => (
            if descending {
                "updated_desc"
            } else {
                "updated_asc"
            },
            Expr::col(project::Column::UpdatedAt),
        ),
        (OrderField::Slug, descending) => (
            if descending { "slug_desc" } else { "slug_asc" },
            Expr::col(project::Column::Slug),
        ),
    };
    SortSpec {
        name,
        key,
        id: Expr::col(project::Column::Id),
        descending: ordering.descending,
    }
}

fn sort_value(field: OrderField, row: &project::Model) -> SortValue {
    match field {
        OrderField::Name => SortValue::Text(row.name_folded.clone()),
        OrderField::Year => SortValue::Date(row.start_date.unwrap_or(UNKNOWN_START)),
        OrderField::UpdatedAt => SortValue::Time(row.updated_at),
        OrderField::Slug => SortValue::Text(row.slug.clone()),
    }
}

/// One page of projects matching `filter`, in `ordering`.
#[instrument(skip_all, fields(entity = "project"))]
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    ordering: Ordering,
    request: &PageRequest,
) -> Result<Page<project::Model>, Error> {
    let select = apply(filter, project::Entity::find());
    page::fetch(
        db,
        select,
        &sort_spec(ordering),
        request,
        |row| sort_value(ordering.field, row),
        |row| row.id,
    )
    .await
}

/// How many projects match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> Result<u64, Error> {
    Ok(apply(filter, project::Entity::find()).count(db).await?)
}

/// The project with this id, if any.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<project::Model>, Error> {
    Ok(project::Entity::find_by_id(id).one(db).await?)
}

/// The project with this slug, if any.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<project::Model>, Error> {
    if !super::validate::slug_to_look_up("slug", slug)? {
        return Ok(None);
    }
    Ok(project::Entity::find()
        .filter(project::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The projects with these ids, by id.
pub async fn load_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, project::Model>, Error> {
    let rows =
        rows_where_in::<project::Entity, _, _>(db, project::Column::Id, ids, project::Column::Id)
            .await?;
    Ok(index_by(rows, |row| row.id))
}

/// Ids of the themes of each project.
pub async fn theme_ids(
    db: &impl ConnectionTrait,
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    let groups = grouped::<project_theme::Entity, _, _>(
        db,
        project_theme::Column::ProjectId,
        project_ids,
        project_theme::Column::ThemeId,
        |row| row.project_id,
    )
    .await?;
    Ok(ids_grouped(groups, |row| row.theme_id))
}

/// Ids of the projects tagged with each theme.
pub async fn ids_by_theme(
    db: &impl ConnectionTrait,
    theme_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    let groups = grouped::<project_theme::Entity, _, _>(
        db,
        project_theme::Column::ThemeId,
        theme_ids,
        project_theme::Column::ProjectId,
        |row| row.theme_id,
    )
    .await?;
    Ok(ids_grouped(groups, |row| row.project_id))
}
