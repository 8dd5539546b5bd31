//! Case studies: the record type, its filter and year order; links to projects and themes.
//!
//! Writing case studies: the row, summary and body, theme and project links, and sources.

use crate::direct_read::SelectAll;
use crate::load::linked_ids;
use crate::localized_text::field;
use crate::page::SortValue;
use crate::record::{Narrowing, YearOrder, list_filter, listed, record_type};
use crate::search_documents::{Indexed, Searchable};
use crate::text::fold;
use crate::validate::{Localized, MAX_NAME, Violations, YearRange};
use crate::write::input_format::{localized, vocabulary};
use crate::write::{OwnedTexts, Record, Reference, Referrer, Stored, parts, whole_record};
use crate::{Error, limits};
use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use symbios_entity::vocabulary::{CaseStudyKind, CaseStudyStatus, EntityType, ProgrammeKind};
use symbios_entity::{
    case_study, case_study_actor, case_study_project, case_study_theme, impact_figure,
    resource_flow, source,
};
use uuid::Uuid;

list_filter! {
    /// Which case studies a list holds; empty fields do not filter.
    pub struct Filter {
        /// Established: in or after `years.from`, in or before `years.to`.
        pub years: YearRange = years("yearFrom"),
        /// ISO 3166-1 alpha-2 codes, any of.
        pub countries: Vec<String> = countries("country"),
        /// Kinds, any of.
        pub kinds: Vec<CaseStudyKind> = vocabulary("kind"),
        /// Statuses, any of.
        pub statuses: Vec<CaseStudyStatus> = vocabulary("status"),
        /// Theme slugs, any of.
        pub themes: Vec<String> = themes("theme"),
        /// Title contains this text, ignoring case and diacritics.
        pub name_contains: Option<String> = text("nameContains"),
        /// NUTS codes, any of; a code matches its sub-regions.
        pub nuts: Vec<String> = nuts("nuts"),
        /// Kinds of programme funding one of the case study's projects, any of.
        pub programmes: Vec<ProgrammeKind> = vocabulary("programme"),
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
        column: case_study::Column::EstablishedYear,
        value: |row| SortValue::Int(i64::from(row.established_year.unwrap_or(0))),
    }
}

impl Searchable for CaseStudies {
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
        db: &impl SelectAll,
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
    select = select
        .in_nuts(case_study::Column::NutsCode, &filter.nuts)
        .funded_by::<case_study_project::Entity>(
            case_study::Column::Id,
            (
                case_study_project::Column::CaseStudyId,
                case_study_project::Column::ProjectId,
            ),
            &filter.programmes,
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
    db: &impl SelectAll,
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
    db: &impl SelectAll,
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
    db: &impl SelectAll,
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
    db: &impl SelectAll,
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

/// A public source of a case study.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceFields {
    pub url: String,
    pub title: String,
    #[serde(default)]
    pub accessed: Option<NaiveDate>,
}

whole_record! {
    /// A case study as a whole.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct CaseStudyFields, patched by CaseStudyPatch {
        /// Unique key; made from the title when left out on create.
        #[serde(default)]
        pub slug: Option<String>,
        pub title: String,
        #[serde(with = "vocabulary")]
        pub kind: CaseStudyKind,
        pub place: String,
        #[serde(default)]
        pub municipality: Option<String>,
        #[serde(default)]
        pub region: Option<String>,
        pub country: String,
        /// The most specific NUTS code known, e.g. `SE232`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nuts_code: Option<String>,
        #[serde(default)]
        pub latitude: Option<f64>,
        #[serde(default)]
        pub longitude: Option<f64>,
        #[serde(default)]
        pub established_year: Option<i32>,
        #[serde(with = "vocabulary")]
        pub status: CaseStudyStatus,
        pub original_lang: String,
        #[serde(default, with = "localized")]
        pub summary: Localized,
        #[serde(default, with = "localized")]
        pub body: Localized,
        /// Theme slugs.
        #[serde(default)]
        pub themes: Vec<String>,
        /// Projects the case study is documented by.
        #[serde(default)]
        pub project_ids: Vec<Uuid>,
        #[serde(default)]
        pub sources: Vec<SourceFields>,
    }
}

