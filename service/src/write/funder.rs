//! Writing funders: the row and the description.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{EntityType, FunderKind};
use symbios_entity::{actor, funder, funding};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts::{self, count_referrers, set};
use super::{Record, Versioned};
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

impl FunderFields {
    fn to_row(&self, id: Uuid, version: i32, at: DateTime<Utc>) -> funder::ActiveModel {
        funder::ActiveModel {
            id: Set(id),
            slug: Set(self.slug.clone().unwrap_or_default()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            kind: Set(self.kind),
            country: Set(self.country.clone()),
            actor_id: Set(self.actor_id),
            website: Set(self.website.clone()),
            original_lang: Set(self.original_lang.clone()),
            version: Set(version),
            updated_at: Set(at),
            ..Default::default()
        }
    }
}

impl Record for FunderFields {
    type Patch = FunderPatch;
    const TYPE: EntityType = EntityType::Funder;
    const NAME: &'static str = "Funder";

    async fn load(db: &DatabaseTransaction, id: Uuid) -> Result<Option<Versioned<Self>>, Error> {
        let Some(row) = funder::Entity::find_by_id(id).one(db).await? else {
            return Ok(None);
        };
        let record = FunderFields {
            slug: Some(row.slug),
            name: row.name,
            kind: row.kind,
            country: row.country,
            actor_id: row.actor_id,
            website: row.website,
            original_lang: row.original_lang,
            description: parts::load_texts(db, EntityType::Funder, id, field::DESCRIPTION).await?,
        };
        Ok(Some(Versioned {
            record,
            version: row.version,
        }))
    }

    fn apply(&mut self, patch: FunderPatch) {
        if patch.slug.is_some() {
            self.slug = patch.slug;
        }
        set(&mut self.name, patch.name);
        set(&mut self.kind, patch.kind);
        set(&mut self.country, patch.country);
        set(&mut self.actor_id, patch.actor_id);
        set(&mut self.website, patch.website);
        set(&mut self.original_lang, patch.original_lang);
        set(&mut self.description, patch.description);
    }

    async fn complete(&mut self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        use funder::Column as C;
        parts::complete_slug::<funder::Entity, _>(
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
        violations.country("country", &self.country);
        if let Some(website) = &self.website {
            violations.url("website", website);
        }
        violations.lang("originalLang", &self.original_lang);
        violations.localized("description", &self.description, &self.original_lang, false);
    }

    async fn check_references(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        violations: &mut Violations,
    ) -> Result<(), Error> {
        use funder::Column as C;
        parts::check_slug::<funder::Entity, _>(
            db,
            (C::Slug, C::Id),
            self.slug.as_deref(),
            id,
            violations,
        )
        .await?;
        if let Some(actor_id) = self.actor_id
            && actor::Entity::find_by_id(actor_id).one(db).await?.is_none()
        {
            violations.add("actorId", "there is no actor with this id");
        }
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
        funder::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
        parts::insert_texts(
            db,
            EntityType::Funder,
            id,
            field::DESCRIPTION,
            &self.description,
            &self.original_lang,
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
        let row = self.to_row(id, expected + 1, at);
        use funder::Column as C;
        if !parts::guarded_update::<funder::Entity, _>(db, row, (C::Id, C::Version), id, expected)
            .await?
        {
            return Ok(false);
        }
        parts::replace_texts(
            db,
            EntityType::Funder,
            id,
            field::DESCRIPTION,
            &self.description,
            &self.original_lang,
        )
        .await?;
        Ok(true)
    }

    async fn delete(db: &DatabaseTransaction, id: Uuid, expected: i32) -> Result<bool, Error> {
        use funder::Column as C;
        parts::guarded_delete::<funder::Entity, _>(
            db,
            EntityType::Funder,
            (C::Id, C::Version),
            id,
            expected,
        )
        .await
    }

    async fn referenced_by(db: &DatabaseTransaction, id: Uuid) -> Result<Vec<String>, Error> {
        let mut referrers = Vec::new();
        count_referrers::<funding::Entity, _>(
            db,
            funding::Column::FunderId,
            id,
            "fundings",
            &mut referrers,
        )
        .await?;
        Ok(referrers)
    }
}
