//! Case studies: lists with filters and orders, lookups by id and slug, batched loads.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select};
use symbios_entity::vocabulary::{CaseStudyKind, CaseStudyStatus};
use symbios_entity::{case_study, case_study_project, case_study_theme, theme};
use tracing::instrument;
use uuid::Uuid;

use super::load::{group_by, index_by, rows_where_in};
use super::page::{self, Page, PageRequest, SortSpec, SortValue};
use super::{Error, limits, text, validate};

/// Which case studies a list holds; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// ISO 3166-1 alpha-2 codes, any of.
    pub countries: Vec<String>,
    /// Kinds, any of.
    pub kinds: Vec<CaseStudyKind>,
    /// Statuses, any of.
    pub statuses: Vec<CaseStudyStatus>,
    /// Theme slugs, any of.
    pub themes: Vec<String>,
    /// Established in or after this year.
    pub year_from: Option<i32>,
    /// Established in or before this year.
    pub year_to: Option<i32>,
    /// Title contains this text, ignoring case and diacritics.
    pub name_contains: Option<String>,
}

/// What a case-study list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    /// Title, ignoring case and diacritics.
    #[default]
    Name,
    /// Year established; unknown years sort as oldest.
    Year,
    /// Last change.
    UpdatedAt,
    /// Slug, the human-readable key: an order that stays put when a name is edited.
    Slug,
}

/// A case-study order: field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ordering {
    /// The sort field.
    pub field: OrderField,
    /// Largest first.
    pub descending: bool,
}