impl CaseStudyFields {
    fn links_and_sources(&self, id: Uuid) -> Links {
        let themes = self.themes.clone();
        let projects = self
            .project_ids
            .iter()
            .map(|project_id| case_study_project::ActiveModel {
                case_study_id: Set(id),
                project_id: Set(*project_id),
            })
            .collect();
        let sources = self
            .sources
            .iter()
            .map(|source| source::ActiveModel {
                id: Set(Uuid::new_v4()),
                case_study_id: Set(id),
                url: Set(source.url.clone()),
                title: Set(source.title.clone()),
                accessed: Set(source.accessed),
            })
            .collect();
        (themes, projects, sources)
    }
}

/// Theme slugs, project links and sources of one case study, as written.
type Links = (
    Vec<String>,
    Vec<case_study_project::ActiveModel>,
    Vec<source::ActiveModel>,
);

/// Replaces the theme links, project links and sources of case study `id`.
async fn replace_links(
    db: &DatabaseTransaction,
    id: Uuid,
    (themes, projects, sources): Links,
) -> Result<(), Error> {
    let mut ignored = Violations::default();
    let themes = parts::theme_ids(db, "themes", &themes, &mut ignored)
        .await?
        .into_iter()
        .map(|theme_id| case_study_theme::ActiveModel {
            case_study_id: Set(id),
            theme_id: Set(theme_id),
        })
        .collect();
    use case_study_project::Column as P;
    use case_study_theme::Column as T;
    parts::replace_links::<case_study_theme::Entity, _>(db, T::CaseStudyId, id, themes).await?;
    parts::replace_links::<case_study_project::Entity, _>(db, P::CaseStudyId, id, projects).await?;
    parts::replace_links::<source::Entity, _>(db, source::Column::CaseStudyId, id, sources).await
}

impl Record for CaseStudyFields {
    type Patch = CaseStudyPatch;
    type Table = case_study::Entity;
    const TYPE: EntityType = EntityType::CaseStudy;
    const NAME: &'static str = "CaseStudy";

