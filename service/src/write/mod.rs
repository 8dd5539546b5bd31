//! Writes: create, update with a patch, and delete for every record type, each in one
//! transaction that also writes the change-log and audit rows.
//!
//! Every record type implements [`Record`] with only what is its own: its table, how its row
//! maps to its fields, its texts and owned parts, its patch and its checks. The steps every
//! type shares (load, insert, guarded update and delete, slugs, referrers) are in `store`,
//! and the generic [`create`], [`update`], [`put`] and [`delete`] do the rest the same way
//! for every type (mutations, partner upserts, imports and the bundled dataset alike):
//!
//! - the caller needs a key; roles are checked by [`Record::authorize`];
//! - `update` and `delete` take the version the caller holds; a stale one is
//!   [`Error::VersionConflict`] and nothing is written. The row update itself is guarded by
//!   `WHERE version = expected`, so two concurrent writers cannot both win;
//! - every refused field is reported at once ([`Error::InvalidFields`]);
//! - an update that changes nothing writes nothing and keeps the version;
//! - a record that belongs to another (a flow to its case study, a participation to its project)
//!   bumps that record's version and logs an upsert of it too, so that feed readers and the
//!   search index see the parent change;
//! - a record that others still reference is not deleted: the error names what refers to it.

mod batch;
pub mod input_format;
pub(crate) mod parts;
mod relations;
mod retry;
mod store;
pub mod upsert_actors;

use std::collections::HashMap;
use std::future::Future;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    TransactionTrait,
};
use symbios_entity::audit_log;
use symbios_entity::vocabulary::{ChangeOp, EntityType};
use uuid::Uuid;

pub use relations::{
    CaseStudyActorFields, CaseStudyActorPatch, FlowFields, FlowPatch, FundingFields, FundingPatch,
    ImpactFields, ImpactPatch, MembershipFields, MembershipPatch, ParticipationFields,
    ParticipationPatch,
};

use super::Error;
use super::access::{Principal, require_editor, require_key};
use super::change_log::{self, Change};
use super::validate::Violations;
pub(crate) use batch::create_many;
use retry::Attempt;
pub use store::{OwnedTexts, Referrer, Row, RowValues, Stored, VersionedTable, load};
pub(crate) use store::{derive_slug, slug_of};

