//! Case studies: the record type, its filter and year order; links to projects and themes.

use std::collections::HashMap;
use std::future::Future;

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, Select};
use symbios_entity::vocabulary::{CaseStudyKind, CaseStudyStatus};
use symbios_entity::{case_study, case_study_project, case_study_theme};
use symbios_search::Kind;
use uuid::Uuid;

use super::load::linked_ids;
use super::page::SortValue;
use super::record::Narrowing;
use super::record::{YearOrder, listed, record_type};
use super::search_documents::{Indexed, Searchable};
use super::validate::{self, YearRange};
use super::{Error, limits};

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
    /// Established: in or after `years.from`, in or before `years.to`.
    pub years: YearRange,
    /// Title contains this text, ignoring case and diacritics.
    pub name_contains: Option<String>,
}

impl Filter {
    /// The filter as given in argument `filter`, checked, with repeats folded.
    pub fn checked(self) -> Result<Self, Error> {
        Ok(Self {
            years: self.years.checked("filter.yearFrom")?,
            countries: validate::countries("filter.country", self.countries)?,
            kinds: limits::fold_vocabulary("filter.kind", self.kinds)?,
            statuses: limits::fold_vocabulary("filter.status", self.statuses)?,
            themes: validate::filter_values("filter.theme", self.themes, limits::MAX_THEMES)?,
            name_contains: validate::optional_filter_text(
                "filter.nameContains",
                self.name_contains,
            )?,
        })
    }
}

record_type!(
    /// The case studies: a listed record type.
    CaseStudies: case_study, "case_study"
);
listed!(CaseStudies: case_study, Filter, check = Filter::checked, narrow = apply, year = year_order);

/// Sorting by year: unknown years sort as oldest.
fn year_order() -> YearOrder<CaseStudies> {
    YearOrder {
        key: Expr::expr(Func::coalesce([
            Expr::col(case_study::Column::EstablishedYear),
            Expr::val(0),
        ])),
        value: |row| SortValue::Int(i64::from(row.established_year.unwrap_or(0))),
    }
}

impl Searchable for CaseStudies {
    const KIND: Kind = Kind::CaseStudy;

    fn indexed(row: &case_study::Model) -> Indexed {
        Indexed {
            names: [
                Some(row.title.clone()),
                Some(row.place.clone()),
                row.municipality.clone(),
            ]
            .into_iter()
            .flatten()
            .collect(),
            countries: vec![row.country.clone()],
            year: row.established_year,
        }
    }

    fn theme_ids(
        db: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> impl Future<Output = Result<HashMap<Uuid, Vec<Uuid>>, Error>> + Send {
        theme_ids(db, ids)
    }
}

fn apply(filter: &Filter, select: Select<case_study::Entity>) -> Select<case_study::Entity> {
    let mut select = select
        .any_of(case_study::Column::Country, &filter.countries)
        .any_of(case_study::Column::Kind, &filter.kinds)
        .any_of(case_study::Column::Status, &filter.statuses)
        .tagged::<case_study_theme::Entity>(
            case_study::Column::Id,
            (
                case_study_theme::Column::CaseStudyId,
                case_study_theme::Column::ThemeId,
            ),
            &filter.themes,
        )
        .folded_contains(
            case_study::Column::NameFolded,
            filter.name_contains.as_deref(),
        );
    if let Some(year) = filter.years.from {
        select = select.filter(case_study::Column::EstablishedYear.gte(year));
    }
    if let Some(year) = filter.years.to {
        select = select.filter(case_study::Column::EstablishedYear.lte(year));
    }
    select
}

/// Ids of the projects of each case study.
pub async fn project_ids(
    db: &impl ConnectionTrait,
    case_study_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    linked_ids::<case_study_project::Entity>(
        db,
        case_study_ids,
        (case_study_project::Column::CaseStudyId, |row| {
            row.case_study_id
        }),
        (case_study_project::Column::ProjectId, |row| row.project_id),
    )
    .await
}

/// Ids of the case studies of each project.
pub async fn ids_by_project(
    db: &impl ConnectionTrait,
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    linked_ids::<case_study_project::Entity>(
        db,
        project_ids,
        (case_study_project::Column::ProjectId, |row| row.project_id),
        (case_study_project::Column::CaseStudyId, |row| {
            row.case_study_id
        }),
    )
    .await
}

/// Ids of the themes of each case study.
pub async fn theme_ids(
    db: &impl ConnectionTrait,
    case_study_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    linked_ids::<case_study_theme::Entity>(
        db,
        case_study_ids,
        (case_study_theme::Column::CaseStudyId, |row| {
            row.case_study_id
        }),
        (case_study_theme::Column::ThemeId, |row| row.theme_id),
    )
    .await
}

/// Ids of the case studies tagged with each theme.
pub async fn ids_by_theme(
    db: &impl ConnectionTrait,
    theme_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    linked_ids::<case_study_theme::Entity>(
        db,
        theme_ids,
        (case_study_theme::Column::ThemeId, |row| row.theme_id),
        (case_study_theme::Column::CaseStudyId, |row| {
            row.case_study_id
        }),
    )
    .await
}
