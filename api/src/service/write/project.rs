//! Writing projects: the row, the summary and the theme links.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{EntityType, ProjectStatus};
use symbios_entity::{case_study_project, funding, participation, project, project_theme};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts::{self, count_referrers};
use super::{Record, Versioned};
use crate::service::Error;
use crate::service::localized_text::field;
use crate::service::text::fold;
use crate::service::validate::{Localized, MAX_NAME, Violations};

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
        if let Some(slug) = patch.slug {
            self.slug = Some(slug);
        }
        if let Some(name) = patch.name {
            self.name = name;
        }
        if let Some(acronym) = patch.acronym {
            self.acronym = acronym;
        }
        if let Some(status) = patch.status {
            self.status = status;
        }
        if let Some(start_date) = patch.start_date {
            self.start_date = start_date;
        }
        if let Some(end_date) = patch.end_date {
            self.end_date = end_date;
        }
        if let Some(website) = patch.website {
            self.website = website;
        }
        if let Some(original_lang) = patch.original_lang {
            self.original_lang = original_lang;
        }
        if let Some(summary) = patch.summary {
            self.summary = summary;
        }
        if let Some(themes) = patch.themes {
            self.themes = themes;
        }
        parts::normalize_slugs(&mut self.themes);
    }

    async fn complete(&mut self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        parts::normalize_slugs(&mut self.themes);
        if self.slug.is_none() {
            use project::Column as C;
            self.slug = Some(
                parts::free_slug::<project::Entity, _>(db, C::Slug, C::Id, &self.name, id).await?,
            );
        }
        Ok(())
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
    }

    async fn check_references(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        violations: &mut Violations,
    ) -> Result<(), Error> {
        if let Some(slug) = &self.slug {
            use project::Column as C;
            if parts::slug_taken::<project::Entity, _>(db, C::Slug, C::Id, slug, id).await? {
                violations.add("slug", format!("`{slug}` is taken by another project"));
            }
        }
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
        let updated = project::Entity::update_many()
            .set(self.to_row(id, expected + 1, at))
            .filter(project::Column::Id.eq(id))
            .filter(project::Column::Version.eq(expected))
            .exec(db)
            .await?;
        if updated.rows_affected == 0 {
            return Ok(false);
        }
        self.write_parts(db, id).await?;
        Ok(true)
    }

    async fn delete(db: &DatabaseTransaction, id: Uuid, expected: i32) -> Result<bool, Error> {
        parts::delete_texts(db, EntityType::Project, id).await?;
        parts::replace_links::<project_theme::Entity, _>(
            db,
            project_theme::Column::ProjectId,
            id,
            Vec::new(),
        )
        .await?;
        let deleted = project::Entity::delete_many()
            .filter(project::Column::Id.eq(id))
            .filter(project::Column::Version.eq(expected))
            .exec(db)
            .await?;
        Ok(deleted.rows_affected == 1)
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