/// Declares a record's whole-record struct and its patch from one list of fields. The patch
/// holds every field as an `Option`: `None` keeps the value, `Some` replaces it (for an
/// optional field, `Some(None)` clears it); `apply_patch` does the replacing.
macro_rules! whole_record {
    (
        $(#[$meta:meta])*
        pub struct $fields:ident, patched by $patch:ident {
            $($(#[$field_meta:meta])* pub $field:ident: $type:ty,)+
        }
    ) => {
        $(#[$meta])*
        pub struct $fields {
            $($(#[$field_meta])* pub $field: $type,)+
        }

        #[doc = concat!(
            "Changes to a [`", stringify!($fields), "`]: `None` keeps a field, `Some` ",
            "replaces it (`Some(None)` clears an optional one)."
        )]
        #[derive(Debug, Clone, Default)]
        pub struct $patch {
            $(pub $field: Option<$type>,)+
        }

        impl $fields {
            /// Replaces the fields `patch` gives.
            fn apply_patch(&mut self, patch: $patch) {
                $(if let Some(value) = patch.$field {
                    self.$field = value;
                })+
            }
        }
    };
}
pub(crate) use whole_record;

/// Where a write starts its transaction: a connection (a transaction of its own) or a running
/// transaction (a savepoint inside it, as imports use to write a batch atomically).
///
/// sea-orm's `TransactionTrait::begin` is an `async fn` without a `Send` bound, which generic
/// callers cannot hold across awaits in a multi-threaded runtime; this trait has one.
pub trait Writer: Sync {
    /// Begins a transaction (or savepoint).
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<DatabaseTransaction, sea_orm::DbErr>> + Send;
}

impl Writer for DatabaseConnection {
    async fn begin_write(&self) -> Result<DatabaseTransaction, sea_orm::DbErr> {
        let txn = self.begin().await?;
        if txn.get_database_backend() == sea_orm::DbBackend::Sqlite {
            // SQLite begins transactions as readers; one that reads first and writes later
            // fails with SQLITE_BUSY when another writer committed in between, without waiting.
            // A first statement that writes (though it changes no row) takes the write lock at
            // once, waiting for it under the busy timeout, like `BEGIN IMMEDIATE`.
            txn.execute_unprepared("UPDATE sync_state SET value = value WHERE name = ''")
                .await?;
        }
        Ok(txn)
    }
}

impl Writer for DatabaseTransaction {
    async fn begin_write(&self) -> Result<DatabaseTransaction, sea_orm::DbErr> {
        self.begin().await
    }
}

/// Who writes, when, and under which request id (for the audit log).
#[derive(Debug, Clone)]
pub struct WriteContext {
    /// The key holder or command.
    pub principal: Principal,
    /// The request id, when the write came over HTTP.
    pub request_id: Option<String>,
    /// The time stamped on the rows.
    pub at: DateTime<Utc>,
}

/// A record as stored, with its version.
#[derive(Debug, Clone)]
pub struct Versioned<R> {
    /// The record.
    pub record: R,
    /// Its version.
    pub version: i32,
}

/// The outcome of a create or update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// The record.
    pub id: Uuid,
    /// Its version now.
    pub version: i32,
    /// Whether anything changed (an update to the same values changes nothing).
    pub changed: bool,
}

/// One change to log and audit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Logged {
    entity_type: EntityType,
    id: Uuid,
    old_version: Option<i32>,
    new_version: Option<i32>,
}

/// A record type that can be written through [`create`], [`update`], [`put`] and
/// [`delete`]: what is its own (fields, patch, checks, owned parts). The steps every type
/// shares (load, insert, guarded update and delete, slugs, texts, referrer counts, change
/// log) are generic, in [`store`] and below.
pub trait Record: Clone + PartialEq + Send + Sync + Sized + 'static {
    /// The changes an update may make.
    type Patch: Send + Clone;
    /// The record's table.
    type Table: VersionedTable;
    /// The change-log type.
    const TYPE: EntityType;
    /// The GraphQL type name, used in operation names (`createActor`) and messages.
    const NAME: &'static str;

    /// The record from its stored row and texts, loading any other parts it owns.
    fn from_row(
        db: &DatabaseTransaction,
        stored: Stored<Self>,
    ) -> impl Future<Output = Result<Self, Error>> + Send;

    /// The row's own values; id, version and time stamps are set by the write path.
    fn to_row(&self) -> store::RowValues<Self>;

    /// The localized texts the record owns, by field, and the language they were written in.
    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::default()
    }

    /// Replaces what the record owns besides its row and texts (links, sources, identifiers).
    fn write_parts(
        &self,
        _db: &DatabaseTransaction,
        _id: Uuid,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        async { Ok(()) }
    }

    /// Writes what new records own besides their rows and texts, as [`Record::write_parts`]
    /// does for each (which is what this does unless a type writes them in bulk); `themes`
    /// holds the id of every theme slug they name.
    fn write_new_parts(
        db: &DatabaseTransaction,
        records: &[(Uuid, &Self)],
        _themes: &HashMap<String, Uuid>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        async move {
            for (id, record) in records {
                record.write_parts(db, *id).await?;
            }
            Ok(())
        }
    }

    /// Deletes what [`Record::write_parts`] wrote, before the row goes.
    fn delete_parts(
        _db: &DatabaseTransaction,
        _id: Uuid,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        async { Ok(()) }
    }

    /// Applies a patch.
    fn apply(&mut self, patch: Self::Patch);

    /// Brings lists into one order, so that equal records compare equal.
    fn normalize(&mut self) {}

    /// The slug field, for types with slugs, and the name a slug left out is made from (`None`
    /// when the slug must be given).
    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        None
    }

    /// Checks the values on their own (the slug's form is checked for every type).
    fn validate(&self, violations: &mut Violations);

    /// The records this one names that must exist, each with the input field naming it
    /// (every write checks them).
    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }

    /// The slugs of the themes the record is filed under (every write checks that each names
    /// a theme).
    fn theme_slugs(&self) -> &[String] {
        &[]
    }

    /// Whether new records of this type can be written many at once ([`create_many`]): what
    /// [`Record::check_references`] checks beyond the slug, [`Record::references`] and
    /// [`Record::theme_slugs`] is at most a unique key the table itself enforces, and
    /// [`Record::write_new_parts`] writes their parts.
    const BATCHABLE: bool = false;

    /// Checks against the database beyond what every write checks (the slug is free, the
    /// references and themes exist): e.g. unique values are free.
    fn check_references(
        &self,
        _lookup: Lookup<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        async { Ok(()) }
    }

    /// Whether `principal` may turn `before` into `after` (`None`: does not exist).
    fn authorize(
        principal: &Principal,
        _before: Option<&Self>,
        _after: Option<&Self>,
    ) -> Result<(), Error> {
        require_editor(Some(principal)).map(|_| ())
    }

    /// What refers to records of this type; a delete is refused while any row does.
    fn referrers() -> Vec<Referrer> {
        Vec::new()
    }

    /// The records this one is part of; their versions are bumped when it changes.
    fn parents(&self) -> Vec<(EntityType, Uuid)> {
        Vec::new()
    }
}

