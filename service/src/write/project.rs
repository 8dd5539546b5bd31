//! Writing projects: the row, the summary and the theme links.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{EntityType, ProjectStatus};
use symbios_entity::{case_study_project, funding, participation, project, project_theme};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts::{self, count_referrers, set};
use super::{Record, Versioned};
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

impl ProjectFields {
    fn to_row(&self, id: Uuid, version: i32, at: DateTime<Utc>) -> project::ActiveModel {
        project::ActiveModel {
            id: Set(id),
            slug: Set(self.slug.clone().unwrap_or_default()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            acronym: Set(self.acronym.clone()),
            status: Set(self.status),
            start_date: Set(self.start_date),
            end_date: Set(self.end_date),
            website: Set(self.website.clone()),
            original_lang: Set(self.original_lang.clone()),
            version: Set(version),
            updated_at: Set(at),
            ..Default::default()
        }
    }

    async fn write_parts(&self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        parts::replace_texts(
            db,
            EntityType::Project,
            id,
            field::SUMMARY,
            &self.summary,
            &self.original_lang,
        )
        .await?;
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
}

impl Record for ProjectFields {
    type Patch = ProjectPatch;
    const TYPE: EntityType = EntityType::Project;
    const NAME: &'static str = "Project";

    async fn load(db: &DatabaseTransaction, id: Uuid) -> Result<Option<Versioned<Self>>, Error> {
        let Some(row) = project::Entity::find_by_id(id).one(db).await? else {
            return Ok(None);
        };
        use project_theme::Column as L;
        let record = ProjectFields {
            slug: Some(row.slug),
            name: row.name,
            acronym: row.acronym,
            status: row.status,
            start_date: row.start_date,
            end_date: row.end_date,
            website: row.website,
            original_lang: row.original_lang,
            summary: parts::load_texts(db, EntityType::Project, id, field::SUMMARY).await?,
            themes: parts::linked_theme_slugs::<project_theme::Entity, _>(
                db,
                L::ProjectId,
                L::ThemeId,
                id,
            )
            .await?,
        };
        Ok(Some(Versioned {
            record,
            version: row.version,
        }))
    }

    fn apply(&mut self, patch: ProjectPatch) {
        if patch.slug.is_some() {
            self.slug = patch.slug;
        }
        set(&mut self.name, patch.name);
        set(&mut self.acronym, patch.acronym);
        set(&mut self.status, patch.status);
        set(&mut self.start_date, patch.start_date);
        set(&mut self.end_date, patch.end_date);
        set(&mut self.website, patch.website);
        set(&mut self.original_lang, patch.original_lang);
        set(&mut self.summary, patch.summary);
        set(&mut self.themes, patch.themes);
        parts::normalize_slugs(&mut self.themes);
    }

    async fn complete(&mut self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        parts::normalize_slugs(&mut self.themes);
        use project::Column as C;
        parts::complete_slug::<project::Entity, _>(
            db,
            (C::Slug, C::Id),
            &mut self.slug,
            &self.name,
            id,
        )
        .await
    }

    fn validate(&self, violations: &mut Violations) {
        if let Some(slug) = &self.slug {
            violations.slug("slug", slug);
        }
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

    async fn check_references(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        violations: &mut Violations,
    ) -> Result<(), Error> {
        use project::Column as C;
        parts::check_slug::<project::Entity, _>(
            db,
            (C::Slug, C::Id),
            self.slug.as_deref(),
            id,
            violations,
        )
        .await?;
        parts::theme_ids(db, "themes", &self.themes, violations).await?;
        Ok(())
    }

    async fn insert(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut row = self.to_row(id, 1, at);
        row.created_at = Set(at);
        project::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
        self.write_parts(db, id).await
    }

    async fn update(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        expected: i32,
        at: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let row = self.to_row(id, expected + 1, at);
        use project::Column as C;
        if !parts::guarded_update::<project::Entity, _>(db, row, (C::Id, C::Version), id, expected)
            .await?
        {
            return Ok(false);
        }
        self.write_parts(db, id).await?;
        Ok(true)
    }

    async fn delete(db: &DatabaseTransaction, id: Uuid, expected: i32) -> Result<bool, Error> {
        parts::replace_links::<project_theme::Entity, _>(
            db,
            project_theme::Column::ProjectId,
            id,
            Vec::new(),
        )
        .await?;
        use project::Column as C;
        parts::guarded_delete::<project::Entity, _>(
            db,
            EntityType::Project,
            (C::Id, C::Version),
            id,
            expected,
        )
        .await
    }

    async fn referenced_by(db: &DatabaseTransaction, id: Uuid) -> Result<Vec<String>, Error> {
        let mut referrers = Vec::new();
        count_referrers::<participation::Entity, _>(
            db,
            participation::Column::ProjectId,
            id,
            "participations",
            &mut referrers,
        )
        .await?;
        count_referrers::<funding::Entity, _>(
            db,
            funding::Column::ProjectId,
            id,
            "fundings",
            &mut referrers,
        )
        .await?;
        count_referrers::<case_study_project::Entity, _>(
            db,
            case_study_project::Column::ProjectId,
            id,
            "case studies",
            &mut referrers,
        )
        .await?;
        Ok(referrers)
    }
}
