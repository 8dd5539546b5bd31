//! Actors: the record type and its filter.
//!
//! Writing actors: the row, the description and the identifiers.

use crate::access::Principal;
use crate::localized_text::field;
use crate::record::{Narrowing, list_filter, listed, record_type};
use crate::search_documents::{Indexed, Searchable};
use crate::text::fold;
use crate::validate::{Localized, MAX_NAME, TextKind, Violations};
use crate::write::input_format::{localized, vocabulary};
use crate::write::{Lookup, OwnedTexts, Record, Referrer, Stored, whole_record};
use crate::{Error, limits, validate};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Select};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{ActorKind, EntityType};
use symbios_entity::{
    actor, case_study_actor, external_identifier, funder, membership, participation, resource_flow,
};
use uuid::Uuid;

list_filter! {
    /// Which actors a list holds; empty fields do not filter.
    pub struct Filter {
        /// ISO 3166-1 alpha-2 codes, any of.
        pub countries: Vec<String> = countries("country"),
        /// Kinds, any of.
        pub kinds: Vec<ActorKind> = vocabulary("kind"),
        /// Has an identifier in one of these schemes (e.g. `NO-BRC`).
        pub schemes: Vec<String> = schemes("scheme"),
        /// Name contains this text, ignoring case and diacritics.
        pub name_contains: Option<String> = text("nameContains"),
        /// NUTS codes, any of; a code matches its sub-regions.
        pub nuts: Vec<String> = nuts("nuts"),
    }
}

record_type!(
    /// The actors: a listed record type.
    Actors: actor, "actor"
);
listed!(Actors: actor, Filter, check = Filter::checked, narrow = apply);

impl Searchable for Actors {
    fn indexed(row: &actor::Model) -> Indexed {
        Indexed::named(&row.name, &row.country)
    }
}

fn apply(filter: &Filter, select: Select<actor::Entity>) -> Select<actor::Entity> {
    let select = select
        .any_of(actor::Column::Country, &filter.countries)
        .any_of(actor::Column::Kind, &filter.kinds)
        .folded_contains(actor::Column::NameFolded, filter.name_contains.as_deref())
        .in_nuts(actor::Column::NutsCode, &filter.nuts);
    if filter.schemes.is_empty() {
        return select;
    }
    let identified = Query::select()
        .column(external_identifier::Column::ActorId)
        .from(external_identifier::Entity)
        .and_where(external_identifier::Column::Scheme.is_in(filter.schemes.clone()))
        .to_owned();
    select.filter(actor::Column::Id.in_subquery(identified))
}

/// An identifier of an actor in an outside registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identifier {
    /// org-id.guide scheme (e.g. `NO-BRC`) or `wikidata`.
    pub scheme: String,
    /// The value in that scheme.
    pub value: String,
}

whole_record! {
    /// An actor as a whole.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ActorFields, patched by ActorPatch {
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
        /// The most specific NUTS code known, e.g. `SE232`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nuts_code: Option<String>,
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
}

impl ActorFields {
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
            nuts_code: row.nuts_code,
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
}

/// The checks of an actor on its own, as the bulk upsert runs them: the slug and the rest.
pub(crate) fn validate_actor(fields: &ActorFields, violations: &mut Violations) {
    if let Some(slug) = &fields.slug {
        violations.slug("slug", slug);
    }
    fields.validate(violations);
}

fn validate_fields(fields: &ActorFields, violations: &mut Violations) {
    violations.text("name", &fields.name, MAX_NAME);
    violations.country("country", &fields.country);
    violations.nuts("nutsCode", fields.nuts_code.as_deref(), &fields.country);
    if let Some(website) = &fields.website {
        violations.url("website", website);
    }
    let lang = &fields.original_lang;
    violations.lang("originalLang", lang);
    violations.localized("description", &fields.description, lang, false);
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
    type Table = actor::Entity;
    const TYPE: EntityType = EntityType::Actor;
    const NAME: &'static str = "Actor";

    async fn from_row(db: &DatabaseTransaction, stored: Stored<Self>) -> Result<Self, Error> {
        let Stored { row, mut texts } = stored;
        let identifiers = external_identifier::Entity::find()
            .filter(external_identifier::Column::ActorId.eq(row.id))
            .order_by_asc(external_identifier::Column::Scheme)
            .all(db)
            .await?
            .into_iter()
            .map(|row| Identifier {
                scheme: row.scheme,
                value: row.value,
            })
            .collect();
        let description = texts.take(field::DESCRIPTION);
        Ok(ActorFields::from_stored(row, description, identifiers))
    }

    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::of(&self.original_lang).with(field::DESCRIPTION, &self.description)
    }

    fn to_row(&self) -> actor::ActiveModel {
        actor::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            kind: Set(self.kind),
            country: Set(self.country.clone()),
            nuts_code: Set(self.nuts_code.clone()),
            website: Set(self.website.clone()),
            original_lang: Set(self.original_lang.clone()),
            ..Default::default()
        }
    }

    async fn write_parts(&self, db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        sync_identifiers(db, id, &self.identifiers).await
    }

    async fn delete_parts(db: &DatabaseTransaction, id: Uuid) -> Result<(), Error> {
        sync_identifiers(db, id, &[]).await
    }

    fn apply(&mut self, patch: ActorPatch) {
        self.apply_patch(patch);
        self.normalize();
    }

    fn normalize(&mut self) {
        self.identifiers.sort();
        self.identifiers.dedup();
        crate::write::parts::normalize_nuts(&mut self.nuts_code);
    }

    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        Some((&mut self.slug, Some(&self.name)))
    }

    fn validate(&self, violations: &mut Violations) {
        validate_fields(self, violations);
    }

    async fn check_references(&self, lookup: Lookup<'_>) -> Result<(), Error> {
        let Lookup { db, id, violations } = lookup;
        identifiers_taken(db, id, &self.identifiers, violations).await
    }

    fn authorize(
        principal: &Principal,
        before: Option<&Self>,
        after: Option<&Self>,
    ) -> Result<(), Error> {
        authorize_partner(principal, before, after)
    }

    fn referrers() -> Vec<Referrer> {
        use resource_flow::Column as Flow;
        vec![
            Referrer::new(participation::Column::ActorId, "project participations"),
            Referrer::new(case_study_actor::Column::ActorId, "case-study roles"),
            Referrer::new(Flow::FromActorId, "resource flows from it"),
            Referrer::new(Flow::ToActorId, "resource flows to it"),
            Referrer::new(funder::Column::ActorId, "funders"),
            Referrer::new(membership::Column::PersonId, "memberships"),
            Referrer::new(membership::Column::OrganisationId, "members"),
        ]
    }
}