/// A record that another names and that must exist: the input field naming it, its type
/// and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// The input field, as refusals name it (`projectId`).
    pub field: &'static str,
    /// The type of the record named.
    pub entity_type: EntityType,
    /// Its id.
    pub id: Uuid,
}

impl Reference {
    /// `field` names the record `id` of `entity_type`.
    pub fn new(field: &'static str, entity_type: EntityType, id: Uuid) -> Self {
        Reference {
            field,
            entity_type,
            id,
        }
    }
}

/// Where a record is checked against the database: the transaction, the record's id and the
/// refusals found so far.
pub struct Lookup<'a> {
    /// The write's transaction.
    pub db: &'a DatabaseTransaction,
    /// The record's id.
    pub id: Uuid,
    /// What is refused.
    pub violations: &'a mut Violations,
}

/// Checks the record on its own, then against the database, unless the values refused on
/// their own must not reach it (see [`Violations::refuse`]).
async fn check_all<R: Record>(
    record: &mut R,
    db: &DatabaseTransaction,
    id: Uuid,
) -> Result<(), Error> {
    let mut violations = Violations::default();
    store::validate_slug(record, &mut violations);
    record.validate(&mut violations);
    if violations.lookups_allowed() {
        store::check_slug_free(record, db, id, &mut violations).await?;
        parts::theme_ids(db, "themes", record.theme_slugs(), &mut violations).await?;
        parts::references_exist(db, &record.references(), &mut violations).await?;
        let lookup = Lookup {
            db,
            id,
            violations: &mut violations,
        };
        record.check_references(lookup).await?;
    }
    violations.into_result()
}

/// Creates a record (with `id`, when the caller chose one).
pub async fn create<R: Record>(
    db: &impl Writer,
    ctx: &WriteContext,
    id: Option<Uuid>,
    record: R,
) -> Result<Written, Error> {
    let id = id.unwrap_or_else(Uuid::new_v4);
    let mut attempt = Attempt::first();
    loop {
        let txn = attempt.begin(db).await?;
        let result = create_in(&txn, ctx, id, record.clone()).await;
        if let Some(written) = attempt.settle(txn, result, R::NAME).await? {
            return Ok(written);
        }
    }
}

