//! Writing funders: the row and the description.

use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{EntityType, FunderKind};
use symbios_entity::{actor, funder, funding};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts::set;
use super::{Lookup, OwnedTexts, Record, Referrer, Stored};
use crate::Error;
use crate::localized_text::field;
use crate::text::fold;
use crate::validate::{Localized, MAX_NAME, Violations};

/// A funder as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FunderFields {
    /// Unique key; made from the name when left out on create.
    #[serde(default)]
    pub slug: Option<String>,
    pub name: String,
    #[serde(with = "vocabulary")]
    pub kind: FunderKind,
    /// ISO 3166-1 alpha-2, or `EU`.
    pub country: String,
    /// The actor this funder also is, if any.
    #[serde(default)]
    pub actor_id: Option<Uuid>,
    #[serde(default)]
    pub website: Option<String>,
    pub original_lang: String,
    #[serde(default, with = "localized")]
    pub description: Localized,
}

/// Changes to a funder; `None` keeps a value, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct FunderPatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub kind: Option<FunderKind>,
    pub country: Option<String>,
    pub actor_id: Option<Option<Uuid>>,
    pub website: Option<Option<String>>,
    pub original_lang: Option<String>,
    pub description: Option<Localized>,
}

impl Record for FunderFields {
    type Patch = FunderPatch;
    type Table = funder::Entity;
    const TYPE: EntityType = EntityType::Funder;
    const NAME: &'static str = "Funder";

    async fn from_row(_db: &DatabaseTransaction, stored: Stored<Self>) -> Result<Self, Error> {
        let Stored { row, mut texts } = stored;
        Ok(FunderFields {
            slug: Some(row.slug),
            name: row.name,
            kind: row.kind,
            country: row.country,
            actor_id: row.actor_id,
            website: row.website,
            original_lang: row.original_lang,
            description: texts.take(field::DESCRIPTION),
        })
    }

    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::of(&self.original_lang).with(field::DESCRIPTION, &self.description)
    }

    fn to_row(&self) -> funder::ActiveModel {
        funder::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            kind: Set(self.kind),
            country: Set(self.country.clone()),
            actor_id: Set(self.actor_id),
            website: Set(self.website.clone()),
            original_lang: Set(self.original_lang.clone()),
            ..Default::default()
        }
    }

    fn apply(&mut self, patch: FunderPatch) {
        set(&mut self.slug, patch.slug.map(Some));
        set(&mut self.name, patch.name);
        set(&mut self.kind, patch.kind);
        set(&mut self.country, patch.country);
        set(&mut self.actor_id, patch.actor_id);
        set(&mut self.website, patch.website);
        set(&mut self.original_lang, patch.original_lang);
        set(&mut self.description, patch.description);
    }

    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        Some((&mut self.slug, Some(&self.name)))
    }

    fn validate(&self, violations: &mut Violations) {
        violations.text("name", &self.name, MAX_NAME);
        violations.country("country", &self.country);
        if let Some(website) = &self.website {
            violations.url("website", website);
        }
        violations.lang("originalLang", &self.original_lang);
        violations.localized("description", &self.description, &self.original_lang, false);
    }

    async fn check_references(&self, lookup: Lookup<'_>) -> Result<(), Error> {
        let Lookup { db, violations, .. } = lookup;
        if let Some(actor_id) = self.actor_id
            && actor::Entity::find_by_id(actor_id).one(db).await?.is_none()
        {
            violations.add("actorId", "there is no actor with this id");
        }
        Ok(())
    }

    fn referrers() -> Vec<Referrer> {
        vec![Referrer::new(funding::Column::FunderId, "fundings")]
    }
}
