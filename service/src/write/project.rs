//! Writing projects: the row, the summary and the theme links.

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, DatabaseTransaction};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{EntityType, ProjectStatus};
use symbios_entity::{case_study_project, funding, participation, project, project_theme};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts::{self, set};
use super::{Lookup, OwnedTexts, Record, Referrer, Stored};
use crate::Error;
use crate::localized_text::field;
use crate::text::fold;
use crate::validate::{Localized, MAX_NAME, Violations};

/// A project as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProjectFields {
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
    pub original_lang: String,
    #[serde(default, with = "localized")]
    pub summary: Localized,
    /// Theme slugs.
    #[serde(default)]
    pub themes: Vec<String>,
}

/// Changes to a project; `None` keeps a value, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ProjectPatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub acronym: Option<Option<String>>,
    pub status: Option<ProjectStatus>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
    pub website: Option<Option<String>>,
    pub original_lang: Option<String>,
    pub summary: Option<Localized>,
    pub themes: Option<Vec<String>>,
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
        set(&mut self.slug, patch.slug.map(Some));
        set(&mut self.name, patch.name);
        set(&mut self.acronym, patch.acronym);
        set(&mut self.status, patch.status);
        set(&mut self.start_date, patch.start_date);
        set(&mut self.end_date, patch.end_date);
        set(&mut self.website, patch.website);
        set(&mut self.original_lang, patch.original_lang);
        set(&mut self.summary, patch.summary);
        set(&mut self.themes, patch.themes);
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
        violations.lang("originalLang", &self.original_lang);
        violations.localized("summary", &self.summary, &self.original_lang, false);
        parts::validate_theme_slugs("themes", &self.themes, violations);
    }

    async fn check_references(&self, lookup: Lookup<'_>) -> Result<(), Error> {
        let Lookup { db, violations, .. } = lookup;
        parts::theme_ids(db, "themes", &self.themes, violations).await?;
        Ok(())
    }

    fn referrers() -> Vec<Referrer> {
        vec![
            Referrer::new(participation::Column::ProjectId, "participations"),
            Referrer::new(funding::Column::ProjectId, "fundings"),
            Referrer::new(case_study_project::Column::ProjectId, "case studies"),
        ]
    }
}
