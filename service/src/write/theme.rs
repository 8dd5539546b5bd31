//! Writing themes of the controlled vocabulary: the slug and a label in every supported
//! language (English counts as the original). Themes have no GraphQL mutations; editors
//! change them through imports.

use sea_orm::{ActiveValue::Set, DatabaseTransaction};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{case_study_theme, project_theme, theme};

use super::input_format::localized;
use super::parts::set;
use super::{OwnedTexts, Record, Referrer, Stored};
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
        set(&mut self.slug, patch.slug.map(Some));
        set(&mut self.labels, patch.labels);
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