    async fn from_row(db: &DatabaseTransaction, stored: Stored<Self>) -> Result<Self, Error> {
        let Stored { row, mut texts } = stored;
        let id = row.id;
        let project_ids: Vec<Uuid> = case_study_project::Entity::find()
            .select_only()
            .column(case_study_project::Column::ProjectId)
            .filter(case_study_project::Column::CaseStudyId.eq(id))
            .into_tuple()
            .all(db)
            .await?;
        let sources = source::Entity::find()
            .filter(source::Column::CaseStudyId.eq(id))
            .order_by_asc(source::Column::Url)
            .all(db)
            .await?
            .into_iter()
            .map(|source| SourceFields {
                url: source.url,
                title: source.title,
                accessed: source.accessed,
            })
            .collect();
        use case_study_theme::Column as L;
        let themes = parts::linked_theme_slugs::<case_study_theme::Entity, _>(
            db,
            L::CaseStudyId,
            L::ThemeId,
            id,
        )
        .await?;
        let mut record = CaseStudyFields {
            slug: Some(row.slug),
            title: row.title,
            kind: row.kind,
            place: row.place,
            municipality: row.municipality,
            region: row.region,
            country: row.country,
            nuts_code: row.nuts_code,
            latitude: row.latitude,
            longitude: row.longitude,
            established_year: row.established_year,
            status: row.status,
            original_lang: row.original_lang,
            summary: texts.take(field::SUMMARY),
            body: texts.take(field::BODY),
            themes,
            project_ids,
            sources,
        };
        record.normalize();
        Ok(record)
    }

    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::of(&self.original_lang)
            .with(field::SUMMARY, &self.summary)
            .with(field::BODY, &self.body)
    }

    fn to_row(&self) -> case_study::ActiveModel {
        case_study::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            title: Set(self.title.clone()),
            name_folded: Set(fold(&self.title)),
            kind: Set(self.kind),
            place: Set(self.place.clone()),
            municipality: Set(self.municipality.clone()),
            region: Set(self.region.clone()),
            country: Set(self.country.clone()),
            nuts_code: Set(self.nuts_code.clone()),
            latitude: Set(self.latitude),
            longitude: Set(self.longitude),
            established_year: Set(self.established_year),
            status: Set(self.status),
            original_lang: Set(self.original_lang.clone()),
            ..Default::default()
        }
    }

    async fn write_parts(&self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        replace_links(db, id, self.links_and_sources(id)).await
    }

    async fn delete_parts(db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        replace_links(db, id, Links::default()).await
    }

    fn apply(&mut self, patch: CaseStudyPatch) {
        self.apply_patch(patch);
        self.normalize();
    }

    fn normalize(&mut self) {
        parts::normalize_slugs(&mut self.themes);
        parts::normalize_nuts(&mut self.nuts_code);
        self.project_ids.sort();
        self.project_ids.dedup();
        self.sources.sort();
        self.sources.dedup();
    }

    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        Some((&mut self.slug, Some(&self.title)))
    }

    fn validate(&self, violations: &mut Violations) {
        violations.text("title", &self.title, MAX_NAME);
        violations.text("place", &self.place, 200);
        violations.optional_text("municipality", self.municipality.as_deref(), 200);
        violations.optional_text("region", self.region.as_deref(), 200);
        violations.country("country", &self.country);
        violations.nuts("nutsCode", self.nuts_code.as_deref(), &self.country);
        violations.coordinates(self.latitude, self.longitude);
        violations.year("establishedYear", self.established_year);
        violations.lang("originalLang", &self.original_lang);
        violations.localized("summary", &self.summary, &self.original_lang, true);
        violations.localized("body", &self.body, &self.original_lang, false);
        if violations.list_length("sources", self.sources.len(), limits::MAX_SOURCES) {
            for (index, source) in self.sources.iter().enumerate() {
                violations.url(&format!("sources[{index}].url"), &source.url);
                violations.text(&format!("sources[{index}].title"), &source.title, MAX_NAME);
            }
        }
        parts::validate_theme_slugs("themes", &self.themes, violations);
        violations.list_length(
            "projectIds",
            self.project_ids.len(),
            limits::MAX_PROJECT_IDS,
        );
    }

    fn references(&self) -> Vec<Reference> {
        let projects = self.project_ids.iter();
        projects
            .map(|id| Reference::new("projectIds", EntityType::Project, *id))
            .collect()
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
        let mut theme_links = Vec::new();
        let mut project_links = Vec::new();
        let mut all_sources = Vec::new();
        for (id, record) in records {
            let (slugs, projects, sources) = record.links_and_sources(*id);
            theme_links.extend(
                slugs
                    .iter()
                    .filter_map(|slug| themes.get(slug))
                    .map(|theme_id| case_study_theme::ActiveModel {
                        case_study_id: Set(*id),
                        theme_id: Set(*theme_id),
                    }),
            );
            project_links.extend(projects);
            all_sources.extend(sources);
        }
        parts::insert_rows::<case_study_theme::Entity>(db, theme_links).await?;
        parts::insert_rows::<case_study_project::Entity>(db, project_links).await?;
        parts::insert_rows::<source::Entity>(db, all_sources).await
    }

    fn referrers() -> Vec<Referrer> {
        vec![
            Referrer::new(case_study_actor::Column::CaseStudyId, "actor roles"),
            Referrer::new(resource_flow::Column::CaseStudyId, "resource flows"),
            Referrer::new(impact_figure::Column::CaseStudyId, "impact figures"),
        ]
    }
}
