//! Writing themes of the controlled vocabulary: the slug and a label in every supported
//! language (English counts as the original). Themes have no GraphQL mutations; editors
//! change them through imports.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{case_study_theme, project_theme, theme};
use uuid::Uuid;

use super::input_format::localized;
use super::parts::{self, count_referrers, set};
use super::{Record, Versioned};
use crate::Error;
use crate::lang::SUPPORTED_LANGUAGES;
use crate::localized_text::field;
use crate::validate::{Localized, Violations};

/// The language theme labels are written in first.
const ORIGINAL: &str = "en";

/// A theme as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThemeFields {
    pub slug: Option<String>,
    #[serde(with = "localized")]
    pub labels: Localized,
}

/// Changes to a theme.
#[derive(Debug, Clone, Default)]
pub struct ThemePatch {
    pub slug: Option<String>,
    pub labels: Option<Localized>,
}

impl Record for ThemeFields {
    type Patch = ThemePatch;
    const TYPE: EntityType = EntityType::Theme;
    const NAME: &'static str = "Theme";

    async fn load(db: &DatabaseTransaction, id: Uuid) -> Result<Option<Versioned<Self>>, Error> {
        let Some(row) = theme::Entity::find_by_id(id).one(db).await? else {
            return Ok(None);
        };
        let record = ThemeFields {
            slug: Some(row.slug),
            labels: parts::load_texts(db, EntityType::Theme, id, field::LABEL).await?,
        };
        Ok(Some(Versioned {
            record,
            version: row.version,
        }))
    }

    fn apply(&mut self, patch: ThemePatch) {
        if patch.slug.is_some() {
            self.slug = patch.slug;
        }
        set(&mut self.labels, patch.labels);
    }

    fn validate(&self, violations: &mut Violations) {
        match &self.slug {
            Some(slug) => violations.slug("slug", slug),
            None => violations.add("slug", "a theme needs a slug"),
        }
        violations.localized_labels("labels", &self.labels, ORIGINAL, true);
        for lang in SUPPORTED_LANGUAGES {
            if !self.labels.contains_key(lang) {
                violations.add("labels", format!("has no label in `{lang}`"));
            }
        }
    }

    async fn check_references(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        violations: &mut Violations,
    ) -> Result<(), Error> {
        use theme::Column as C;
        parts::check_slug::<theme::Entity, _>(
            db,
            (C::Slug, C::Id),
            self.slug.as_deref(),
            id,
            violations,
        )
        .await?;
        Ok(())
    }

    async fn insert(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        theme::Entity::insert(theme::ActiveModel {
            id: Set(id),
            slug: Set(self.slug.clone().unwrap_or_default()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        })
        .exec_without_returning(db)
        .await?;
        parts::insert_texts(
            db,
            EntityType::Theme,
            id,
            field::LABEL,
            &self.labels,
            ORIGINAL,
        )
        .await
    }

    async fn update(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        expected: i32,
        at: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let row = theme::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            version: Set(expected + 1),
            updated_at: Set(at),
            ..Default::default()
        };
        use theme::Column as C;
        if !parts::guarded_update::<theme::Entity, _>(db, row, (C::Id, C::Version), id, expected)
            .await?
        {
            return Ok(false);
        }
        parts::replace_texts(
            db,
            EntityType::Theme,
            id,
            field::LABEL,
            &self.labels,
            ORIGINAL,
        )
        .await?;
        Ok(true)
    }

    async fn delete(db: &DatabaseTransaction, id: Uuid, expected: i32) -> Result<bool, Error> {
        use theme::Column as C;
        parts::guarded_delete::<theme::Entity, _>(
            db,
            EntityType::Theme,
            (C::Id, C::Version),
            id,
            expected,
        )
        .await
    }

    async fn referenced_by(db: &DatabaseTransaction, id: Uuid) -> Result<Vec<String>, Error> {
        let mut referrers = Vec::new();
        count_referrers::<case_study_theme::Entity, _>(
            db,
            case_study_theme::Column::ThemeId,
            id,
            "case studies",
            &mut referrers,
        )
        .await?;
        count_referrers::<project_theme::Entity, _>(
            db,
            project_theme::Column::ThemeId,
            id,
            "projects",
            &mut referrers,
        )
        .await?;
        Ok(referrers)
    }
}
