//! Writing actors: the row, the description and the identifiers.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{ActorKind, EntityType};
use symbios_entity::{
    actor, case_study_actor, external_identifier, funder, membership, participation, resource_flow,
};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts::{self, count_referrers, set};
use super::{Record, Versioned};
use crate::access::Principal;
use crate::localized_text::field;
use crate::text::fold;
use crate::validate::{self, Localized, MAX_NAME, TextKind, Violations};
use crate::{Error, limits};

/// An identifier of an actor in an outside registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identifier {
    /// org-id.guide scheme (e.g. `NO-BRC`) or `wikidata`.
    pub scheme: String,
    /// The value in that scheme.
    pub value: String,
}

/// An actor as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActorFields {
    /// Unique key; made from the name when left out on create.
    #[serde(default)]
    pub slug: Option<String>,
    /// Name as the actor writes it.
    pub name: String,
    /// What kind of actor.
    #[serde(with = "vocabulary")]
    pub kind: ActorKind,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Website.
    #[serde(default)]
    pub website: Option<String>,
    /// Language the description was written in.
    pub original_lang: String,
    /// Description by language.
    #[serde(default, with = "localized")]
    pub description: Localized,
    /// Identifiers in outside registries.
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
}

/// Changes to an actor; `None` keeps a value, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ActorPatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub kind: Option<ActorKind>,
    pub country: Option<String>,
    pub website: Option<Option<String>>,
    pub original_lang: Option<String>,
    pub description: Option<Localized>,
    pub identifiers: Option<Vec<Identifier>>,
}

impl ActorFields {
    /// Identifiers sorted, so that equal sets compare equal.
    pub(crate) fn normalize(&mut self) {
        self.identifiers.sort();
        self.identifiers.dedup();
    }

    /// The stored actor `row` with its description and identifiers, normalized.
    pub(crate) fn from_stored(
        row: actor::Model,
        description: Localized,
        identifiers: Vec<Identifier>,
    ) -> Self {
        let mut record = ActorFields {
            slug: Some(row.slug),
            name: row.name,
            kind: row.kind,
            country: row.country,
            website: row.website,
            original_lang: row.original_lang,
            description,
            identifiers,
        };
        record.normalize();
        record
    }

    fn schemes(&self) -> impl Iterator<Item = &str> {
        self.identifiers
            .iter()
            .map(|identifier| identifier.scheme.as_str())
    }

