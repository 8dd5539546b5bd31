//! Themes: the controlled vocabulary, a record type without lists of its own.
//!
//! Writing themes of the controlled vocabulary: the slug and a label in every supported
//! language (English counts as the original). Themes have no GraphQL mutations; editors
//! change them through imports.

use crate::Error;
use crate::lang::SUPPORTED_LANGUAGES;
use crate::localized_text::field;
use crate::record::record_type;
use crate::validate::{Localized, Violations};
use crate::write::input_format::localized;
use crate::write::{OwnedTexts, Record, Referrer, Stored, whole_record};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, QueryOrder};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{case_study_theme, project_theme, theme};

record_type!(
    /// The themes: found by id or slug, loaded by id, listed whole.
    Themes: theme, "theme"
);

/// Every theme, by slug.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<theme::Model>, Error> {
    Ok(theme::Entity::find()
        .order_by_asc(theme::Column::Slug)
        .all(db)
        .await?)
}

/// The language theme labels are written in first.
const ORIGINAL: &str = "en";

whole_record! {
    /// A theme as a whole.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ThemeFields, patched by ThemePatch {
        pub slug: Option<String>,
        #[serde(with = "localized")]
        pub labels: Localized,
    }
}

impl Record for ThemeFields {
    type Patch = ThemePatch;
    type Table = theme::Entity;
    const TYPE: EntityType = EntityType::Theme;
    const NAME: &'static str = "Theme";

    async fn from_row(_db: &DatabaseTransaction, stored: Stored<Self>) -> Result<Self, Error> {
        let Stored { row, mut texts } = stored;
        Ok(ThemeFields {
            slug: Some(row.slug),
            labels: texts.take(field::LABEL),
        })
    }

    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::of(ORIGINAL).with(field::LABEL, &self.labels)
    }

    fn to_row(&self) -> theme::ActiveModel {
        theme::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            ..Default::default()
        }
    }

    fn apply(&mut self, patch: ThemePatch) {
        self.apply_patch(patch);
    }

    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        Some((&mut self.slug, None))
    }

    fn validate(&self, violations: &mut Violations) {
        if self.slug.is_none() {
            violations.add("slug", "a theme needs a slug");
        }
        violations.localized_labels("labels", &self.labels, ORIGINAL, true);
        for lang in SUPPORTED_LANGUAGES {
            if !self.labels.contains_key(lang) {
                violations.add("labels", format!("has no label in `{lang}`"));
            }
        }
    }

    fn referrers() -> Vec<Referrer> {
        vec![
            Referrer::new(case_study_theme::Column::ThemeId, "case studies"),
            Referrer::new(project_theme::Column::ThemeId, "projects"),
        ]
    }
}