/// Creates the record `id` in `txn`.
async fn create_in<R: Record>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    id: Uuid,
    mut record: R,
) -> Result<Written, Error> {
    let principal = require_key(Some(&ctx.principal))?;
    R::authorize(principal, None, Some(&record))?;
    if store::load::<R>(txn, id).await?.is_some() {
        return Err(Error::invalid(
            "id",
            format!("a {} with this id exists already", R::NAME),
        ));
    }
    store::complete(&mut record, txn, id).await?;
    check_all(&mut record, txn, id).await?;
    store::insert(&record, txn, id, ctx.at).await?;
    record_change::<R>(txn, ctx, "create", id, (None, Some(1)), &record.parents()).await?;
    Ok(Written {
        id,
        version: 1,
        changed: true,
    })
}

fn conflict<R: Record>(expected: i32, current: i32) -> Error {
    Error::VersionConflict {
        entity: R::NAME,
        expected,
        current,
    }
}

async fn current_version<R: Record>(db: &DatabaseTransaction, id: Uuid) -> Result<i32, Error> {
    match store::load::<R>(db, id).await? {
        Some(current) => Ok(current.version),
        None => Err(Error::NotFound { entity: R::NAME }),
    }
}

/// Applies `patch` to the record at version `expected`.
pub async fn update<R: Record>(
    db: &impl Writer,
    ctx: &WriteContext,
    id: Uuid,
    expected: i32,
    patch: R::Patch,
) -> Result<Written, Error> {
    let mut attempt = Attempt::first();
    loop {
        let txn = attempt.begin(db).await?;
        let this_patch = patch.clone();
        let result = change::<R>(&txn, ctx, id, Some(expected), |record| {
            record.apply(this_patch)
        })
        .await;
        if let Some(written) = attempt.settle(txn, result, R::NAME).await? {
            return Ok(written);
        }
    }
}

/// Creates the record with `id`, or replaces it with `record` when it exists (whatever its
/// version): what an import does. A record equal to the stored one writes nothing.
pub async fn put<R: Record>(
    db: &impl Writer,
    ctx: &WriteContext,
    id: Uuid,
    record: R,
) -> Result<Written, Error> {
    let mut attempt = Attempt::first();
    loop {
        let txn = attempt.begin(db).await?;
        let result = match store::load::<R>(&txn, id).await {
            Ok(Some(_)) => {
                let next = record.clone();
                change::<R>(&txn, ctx, id, None, |current| *current = next).await
            }
            Ok(None) => create_in(&txn, ctx, id, record.clone()).await,
            Err(error) => Err(error),
        };
        if let Some(written) = attempt.settle(txn, result, R::NAME).await? {
            return Ok(written);
        }
    }
}

/// Turns the stored record into `make_next(stored)`, at version `expected` when given.
async fn change<R: Record>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    id: Uuid,
    expected: Option<i32>,
    make_next: impl FnOnce(&mut R),
) -> Result<Written, Error> {
    let principal = require_key(Some(&ctx.principal))?;
    let current = store::load::<R>(txn, id)
        .await?
        .ok_or(Error::NotFound { entity: R::NAME })?;
    let mut next = current.record.clone();
    make_next(&mut next);
    store::complete(&mut next, txn, id).await?;
    R::authorize(principal, Some(&current.record), Some(&next))?;
    let expected = expected.unwrap_or(current.version);
    if current.version != expected {
        return Err(conflict::<R>(expected, current.version));
    }
    check_all(&mut next, txn, id).await?;
    if next == current.record {
        return Ok(Written {
            id,
            version: current.version,
            changed: false,
        });
    }
    if !store::update(&next, txn, id, expected, ctx.at).await? {
        let current = current_version::<R>(txn, id).await?;
        return Err(conflict::<R>(expected, current));
    }
    let mut parents = current.record.parents();
    parents.extend(next.parents());
    let versions = (Some(expected), Some(expected + 1));
    record_change::<R>(txn, ctx, "update", id, versions, &parents).await?;
    Ok(Written {
        id,
        version: expected + 1,
        changed: true,
    })
}

