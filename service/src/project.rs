//! Projects: the record type, its filter and year order; links to themes.
//!
//! Writing projects: the row, the summary and the theme links.

use crate::direct_read::SelectAll;
use crate::load::linked_ids;
use crate::localized_text::field;
use crate::page::SortValue;
use crate::record::{Narrowing, YearOrder, in_nuts_regions, list_filter, listed, record_type};
use crate::search_documents::{Indexed, Searchable};
use crate::text::fold;
use crate::validate::{Localized, MAX_NAME, Violations, YearRange};
use crate::write::input_format::{localized, vocabulary};
use crate::write::{OwnedTexts, Record, Referrer, Stored, parts, whole_record};
use crate::{Error, text};
use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, QueryFilter, Select};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use symbios_entity::vocabulary::{EntityType, ProgrammeKind, ProjectStatus};
use symbios_entity::{
    actor, case_study, case_study_project, funding, participation, project, project_theme,
};
use uuid::Uuid;

list_filter! {
    /// Which projects a list holds; empty fields do not filter.
    pub struct Filter {
        /// Running: ends in or after `years.from` (or has no end), starts in or before `years.to`
        /// (or has no start).
        pub years: YearRange = years("yearFrom"),
        /// Countries of participating actors, any of.
        pub countries: Vec<String> = countries("country"),
        /// Statuses, any of.
        pub statuses: Vec<ProjectStatus> = vocabulary("status"),
        /// Theme slugs, any of.
        pub themes: Vec<String> = themes("theme"),
        /// Name or acronym contains this text, ignoring case and diacritics.
        pub name_contains: Option<String> = text("nameContains"),
        /// NUTS codes, any of: a case study of the project or a participant lies in one of
        /// these regions or their sub-regions.
        pub nuts: Vec<String> = nuts("nuts"),
        /// Kinds of programme, any of: the project has a funding of that kind.
        pub programmes: Vec<ProgrammeKind> = vocabulary("programme"),
    }
}

/// Stands in for an unknown start date when sorting: 1 January of year 1, earlier than any
/// project and a date on both databases (`NaiveDate::MIN`, year −262,144, is out of
/// PostgreSQL's range: lists by year failed there).
const UNKNOWN_START: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

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
        column: project::Column::StartDate,
        value: |row| SortValue::Date(row.start_date.unwrap_or(UNKNOWN_START)),
    }
}

impl Searchable for Projects {
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
        db: &impl SelectAll,
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
    if !filter.nuts.is_empty() {
        select = select.filter(in_nuts(&filter.nuts));
    }
    if !filter.programmes.is_empty() {
        let funded = Query::select()
            .column(funding::Column::ProjectId)
            .from(funding::Entity)
            .and_where(funding::Column::ProgrammeKind.is_in(filter.programmes.iter().copied()))
            .to_owned();
        select = select.filter(project::Column::Id.in_subquery(funded));
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

/// The projects `filter` (checked) selects, unordered and unpaged.
pub(crate) fn select(filter: &Filter) -> Select<project::Entity> {
    apply(filter, <project::Entity as sea_orm::EntityTrait>::find())
}

/// Projects with a participant or a case study in one of the regions `codes`.
fn in_nuts(codes: &[String]) -> Condition {
    let with_participant_in = Query::select()
        .column(participation::Column::ProjectId)
        .from(participation::Entity)
        .inner_join(
            actor::Entity,
            Expr::col((actor::Entity, actor::Column::Id))
                .equals((participation::Entity, participation::Column::ActorId)),
        )
        .cond_where(in_nuts_regions(
            (actor::Entity, actor::Column::NutsCode),
            codes,
        ))
        .to_owned();
    let with_case_study_in = Query::select()
        .column(case_study_project::Column::ProjectId)
        .from(case_study_project::Entity)
        .inner_join(
            case_study::Entity,
            Expr::col((case_study::Entity, case_study::Column::Id)).equals((
                case_study_project::Entity,
                case_study_project::Column::CaseStudyId,
            )),
        )
        .cond_where(in_nuts_regions(
            (case_study::Entity, case_study::Column::NutsCode),
            codes,
        ))
        .to_owned();
    Condition::any()
        .add(project::Column::Id.in_subquery(with_participant_in))
        .add(project::Column::Id.in_subquery(with_case_study_in))
}

/// An amount of money in a currency (ISO 4217).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount: f64,
    pub currency: String,
}

impl Money {
    /// The amount and currency of two optional columns, when both are set.
    pub fn of(amount: Option<f64>, currency: Option<String>) -> Option<Money> {
        Some(Money {
            amount: amount?,
            currency: currency?,
        })
    }
}

/// Ids of the themes of each project.
pub async fn theme_ids(
    db: &impl SelectAll,
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
    db: &impl SelectAll,
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

whole_record! {
    /// A project as a whole.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ProjectFields, patched by ProjectPatch {
        /// Unique key; made from the name when left out on create.
        #[serde(default)]
        pub slug: Option<String>,
        pub name: String,
        #[serde(default)]
        pub acronym: Option<String>,
        #[serde(with = "vocabulary")]
        pub status: ProjectStatus,
        #[serde(default)]
        pub start_date: Option<NaiveDate>,
        #[serde(default)]
        pub end_date: Option<NaiveDate>,
        #[serde(default)]
        pub website: Option<String>,
        /// The whole budget.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub total_budget: Option<Money>,
        /// The part of the budget the EU pays.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub eu_contribution: Option<Money>,
        pub original_lang: String,
        #[serde(default, with = "localized")]
        pub summary: Localized,
        /// Theme slugs.
        #[serde(default)]
        pub themes: Vec<String>,
    }
}

impl Record for ProjectFields {
    type Patch = ProjectPatch;
    type Table = project::Entity;
    const TYPE: EntityType = EntityType::Project;
    const NAME: &'static str = "Project";

