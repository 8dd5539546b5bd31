//! Bulk upsert of actors, for partner networks (`upsertActors`, matched by an identifier in
//! the partner's scheme) and for imports (matched by slug).
//!
//! One call is one transaction, written in batches of statements rather than one statement per
//! actor, so that 1,000 items take a few dozen statements. Items are judged one by one:
//! a refused item is reported with its reasons and the others are still written; a failure of
//! the database fails the whole call, and nothing is written.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{actor, external_identifier, idempotency_record, localized_text};
use uuid::Uuid;

use super::parts::{self, slug_from};
use super::retry::{self, Attempt};
use super::{Logged, Record, WriteContext, Writer, log, store};
use crate::Error;
use crate::access::require_key;
use crate::actor::{ActorFields, Identifier, validate_actor};
use crate::digest::sha256_hex;
use crate::error::FieldError;
use crate::localized_text::field;
use crate::validate::{self, Violations};

/// Most items in one call.
pub const MAX_ITEMS: usize = 1000;

/// Rows per INSERT statement (keeps SQLite under its bound-parameter limit).
const ROWS_PER_STATEMENT: usize = 100;

/// How the items of a call are matched with stored actors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchBy {
    /// By the value of an identifier in this scheme (partner sync).
    Identifier(String),
    /// By slug (imports); items must have one.
    Slug,
}

/// One actor to create or update.
#[derive(Debug, Clone, PartialEq)]
pub struct UpsertItem {
    /// The key the item is matched by: the identifier value or the slug.
    pub key: String,
    /// The id a new actor gets (imports keep the ids of exported records); random when `None`.
    pub id: Option<Uuid>,
    /// The partner's version of the record; an item older than the stored one is refused.
    pub source_version: Option<i64>,
    /// The actor's values.
    pub fields: ActorFields,
    /// What the item leaves out, and so keeps as stored (partner items only).
    pub omitted: Omitted,
}

/// Values a partner's item leaves out. A partner's registry rarely holds everything an
/// editor adds (a website, translations), so what it does not send is kept; descriptions are
/// merged by language (the partner's languages overwrite, others stay).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Omitted {
    /// `website` was not sent.
    pub website: bool,
}

/// What happened to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ItemStatus {
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// A refused field of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemError {
    pub field: String,
    pub reason: String,
}

/// The outcome of one item, in the order the items came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    /// The item's key (identifier value or slug).
    pub key: String,
    pub status: ItemStatus,
    /// The actor, unless rejected.
    pub id: Option<Uuid>,
    /// Its version now, unless rejected.
    pub version: Option<i32>,
    /// Why it was rejected.
    pub errors: Vec<ItemError>,
}

/// The outcome of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertOutcome {
    pub items: Vec<ItemResult>,
    /// Whether this is the stored answer to an earlier call with the same idempotency key.
    pub replayed: bool,
}

impl UpsertOutcome {
    /// How many items ended with `status`.
    pub fn count(&self, status: ItemStatus) -> usize {
        self.items
            .iter()
            .filter(|item| item.status == status)
            .count()
    }
}

fn rejected(key: &str, errors: Vec<FieldError>) -> ItemResult {
    ItemResult {
        key: key.to_owned(),
        status: ItemStatus::Rejected,
        id: None,
        version: None,
        errors: errors
            .into_iter()
            .map(|error| ItemError {
                field: error.field,
                reason: error.reason,
            })
            .collect(),
    }
}

fn request_hash(match_by: &MatchBy, items: &[UpsertItem]) -> String {
    sha256_hex(format!("{match_by:?}\n{items:?}"))
}