    pub(crate) fn to_row(
        &self,
        id: Uuid,
        slug: &str,
        version: i32,
        at: DateTime<Utc>,
    ) -> actor::ActiveModel {
        actor::ActiveModel {
            id: Set(id),
            slug: Set(slug.to_owned()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            kind: Set(self.kind),
            country: Set(self.country.clone()),
            website: Set(self.website.clone()),
            original_lang: Set(self.original_lang.clone()),
            version: Set(version),
            updated_at: Set(at),
            ..Default::default()
        }
    }
}

/// Validation shared with the bulk upsert.
pub(crate) fn validate_actor(fields: &ActorFields, violations: &mut Violations) {
    if let Some(slug) = &fields.slug {
        violations.slug("slug", slug);
    }
    violations.text("name", &fields.name, MAX_NAME);
    violations.country("country", &fields.country);
    if let Some(website) = &fields.website {
        violations.url("website", website);
    }
    violations.lang("originalLang", &fields.original_lang);
    violations.localized(
        "description",
        &fields.description,
        &fields.original_lang,
        false,
    );
    if !violations.list_length(
        "identifiers",
        fields.identifiers.len(),
        limits::MAX_IDENTIFIERS,
    ) {
        return;
    }
    for (index, identifier) in fields.identifiers.iter().enumerate() {
        let scheme_field = format!("identifiers[{index}].scheme");
        if violations.controls(&scheme_field, &identifier.scheme, TextKind::Line) {
            violations.check(validate::scheme(&scheme_field, &identifier.scheme));
        }
        violations.text(
            &format!("identifiers[{index}].value"),
            &identifier.value,
            200,
        );
    }
    for pair in fields.identifiers.windows(2) {
        if let [first, second] = pair
            && first.scheme == second.scheme
        {
            violations.add(
                "identifiers",
                format!("has two identifiers in scheme `{}`", first.scheme),
            );
        }
    }
}

/// Identifiers of other actors that `fields` would take.
pub(crate) async fn identifiers_taken(
    db: &DatabaseTransaction,
    id: Uuid,
    identifiers: &[Identifier],
    violations: &mut Violations,
) -> Result<(), Error> {
    for (index, identifier) in identifiers.iter().enumerate() {
        let holder = external_identifier::Entity::find()
            .filter(external_identifier::Column::Scheme.eq(&identifier.scheme))
            .filter(external_identifier::Column::Value.eq(&identifier.value))
            .filter(external_identifier::Column::ActorId.ne(id))
            .one(db)
            .await?;
        if let Some(holder) = holder {
            violations.add(
                format!("identifiers[{index}]"),
                format!(
                    "{} {} belongs to another actor ({})",
                    identifier.scheme, identifier.value, holder.actor_id
                ),
            );
        }
    }
    Ok(())
}

/// Makes the actor's identifiers equal to `identifiers`, keeping the rows (and their source
/// versions) of those that stay.
pub(crate) async fn sync_identifiers(
    db: &DatabaseTransaction,
    id: Uuid,
    identifiers: &[Identifier],
) -> Result<(), Error> {
    let existing = external_identifier::Entity::find()
        .filter(external_identifier::Column::ActorId.eq(id))
        .all(db)
        .await?;
    let gone: Vec<Uuid> = existing
        .iter()
        .filter(|row| {
            !identifiers
                .iter()
                .any(|identifier| identifier.scheme == row.scheme && identifier.value == row.value)
        })
        .map(|row| row.id)
        .collect();
    if !gone.is_empty() {
        external_identifier::Entity::delete_many()
            .filter(external_identifier::Column::Id.is_in(gone))
            .exec(db)
            .await?;
    }
    let new: Vec<external_identifier::ActiveModel> = identifiers
        .iter()
        .filter(|identifier| {
            !existing
                .iter()
                .any(|row| identifier.scheme == row.scheme && identifier.value == row.value)
        })
        .map(|identifier| external_identifier::ActiveModel {
            id: Set(Uuid::new_v4()),
            actor_id: Set(id),
            scheme: Set(identifier.scheme.clone()),
            value: Set(identifier.value.clone()),
            source_version: Set(None),
        })
        .collect();
    if !new.is_empty() {
        external_identifier::Entity::insert_many(new)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A partner may write an actor only when it holds an identifier under the partner's scheme,
/// before and after the change, and may not touch identifiers of other schemes; so it may
/// delete only an actor whose identifiers are all in its scheme (a delete removes them all).
fn authorize_partner(
    principal: &Principal,
    before: Option<&ActorFields>,
    after: Option<&ActorFields>,
) -> Result<(), Error> {
    if principal.may_edit_everything() {
        return Ok(());
    }
    let scheme = principal.scheme.as_deref().unwrap_or_default();
    let owned = |fields: &ActorFields| fields.schemes().any(|held| held == scheme);
    for (state, fields) in [("is not", before), ("would not be", after)] {
        if let Some(fields) = fields
            && !owned(fields)
        {
            return Err(Error::Forbidden(format!(
                "the partner key `{}` writes only actors identified under {scheme}; this actor {state}",
                principal.name
            )));
        }
    }
    let foreign = |fields: &ActorFields| -> Vec<Identifier> {
        fields
            .identifiers
            .iter()
            .filter(|identifier| identifier.scheme != scheme)
            .cloned()
            .collect()
    };
    match (before, after) {
        (Some(before), Some(after)) if foreign(before) != foreign(after) => {
            Err(Error::Forbidden(format!(
                "the partner key `{}` may change identifiers under {scheme} only",
                principal.name
            )))
        }
        (Some(before), None) if !foreign(before).is_empty() => {
            let mut others: Vec<String> = foreign(before)
                .into_iter()
                .map(|identifier| identifier.scheme)
                .collect();
            others.dedup();
            Err(Error::Forbidden(format!(
                "the partner key `{}` may delete only actors identified under {scheme} alone; \
                 this one also has identifiers under {}",
                principal.name,
                others.join(", ")
            )))
        }
        _ => Ok(()),
    }
}

impl Record for ActorFields {
    type Patch = ActorPatch;
    const TYPE: EntityType = EntityType::Actor;
    const NAME: &'static str = "Actor";

    async fn load(db: &DatabaseTransaction, id: Uuid) -> Result<Option<Versioned<Self>>, Error> {
        let Some(row) = actor::Entity::find_by_id(id).one(db).await? else {
            return Ok(None);
        };
        let identifiers = external_identifier::Entity::find()
            .filter(external_identifier::Column::ActorId.eq(id))
            .order_by_asc(external_identifier::Column::Scheme)
            .all(db)
            .await?
            .into_iter()
            .map(|row| Identifier {
                scheme: row.scheme,
                value: row.value,
            })
            .collect();
        let description = parts::load_texts(db, EntityType::Actor, id, field::DESCRIPTION).await?;
        let version = row.version;
        Ok(Some(Versioned {
            record: ActorFields::from_stored(row, description, identifiers),
            version,
        }))
    }

    fn apply(&mut self, patch: ActorPatch) {
        if patch.slug.is_some() {
            self.slug = patch.slug;
        }
        set(&mut self.name, patch.name);
        set(&mut self.kind, patch.kind);
        set(&mut self.country, patch.country);
        set(&mut self.website, patch.website);
        set(&mut self.original_lang, patch.original_lang);
        set(&mut self.description, patch.description);
        set(&mut self.identifiers, patch.identifiers);
        self.normalize();
    }

    async fn complete(&mut self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        self.normalize();
        use actor::Column as C;
        parts::complete_slug::<actor::Entity, _>(
            db,
            (C::Slug, C::Id),
            &mut self.slug,
            &self.name,
            id,
        )
        .await
    }

    fn validate(&self, violations: &mut Violations) {
        validate_actor(self, violations);
    }

    async fn check_references(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        violations: &mut Violations,
    ) -> Result<(), Error> {
        use actor::Column as C;
        parts::check_slug::<actor::Entity, _>(
            db,
            (C::Slug, C::Id),
            self.slug.as_deref(),
            id,
            violations,
        )
        .await?;
        identifiers_taken(db, id, &self.identifiers, violations).await
    }

    fn authorize(
        principal: &Principal,
        before: Option<&Self>,
        after: Option<&Self>,
    ) -> Result<(), Error> {
        authorize_partner(principal, before, after)
    }

    async fn insert(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let slug = self.slug.clone().unwrap_or_default();
        let mut row = self.to_row(id, &slug, 1, at);
        row.created_at = Set(at);
        actor::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
        parts::insert_texts(
            db,
            EntityType::Actor,
            id,
            field::DESCRIPTION,
            &self.description,
            &self.original_lang,
        )
        .await?;
        sync_identifiers(db, id, &self.identifiers).await
    }

    async fn update(
        &self,
        db: &DatabaseTransaction,
        id: Uuid,
        expected: i32,
        at: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let slug = self.slug.clone().unwrap_or_default();
        let row = self.to_row(id, &slug, expected + 1, at);
        use actor::Column as C;
        if !parts::guarded_update::<actor::Entity, _>(db, row, (C::Id, C::Version), id, expected)
            .await?
        {
            return Ok(false);
        }
        parts::replace_texts(
            db,
            EntityType::Actor,
            id,
            field::DESCRIPTION,
            &self.description,
            &self.original_lang,
        )
        .await?;
        sync_identifiers(db, id, &self.identifiers).await?;
        Ok(true)
    }

    async fn delete(db: &DatabaseTransaction, id: Uuid, expected: i32) -> Result<bool, Error> {
        external_identifier::Entity::delete_many()
            .filter(external_identifier::Column::ActorId.eq(id))
            .exec(db)
            .await?;
        use actor::Column as C;
        parts::guarded_delete::<actor::Entity, _>(
            db,
            EntityType::Actor,
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
            participation::Column::ActorId,
            id,
            "project participations",
            &mut referrers,
        )
        .await?;
        count_referrers::<case_study_actor::Entity, _>(
            db,
            case_study_actor::Column::ActorId,
            id,
            "case-study roles",
            &mut referrers,
        )
        .await?;
        count_referrers::<resource_flow::Entity, _>(
            db,
            resource_flow::Column::FromActorId,
            id,
            "resource flows from it",
            &mut referrers,
        )
        .await?;
        count_referrers::<resource_flow::Entity, _>(
            db,
            resource_flow::Column::ToActorId,
            id,
            "resource flows to it",
            &mut referrers,
        )
        .await?;
        count_referrers::<funder::Entity, _>(
            db,
            funder::Column::ActorId,
            id,
            "funders",
            &mut referrers,
        )
        .await?;
        count_referrers::<membership::Entity, _>(
            db,
            membership::Column::PersonId,
            id,
            "memberships",
            &mut referrers,
        )
        .await?;
        count_referrers::<membership::Entity, _>(
            db,
            membership::Column::OrganisationId,
            id,
            "members",
            &mut referrers,
        )
        .await?;
        Ok(referrers)
    }
}