    async fn from_row(db: &DatabaseTransaction, stored: Stored<Self>) -> Result<Self, Error> {
        let Stored { row, mut texts } = stored;
        use project_theme::Column as L;
        let themes = parts::linked_theme_slugs::<project_theme::Entity, _>(
            db,
            L::ProjectId,
            L::ThemeId,
            row.id,
        )
        .await?;
        Ok(ProjectFields {
            slug: Some(row.slug),
            name: row.name,
            acronym: row.acronym,
            status: row.status,
            start_date: row.start_date,
            end_date: row.end_date,
            website: row.website,
            total_budget: Money::of(row.total_budget_amount, row.total_budget_currency),
            eu_contribution: Money::of(row.eu_contribution_amount, row.eu_contribution_currency),
            original_lang: row.original_lang,
            summary: texts.take(field::SUMMARY),
            themes,
        })
    }

    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::of(&self.original_lang).with(field::SUMMARY, &self.summary)
    }

    fn to_row(&self) -> project::ActiveModel {
        project::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            acronym: Set(self.acronym.clone()),
            status: Set(self.status),
            start_date: Set(self.start_date),
            end_date: Set(self.end_date),
            website: Set(self.website.clone()),
            total_budget_amount: Set(self.total_budget.as_ref().map(|money| money.amount)),
            total_budget_currency: Set(self
                .total_budget
                .as_ref()
                .map(|money| money.currency.clone())),
            eu_contribution_amount: Set(self.eu_contribution.as_ref().map(|money| money.amount)),
            eu_contribution_currency: Set(self
                .eu_contribution
                .as_ref()
                .map(|money| money.currency.clone())),
            original_lang: Set(self.original_lang.clone()),
            ..Default::default()
        }
    }

    async fn write_parts(&self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        let mut ignored = Violations::default();
        let theme_ids = parts::theme_ids(db, "themes", &self.themes, &mut ignored).await?;
        let links = theme_ids
            .into_iter()
            .map(|theme_id| project_theme::ActiveModel {
                project_id: Set(id),
                theme_id: Set(theme_id),
            })
            .collect();
        parts::replace_links::<project_theme::Entity, _>(
            db,
            project_theme::Column::ProjectId,
            id,
            links,
        )
        .await
    }

    async fn delete_parts(db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        parts::replace_links::<project_theme::Entity, _>(
            db,
            project_theme::Column::ProjectId,
            id,
            Vec::new(),
        )
        .await
    }

    fn apply(&mut self, patch: ProjectPatch) {
        self.apply_patch(patch);
        self.normalize();
    }

    fn normalize(&mut self) {
        parts::normalize_slugs(&mut self.themes);
    }

    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        Some((&mut self.slug, Some(&self.name)))
    }

    fn validate(&self, violations: &mut Violations) {
        violations.text("name", &self.name, MAX_NAME);
        violations.optional_text("acronym", self.acronym.as_deref(), 50);
        violations.date_range("endDate", self.start_date, self.end_date);
        if let Some(website) = &self.website {
            violations.url("website", website);
        }
        for (field, money) in [
            ("totalBudget", &self.total_budget),
            ("euContribution", &self.eu_contribution),
        ] {
            if let Some(money) = money {
                violations.money(field, money.amount, &money.currency);
            }
        }
        violations.lang("originalLang", &self.original_lang);
        violations.localized("summary", &self.summary, &self.original_lang, false);
        parts::validate_theme_slugs("themes", &self.themes, violations);
    }

    fn theme_slugs(&self) -> &[String] {
        &self.themes
    }

    const BATCHABLE: bool = true;

    async fn write_new_parts(
        db: &DatabaseTransaction,
        records: &[(Uuid, &Self)],
        themes: &HashMap<String, Uuid>,
    ) -> Result<(), Error> {
        let links = records.iter().flat_map(|(id, record)| {
            let theme_ids = record.themes.iter().filter_map(|slug| themes.get(slug));
            theme_ids.map(|theme_id| project_theme::ActiveModel {
                project_id: Set(*id),
                theme_id: Set(*theme_id),
            })
        });
        parts::insert_rows::<project_theme::Entity>(db, links.collect()).await
    }

    fn referrers() -> Vec<Referrer> {
        vec![
            Referrer::new(participation::Column::ProjectId, "participations"),
            Referrer::new(funding::Column::ProjectId, "fundings"),
            Referrer::new(case_study_project::Column::ProjectId, "case studies"),
        ]
    }
}