/// Creates or updates the actors of `items`.
///
/// With an `idempotency_key`, the answer is stored with the writes; the same key with the same
/// items returns that answer again and writes nothing, with other items it is refused.
pub async fn upsert_actors(
    db: &impl Writer,
    ctx: &WriteContext,
    match_by: MatchBy,
    items: Vec<UpsertItem>,
    idempotency_key: Option<&str>,
) -> Result<UpsertOutcome, Error> {
    let principal = require_key(Some(&ctx.principal))?;
    if let MatchBy::Identifier(scheme) = &match_by {
        validate::scheme("scheme", scheme)?;
        if !principal.owns_scheme(scheme) {
            return Err(Error::Forbidden(format!(
                "the partner key `{}` writes only under scheme {}, not {scheme}",
                principal.name,
                principal.scheme.as_deref().unwrap_or("(none)")
            )));
        }
    } else if !principal.may_edit_everything() {
        return Err(Error::Forbidden(
            "matching actors by slug needs an editor key".to_owned(),
        ));
    }
    if items.len() > MAX_ITEMS {
        return Err(Error::invalid(
            "items",
            format!(
                "has {} items; send at most {MAX_ITEMS} per call",
                items.len()
            ),
        ));
    }
    if let Some(key) = idempotency_key {
        validate::one_line("idempotencyKey", key)?;
        if key.is_empty() || key.chars().count() > 200 {
            return Err(Error::invalid("idempotencyKey", "must be 1–200 characters"));
        }
    }
    let call = Call {
        match_by: &match_by,
        owner: ctx.principal.key_id.unwrap_or_default(),
        idempotency_key,
        hash: request_hash(&match_by, &items),
    };
    let mut attempt = Attempt::first();
    loop {
        let txn = attempt.begin(db).await?;
        let result = upsert_in(&txn, ctx, &call, items.clone()).await;
        if let Some(outcome) = attempt.settle(txn, result, "Actor").await? {
            return Ok(outcome);
        }
    }
}

/// What stays the same over the attempts of one call.
struct Call<'a> {
    match_by: &'a MatchBy,
    /// The key whose idempotency keys these are (nil for the command line).
    owner: Uuid,
    idempotency_key: Option<&'a str>,
    /// The hash of the request, stored with its answer.
    hash: String,
}