impl Filter {
    /// The filter as given in argument `filter`, checked, with repeats folded.
    pub fn checked(self) -> Result<Self, Error> {
        validate::year_range("filter.yearFrom", self.year_from, self.year_to)?;
        Ok(Self {
            countries: validate::countries("filter.country", self.countries)?,
            kinds: limits::fold_vocabulary("filter.kind", self.kinds)?,
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

fn apply(filter: &Filter, select: Select<case_study::Entity>) -> Select<case_study::Entity> {
    let mut select = select;
    if !filter.countries.is_empty() {
        select = select.filter(case_study::Column::Country.is_in(filter.countries.clone()));
    }
    if !filter.kinds.is_empty() {
        select = select.filter(case_study::Column::Kind.is_in(filter.kinds.clone()));
    }
    if !filter.statuses.is_empty() {
        select = select.filter(case_study::Column::Status.is_in(filter.statuses.clone()));
    }
    if !filter.themes.is_empty() {
        let tagged = Query::select()
            .column(case_study_theme::Column::CaseStudyId)
            .from(case_study_theme::Entity)
            .inner_join(
                theme::Entity,
                Expr::col((theme::Entity, theme::Column::Id))
                    .equals((case_study_theme::Entity, case_study_theme::Column::ThemeId)),
            )
            .and_where(theme::Column::Slug.is_in(filter.themes.clone()))
            .to_owned();
        select = select.filter(case_study::Column::Id.in_subquery(tagged));
    }
    if let Some(year) = filter.year_from {
        select = select.filter(case_study::Column::EstablishedYear.gte(year));
    }
    if let Some(year) = filter.year_to {
        select = select.filter(case_study::Column::EstablishedYear.lte(year));
    }
    if let Some(needle) = &filter.name_contains {
        select = select.filter(
            Expr::col(case_study::Column::NameFolded)
                .like(LikeExpr::new(text::contains_pattern(needle)).escape('\\')),
        );
    }
    select
}

fn sort_spec(ordering: Ordering) -> SortSpec {
    let (name, key) = match (ordering.field, ordering.descending) {
        (OrderField::Name, false) => ("name_asc", Expr::col(case_study::Column::NameFolded)),
        (OrderField::Name, true) => ("name_desc", Expr::col(case_study::Column::NameFolded)),
        (OrderField::Year, descending) => (
            if descending { "year_desc" } else { "year_asc" },
            Expr::expr(Func::coalesce([
                Expr::col(case_study::Column::EstablishedYear),
                Expr::val(0),
            ])),
        ),
        (OrderField::UpdatedAt, descending) => (
            if descending {
                "updated_desc"
            } else {
                "updated_asc"
            },
            Expr::col(case_study::Column::UpdatedAt),
        ),
        (OrderField::Slug, descending) => (
            if descending { "slug_desc" } else { "slug_asc" },
            Expr::col(case_study::Column::Slug),
        ),
    };
    SortSpec {
        name,
        key,
        id: Expr::col(case_study::Column::Id),
        descending: ordering.descending,
    }
}

fn sort_value(field: OrderField, row: &case_study::Model) -> SortValue {
    match field {
        OrderField::Name => SortValue::Text(row.name_folded.clone()),
        OrderField::Year => SortValue::Int(i64::from(row.established_year.unwrap_or(0))),
        OrderField::UpdatedAt => SortValue::Time(row.updated_at),
        OrderField::Slug => SortValue::Text(row.slug.clone()),
    }
}

/// One page of case studies matching `filter`, in `ordering`.
#[instrument(skip_all, fields(entity = "case_study"))]
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    ordering: Ordering,
    request: &PageRequest,
) -> Result<Page<case_study::Model>, Error> {
    let select = apply(filter, case_study::Entity::find());
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

/// How many case studies match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> Result<u64, Error> {
    Ok(apply(filter, case_study::Entity::find()).count(db).await?)
}

/// The case study with this id, if any.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<case_study::Model>, Error> {
    Ok(case_study::Entity::find_by_id(id).one(db).await?)
}

/// The case study with this slug, if any.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<case_study::Model>, Error> {
    if !super::validate::slug_to_look_up("slug", slug)? {
        return Ok(None);
    }
    Ok(case_study::Entity::find()
        .filter(case_study::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The case studies with these ids, by id.
pub async fn load_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, case_study::Model>, Error> {
    let rows = rows_where_in::<case_study::Entity, _, _>(
        db,
        case_study::Column::Id,
        ids,
        case_study::Column::Id,
    )
    .await?;
    Ok(index_by(rows, |row| row.id))
}

/// Ids of the projects of each case study.
pub async fn project_ids(
    db: &impl ConnectionTrait,
    case_study_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    let rows = rows_where_in::<case_study_project::Entity, _, _>(
        db,
        case_study_project::Column::CaseStudyId,
        case_study_ids,
        case_study_project::Column::ProjectId,
    )
    .await?;
    Ok(ids_grouped(
        group_by(rows, |row| row.case_study_id),
        |row| row.project_id,
    ))
}

/// Ids of the case studies of each project.
pub async fn ids_by_project(
    db: &impl ConnectionTrait,
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    let rows = rows_where_in::<case_study_project::Entity, _, _>(
        db,
        case_study_project::Column::ProjectId,
        project_ids,
        case_study_project::Column::CaseStudyId,
    )
    .await?;
    Ok(ids_grouped(group_by(rows, |row| row.project_id), |row| {
        row.case_study_id
    }))
}

/// Ids of the themes of each case study.
pub async fn theme_ids(
    db: &impl ConnectionTrait,
    case_study_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    let rows = rows_where_in::<case_study_theme::Entity, _, _>(
        db,
        case_study_theme::Column::CaseStudyId,
        case_study_ids,
        case_study_theme::Column::ThemeId,
    )
    .await?;
    Ok(ids_grouped(
        group_by(rows, |row| row.case_study_id),
        |row| row.theme_id,
    ))
}

/// Ids of the case studies tagged with each theme.
pub async fn ids_by_theme(
    db: &impl ConnectionTrait,
    theme_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    let rows = rows_where_in::<case_study_theme::Entity, _, _>(
        db,
        case_study_theme::Column::ThemeId,
        theme_ids,
        case_study_theme::Column::CaseStudyId,
    )
    .await?;
    Ok(ids_grouped(group_by(rows, |row| row.theme_id), |row| {
        row.case_study_id
    }))
}

/// Replaces each group of link rows by the ids on their other side.
pub(crate) fn ids_grouped<M>(
    groups: HashMap<Uuid, Vec<M>>,
    other_side: impl Fn(&M) -> Uuid,
) -> HashMap<Uuid, Vec<Uuid>> {
    groups
        .into_iter()
        .map(|(key, rows)| (key, rows.iter().map(&other_side).collect()))
        .collect()
}
