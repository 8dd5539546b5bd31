//! Writing funders: the row and the description.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{EntityType, FunderKind};
use symbios_entity::{actor, funder, funding};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts::{self, count_referrers};
use super::{Record, Versioned};
use crate::service::Error;
use crate::service::localized_text::field;
use crate::service::text::fold;
use crate::service::validate::{Localized, MAX_NAME, Violations};

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
        if let Some(slug) = patch.slug {
            self.slug = Some(slug);
        }
        if let Some(name) = patch.name {
            self.name = name;
        }
        if let Some(kind) = patch.kind {
            self.kind = kind;
        }
        if let Some(country) = patch.country {
            self.country = country;
        }
        if let Some(actor_id) = patch.actor_id {
            self.actor_id = actor_id;
        }
        if let Some(website) = patch.website {
            self.website = website;
        }
        if let Some(original_lang) = patch.original_lang {
            self.original_lang = original_lang;
        }
        if let Some(description) = patch.description {
            self.description = description;
        }
    }

    async fn complete(&mut self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        if self.slug.is_none() {
            use funder::Column as C;
            self.slug = Some(
                parts::free_slug::<funder::Entity, _>(db, C::Slug, C::Id, &self.name, id).await?,
            );
        }
        Ok(())
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
        if let Some(slug) = &self.slug {
            use funder::Column as C;
            if parts::slug_taken::<funder::Entity, _>(db, C::Slug, C::Id, slug, id).await? {
                violations.add("slug", format!("`{slug}` is taken by another funder"));
            }
        }
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
        let updated = funder::Entity::update_many()
            .set(self.to_row(id, expected + 1, at))
            .filter(funder::Column::Id.eq(id))
            .filter(funder::Column::Version.eq(expected))
            .exec(db)
            .await?;
        if updated.rows_affected == 0 {
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
        parts::delete_texts(db, EntityType::Funder, id).await?;
        let deleted = funder::Entity::delete_many()
            .filter(funder::Column::Id.eq(id))
            .filter(funder::Column::Version.eq(expected))
            .exec(db)
            .await?;
        Ok(deleted.rows_affected == 1)
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