/// One attempt of a call in `txn`.
async fn upsert_in(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    call: &Call<'_>,
    items: Vec<UpsertItem>,
) -> Result<UpsertOutcome, Error> {
    if let Some(key) = call.idempotency_key {
        // Calls with the same key run one after the other (on PostgreSQL; SQLite runs one
        // writer at a time anyway), so a repeat waits for the first call's commit and then
        // finds its answer, rather than writing everything again and failing at the end.
        retry::advisory_lock(
            txn,
            IDEMPOTENCY_LOCK_CLASS,
            idempotency_lock_key(call.owner, key),
        )
        .await?;
        if let Some(stored) = idempotency_record::Entity::find_by_id((call.owner, key.to_owned()))
            .one(txn)
            .await?
        {
            if stored.request_hash != call.hash {
                return Err(Error::invalid(
                    "idempotencyKey",
                    "was used before with a different request; use a new key for new data",
                ));
            }
            let mut outcome: UpsertOutcome = serde_json::from_str(&stored.response)
                .map_err(|error| Error::internal("read a stored idempotent answer", error))?;
            outcome.replayed = true;
            return Ok(outcome);
        }
    }
    let outcome = write_items(txn, ctx, call.match_by, items).await?;
    if let Some(key) = call.idempotency_key {
        let response = serde_json::to_string(&outcome)
            .map_err(|error| Error::internal("store the idempotent answer", error))?;
        idempotency_record::Entity::insert(idempotency_record::ActiveModel {
            api_key_id: Set(call.owner),
            idempotency_key: Set(key.to_owned()),
            request_hash: Set(call.hash.clone()),
            response: Set(response),
            created_at: Set(ctx.at),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(outcome)
}

/// Class of the advisory locks on idempotency keys; "symc" in ASCII.
const IDEMPOTENCY_LOCK_CLASS: i32 = 0x7379_6d63;

/// The advisory lock of an idempotency key of `owner`.
fn idempotency_lock_key(owner: Uuid, key: &str) -> i32 {
    retry::lock_key(&[owner.as_bytes(), key.as_bytes()])
}

/// A stored actor matched by an item.
struct Existing {
    id: Uuid,
    version: i32,
    fields: ActorFields,
    source_version: Option<i64>,
}

/// Loads the stored actors the keys match, by key.
async fn load_existing(
    db: &DatabaseTransaction,
    match_by: &MatchBy,
    keys: &[String],
) -> Result<HashMap<String, Existing>, Error> {
    let mut key_of: HashMap<Uuid, (String, Option<i64>)> = HashMap::new();
    let mut rows: Vec<actor::Model> = Vec::new();
    for chunk in keys.chunks(500) {
        match match_by {
            MatchBy::Identifier(scheme) => {
                let found = external_identifier::Entity::find()
                    .filter(external_identifier::Column::Scheme.eq(scheme))
                    .filter(external_identifier::Column::Value.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?;
                let ids: Vec<Uuid> = found.iter().map(|row| row.actor_id).collect();
                for row in found {
                    key_of.insert(row.actor_id, (row.value, row.source_version));
                }
                rows.extend(
                    actor::Entity::find()
                        .filter(actor::Column::Id.is_in(ids))
                        .all(db)
                        .await?,
                );
            }
            MatchBy::Slug => {
                let found = actor::Entity::find()
                    .filter(actor::Column::Slug.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?;
                for row in &found {
                    key_of.insert(row.id, (row.slug.clone(), None));
                }
                rows.extend(found);
            }
        }
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut descriptions: HashMap<Uuid, validate::Localized> = HashMap::new();
    let mut identifiers: HashMap<Uuid, Vec<Identifier>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let texts = localized_text::Entity::find()
            .filter(localized_text::Column::EntityType.eq(EntityType::Actor))
            .filter(localized_text::Column::EntityId.is_in(chunk.iter().copied()))
            .filter(localized_text::Column::Field.eq(field::DESCRIPTION))
            .all(db)
            .await?;
        for text in texts {
            descriptions
                .entry(text.entity_id)
                .or_default()
                .insert(text.lang, text.text);
        }
        let held = external_identifier::Entity::find()
            .filter(external_identifier::Column::ActorId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for row in held {
            identifiers
                .entry(row.actor_id)
                .or_default()
                .push(Identifier {
                    scheme: row.scheme,
                    value: row.value,
                });
        }
    }
    let mut existing = HashMap::new();
    for row in rows {
        let Some((key, source_version)) = key_of.remove(&row.id) else {
            continue;
        };
        let (id, version) = (row.id, row.version);
        let fields = ActorFields::from_stored(
            row,
            descriptions.remove(&id).unwrap_or_default(),
            identifiers.remove(&id).unwrap_or_default(),
        );
        existing.insert(
            key,
            Existing {
                id,
                version,
                fields,
                source_version,
            },
        );
    }
    Ok(existing)
}

/// The slugs among `candidates` that are taken.
async fn taken_slugs(
    db: &DatabaseTransaction,
    candidates: &[String],
) -> Result<HashSet<String>, Error> {
    let mut taken = HashSet::new();
    for chunk in candidates.chunks(500) {
        let found: Vec<String> = actor::Entity::find()
            .select_only()
            .column(actor::Column::Slug)
            .filter(actor::Column::Slug.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        taken.extend(found);
    }
    Ok(taken)
}

/// The actors holding any of `identifiers`, by (scheme, value).
async fn identifier_holders(
    db: &DatabaseTransaction,
    identifiers: &[Identifier],
) -> Result<HashMap<(String, String), Uuid>, Error> {
    let mut by_scheme: HashMap<&str, Vec<String>> = HashMap::new();
    for identifier in identifiers {
        by_scheme
            .entry(identifier.scheme.as_str())
            .or_default()
            .push(identifier.value.clone());
    }
    let mut holders = HashMap::new();
    for (scheme, values) in by_scheme {
        // (scheme, value) is the unique index, so each chunk is one index range per value.
        for chunk in values.chunks(500) {
            let rows = external_identifier::Entity::find()
                .filter(external_identifier::Column::Scheme.eq(scheme))
                .filter(external_identifier::Column::Value.is_in(chunk.iter().cloned()))
                .all(db)
                .await?;
            for row in rows {
                holders.insert((row.scheme, row.value), row.actor_id);
            }
        }
    }
    Ok(holders)
}

/// A decided write of one item.
enum Plan {
    Create {
        id: Uuid,
        fields: ActorFields,
    },
    Update {
        existing: Existing,
        fields: ActorFields,
    },
    SourceVersionOnly {
        existing: Existing,
    },
}

/// The refusals of an item that keep it from the database altogether: its key or a value
/// that would be looked up (slug, identifiers) holds a control character, or it has more
/// identifiers than the maximum ([`Violations::refuse`]). Its other values are judged
/// later, once merged with the stored actor.
fn screen(match_by: &MatchBy, item: &UpsertItem) -> Option<Vec<FieldError>> {
    let mut violations = Violations::default();
    match match_by {
        MatchBy::Identifier(_) => violations.text("externalId", &item.key, 200),
        MatchBy::Slug => violations.slug("slug", &item.key),
    }
    validate_actor(&item.fields, &mut violations);
    if violations.lookups_allowed() {
        None
    } else {
        violations
            .into_result()
            .err()
            .map(|error| error.field_errors())
    }
}

async fn write_items(
    db: &DatabaseTransaction,
    ctx: &WriteContext,
    match_by: &MatchBy,
    items: Vec<UpsertItem>,
) -> Result<UpsertOutcome, Error> {
    let screened: Vec<(UpsertItem, Option<Vec<FieldError>>)> = items
        .into_iter()
        .map(|item| {
            let refused = screen(match_by, &item);
            (item, refused)
        })
        .collect();
    let admitted = || {
        screened
            .iter()
            .filter(|(_, refused)| refused.is_none())
            .map(|(item, _)| item)
    };
    let keys: Vec<String> = admitted().map(|item| item.key.clone()).collect();
    let mut existing = load_existing(db, match_by, &keys).await?;
    let all_identifiers: Vec<Identifier> = admitted()
        .flat_map(|item| item.fields.identifiers.iter().cloned())
        .collect();
    let holders = identifier_holders(db, &all_identifiers).await?;
    let new_slugs: Vec<String> = admitted()
        .filter(|item| !existing.contains_key(&item.key))
        .map(|item| {
            item.fields
                .slug
                .clone()
                .unwrap_or_else(|| slug_from(&item.fields.name))
        })
        .collect();
    let mut taken = taken_slugs(db, &new_slugs).await?;

    let mut results: Vec<ItemResult> = Vec::with_capacity(screened.len());
    let mut plans: Vec<(usize, Plan, Option<i64>)> = Vec::new();
    let mut seen_keys: HashSet<String> = HashSet::new();
    // Identifiers given to the items planned so far, with the item's key: two new actors
    // of one call cannot share one.
    let mut claimed: HashMap<(String, String), String> = HashMap::new();
    for (item, refused) in screened {
        let index = results.len();
        if let Some(errors) = refused {
            results.push(rejected(&item.key, errors));
            continue;
        }
        let UpsertItem {
            key,
            id: wanted_id,
            source_version,
            mut fields,
            omitted,
        } = item;
        if !seen_keys.insert(key.clone()) {
            results.push(rejected(
                &key,
                vec![FieldError {
                    field: "key".to_owned(),
                    reason: "appears twice in this call; send each actor once".to_owned(),
                }],
            ));
            continue;
        }
        let mut violations = Violations::default();
        match match_by {
            MatchBy::Identifier(scheme) => {
                violations.text("externalId", &key, 200);
                let own = Identifier {
                    scheme: scheme.clone(),
                    value: key.clone(),
                };
                if let Some(current) = existing.get(&key) {
                    // Identifiers under other schemes are not the partner's to change.
                    fields.identifiers = current.fields.identifiers.clone();
                    fields.slug = current.fields.slug.clone();
                    // The NUTS region is an editor's to set: partners do not send it.
                    fields.nuts_code = current.fields.nuts_code.clone();
                    if omitted.website {
                        fields.website = current.fields.website.clone();
                    }
                    let mut description = current.fields.description.clone();
                    description.append(&mut fields.description);
                    fields.description = description;
                } else {
                    fields.identifiers = vec![own];
                }
            }
            MatchBy::Slug => {
                violations.slug("slug", &key);
                fields.slug = Some(key.clone());
            }
        }
        fields.normalize();
        validate_actor(&fields, &mut violations);
        let current = existing.remove(&key);
        let own_id = current.as_ref().map(|current| current.id);
        for (position, identifier) in fields.identifiers.iter().enumerate() {
            let pair = (identifier.scheme.clone(), identifier.value.clone());
            if let Some(holder) = holders.get(&pair)
                && Some(*holder) != own_id
            {
                violations.add(
                    format!("identifiers[{position}]"),
                    format!(
                        "{} {} belongs to another actor ({holder})",
                        identifier.scheme, identifier.value
                    ),
                );
            } else if let Some(other) = claimed.get(&pair)
                && *other != key
            {
                violations.add(
                    format!("identifiers[{position}]"),
                    format!(
                        "{} {} is given to another item of this call ({other})",
                        identifier.scheme, identifier.value
                    ),
                );
            }
        }
        if let Err(error) = violations.into_result() {
            results.push(rejected(&key, error.field_errors()));
            continue;
        }
        let plan = match current {
            Some(current) => {
                if let (Some(incoming), Some(stored)) = (source_version, current.source_version)
                    && incoming < stored
                {
                    results.push(rejected(
                        &key,
                        vec![FieldError {
                            field: "sourceVersion".to_owned(),
                            reason: format!(
                                "{incoming} is older than the stored source version {stored}; the newer data is kept"
                            ),
                        }],
                    ));
                    continue;
                }
                let source_changed =
                    source_version.is_some() && source_version != current.source_version;
                if fields == current.fields {
                    if source_changed {
                        Plan::SourceVersionOnly { existing: current }
                    } else {
                        results.push(ItemResult {
                            key,
                            status: ItemStatus::Unchanged,
                            id: Some(current.id),
                            version: Some(current.version),
                            errors: Vec::new(),
                        });
                        continue;
                    }
                } else {
                    Plan::Update {
                        existing: current,
                        fields,
                    }
                }
            }
            None => {
                let id = wanted_id.unwrap_or_else(Uuid::new_v4);
                let base = fields
                    .slug
                    .clone()
                    .unwrap_or_else(|| slug_from(&fields.name));
                let slug = if taken.contains(&base) {
                    if *match_by == MatchBy::Slug {
                        base.clone()
                    } else {
                        let slug_column = actor::Column::Slug;
                        parts::free_slug::<actor::Entity>(db, slug_column, &fields.name, id)
                            .await
                            .map(|slug| {
                                if taken.contains(&slug) {
                                    format!("{base}-{}", id.simple())
                                } else {
                                    slug
                                }
                            })?
                    }
                } else {
                    base
                };
                taken.insert(slug.clone());
                fields.slug = Some(slug);
                Plan::Create { id, fields }
            }
        };
        let identifiers = match &plan {
            Plan::Create { fields, .. } | Plan::Update { fields, .. } => {
                fields.identifiers.as_slice()
            }
            Plan::SourceVersionOnly { .. } => &[],
        };
        for identifier in identifiers {
            claimed.insert(
                (identifier.scheme.clone(), identifier.value.clone()),
                key.clone(),
            );
        }
        results.push(ItemResult {
            key,
            status: ItemStatus::Rejected,
            id: None,
            version: None,
            errors: Vec::new(),
        });
        plans.push((index, plan, source_version));
    }

    apply_plans(db, ctx, match_by, plans, &mut results).await?;
    Ok(UpsertOutcome {
        items: results,
        replayed: false,
    })
}

async fn apply_plans(
    db: &DatabaseTransaction,
    ctx: &WriteContext,
    match_by: &MatchBy,
    plans: Vec<(usize, Plan, Option<i64>)>,
    results: &mut [ItemResult],
) -> Result<(), Error> {
    let mut changes: Vec<Logged> = Vec::new();
    let mut new_rows = Vec::new();
    let mut new_texts = Vec::new();
    let mut new_identifiers = Vec::new();
    for (index, plan, source_version) in plans {
        let (id, version, status) = match plan {
            Plan::Create { id, fields } => {
                new_rows.push(store::new_row(&fields, id, ctx.at)?);
                for (lang, text) in &fields.description {
                    new_texts.push(localized_text::ActiveModel {
                        entity_type: Set(EntityType::Actor),
                        entity_id: Set(id),
                        field: Set(field::DESCRIPTION.to_owned()),
                        lang: Set(lang.clone()),
                        text: Set(text.clone()),
                        is_original: Set(*lang == fields.original_lang),
                    });
                }
                for identifier in &fields.identifiers {
                    let owned_source = matches!(match_by, MatchBy::Identifier(scheme) if *scheme == identifier.scheme);
                    new_identifiers.push(external_identifier::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        actor_id: Set(id),
                        scheme: Set(identifier.scheme.clone()),
                        value: Set(identifier.value.clone()),
                        source_version: Set(if owned_source { source_version } else { None }),
                    });
                }
                changes.push(Logged {
                    entity_type: EntityType::Actor,
                    id,
                    old_version: None,
                    new_version: Some(1),
                });
                (id, 1, ItemStatus::Created)
            }
            Plan::Update { existing, fields } => {
                // The same guarded write (row, description, identifiers) as `updateActor`.
                if !store::update(&fields, db, existing.id, existing.version, ctx.at).await? {
                    // Changed by a concurrent writer after we read it: report, write nothing.
                    if let Some(result) = results.get_mut(index) {
                        *result = rejected(
                            &result.key.clone(),
                            vec![FieldError {
                                field: "key".to_owned(),
                                reason: "the actor was changed concurrently; send it again"
                                    .to_owned(),
                            }],
                        );
                    }
                    continue;
                }
                store_source_version(db, match_by, existing.id, source_version).await?;
                changes.push(Logged {
                    entity_type: EntityType::Actor,
                    id: existing.id,
                    old_version: Some(existing.version),
                    new_version: Some(existing.version + 1),
                });
                (existing.id, existing.version + 1, ItemStatus::Updated)
            }
            Plan::SourceVersionOnly { existing } => {
                store_source_version(db, match_by, existing.id, source_version).await?;
                (existing.id, existing.version, ItemStatus::Unchanged)
            }
        };
        if let Some(result) = results.get_mut(index) {
            result.status = status;
            result.id = Some(id);
            result.version = Some(version);
        }
    }
    for chunk in new_rows.chunks(ROWS_PER_STATEMENT) {
        actor::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in new_texts.chunks(ROWS_PER_STATEMENT) {
        localized_text::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in new_identifiers.chunks(ROWS_PER_STATEMENT) {
        external_identifier::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    let operation = match match_by {
        MatchBy::Identifier(_) => "upsertActors",
        MatchBy::Slug => "importActors",
    };
    if !changes.is_empty() {
        log(db, ctx, operation, &changes).await?;
    }
    Ok(())
}

async fn store_source_version(
    db: &DatabaseTransaction,
    match_by: &MatchBy,
    actor_id: Uuid,
    source_version: Option<i64>,
) -> Result<(), Error> {
    let (MatchBy::Identifier(scheme), Some(source_version)) = (match_by, source_version) else {
        return Ok(());
    };
    external_identifier::Entity::update_many()
        .col_expr(
            external_identifier::Column::SourceVersion,
            sea_orm::sea_query::Expr::value(source_version),
        )
        .filter(external_identifier::Column::ActorId.eq(actor_id))
        .filter(external_identifier::Column::Scheme.eq(scheme))
        .exec(db)
        .await?;
    Ok(())
}