/// Deletes the record at version `expected`.
pub async fn delete<R: Record>(
    db: &impl Writer,
    ctx: &WriteContext,
    id: Uuid,
    expected: i32,
) -> Result<Written, Error> {
    let mut attempt = Attempt::first();
    loop {
        let txn = attempt.begin(db).await?;
        let result = delete_in::<R>(&txn, ctx, id, expected).await;
        if let Some(written) = attempt.settle(txn, result, R::NAME).await? {
            return Ok(written);
        }
    }
}

async fn delete_in<R: Record>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    id: Uuid,
    expected: i32,
) -> Result<Written, Error> {
    let principal = require_key(Some(&ctx.principal))?;
    let current = store::load::<R>(txn, id)
        .await?
        .ok_or(Error::NotFound { entity: R::NAME })?;
    R::authorize(principal, Some(&current.record), None)?;
    if current.version != expected {
        return Err(conflict::<R>(expected, current.version));
    }
    let referrers = store::referenced_by::<R>(txn, id).await?;
    if !referrers.is_empty() {
        return Err(Error::invalid(
            "id",
            format!(
                "the {} is still referred to by {}; delete or change those first",
                R::NAME,
                referrers.join(", ")
            ),
        ));
    }
    if !store::delete::<R>(txn, id, expected).await? {
        let current = current_version::<R>(txn, id).await?;
        return Err(conflict::<R>(expected, current));
    }
    let parents = current.record.parents();
    record_change::<R>(txn, ctx, "delete", id, (Some(expected), None), &parents).await?;
    Ok(Written {
        id,
        version: expected,
        changed: true,
    })
}

/// Logs and audits a change of one record (`versions`: before and after, `None` for absent)
/// as operation `<verb><Type>`, with the version bumps of its `parents`.
async fn record_change<R: Record>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    verb: &str,
    id: Uuid,
    (old_version, new_version): (Option<i32>, Option<i32>),
    parents: &[(EntityType, Uuid)],
) -> Result<(), Error> {
    let mut changes = vec![Logged {
        entity_type: R::TYPE,
        id,
        old_version,
        new_version,
    }];
    changes.extend(parts::bump_parents(txn, parents, ctx.at).await?);
    log(txn, ctx, &format!("{verb}{}", R::NAME), &changes).await
}

/// Writes the audit rows and then the change-log rows of `changes`: the change log comes last
/// because on PostgreSQL it takes the lock that orders commits (see `change_log::append`).
pub(crate) async fn log(
    db: &DatabaseTransaction,
    ctx: &WriteContext,
    operation: &str,
    changes: &[Logged],
) -> Result<(), Error> {
    let audit = changes.iter().map(|change| audit_log::ActiveModel {
        at: Set(ctx.at),
        api_key_id: Set(ctx.principal.key_id),
        principal: Set(ctx.principal.name.clone()),
        operation: Set(operation.to_owned()),
        entity_type: Set(change.entity_type),
        entity_id: Set(change.id),
        old_version: Set(change.old_version),
        new_version: Set(change.new_version),
        request_id: Set(ctx.request_id.clone()),
        ..Default::default()
    });
    for chunk in audit.collect::<Vec<_>>().chunks(500) {
        audit_log::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    let log: Vec<Change> = changes
        .iter()
        .map(|change| Change {
            entity_type: change.entity_type,
            entity_id: change.id,
            op: if change.new_version.is_some() {
                ChangeOp::Upsert
            } else {
                ChangeOp::Delete
            },
            version: change.new_version.or(change.old_version).unwrap_or(1),
        })
        .collect();
    change_log::append(db, &log, ctx.at).await
}

/// The row of `E` with this id, e.g. to return a relation just written.
pub async fn row<E>(db: &DatabaseConnection, id: Uuid) -> Result<Option<E::Model>, Error>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    Ok(E::find_by_id(id).one(db).await?)
}
