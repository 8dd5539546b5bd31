//! The row-level steps every record type shares: load a record with its texts, insert it
//! with version 1, overwrite it under its version, delete it, count what refers to it. A
//! record type says only what is its own ([`Record::to_row`], [`Record::from_row`], its
//! texts and owned parts); the columns every versioned table has are named once, here.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, IntoIden, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DynIden, EntityTrait,
    ModelTrait, QueryFilter, Value,
};
use symbios_entity::localized_text;
use uuid::Uuid;

use super::{Record, Versioned, parts};

use crate::Error;
use crate::validate::{Localized, Violations};

/// A table of versioned records: the columns the write path sets and guards on.
pub trait VersionedTable: EntityTrait<Model: Sync> {
    /// The primary key.
    const ID: Self::Column;
    /// Starts at 1, +1 on every change.
    const VERSION: Self::Column;
    /// When the row was inserted.
    const CREATED_AT: Self::Column;
    /// When the row last changed.
    const UPDATED_AT: Self::Column;
    /// The unique human-readable key, for tables that have one.
    const SLUG: Option<Self::Column>;
}

/// `VersionedTable` for entity modules, with a slug column (`Some(Slug)`) or without (`None`).
macro_rules! versioned_table {
    ($($table:ident: $slug:ident),* $(,)?) => {
        $(
            impl VersionedTable for symbios_entity::$table::Entity {
                const ID: symbios_entity::$table::Column = symbios_entity::$table::Column::Id;
                const VERSION: symbios_entity::$table::Column =
                    symbios_entity::$table::Column::Version;
                const CREATED_AT: symbios_entity::$table::Column =
                    symbios_entity::$table::Column::CreatedAt;
                const UPDATED_AT: symbios_entity::$table::Column =
                    symbios_entity::$table::Column::UpdatedAt;
                const SLUG: Option<symbios_entity::$table::Column> =
                    versioned_table!(@slug $table $slug);
            }
        )*
    };
    (@slug $table:ident Some) => {
        Some(symbios_entity::$table::Column::Slug)
    };
    (@slug $table:ident None) => {
        None
    };
}

/// Every record type with an id of its own has a slug: their tables come from the registry.
macro_rules! slugged_tables {
    ($($variant:ident($entity:ident, $record:ident),)+) => {
        versioned_table!($($entity: Some),+);
    };
}

crate::with_node_records!(slugged_tables);

versioned_table!(
    participation: None,
    funding: None,
    case_study_actor: None,
    resource_flow: None,
    impact_figure: None,
    membership: None,
);

/// The stored row of record type `R`.
pub type Row<R> = <<R as Record>::Table as EntityTrait>::Model;
/// The row of record type `R` as written.
pub type RowValues<R> = <<R as Record>::Table as EntityTrait>::ActiveModel;

/// A stored row of `R` and the record's texts, as [`Record::from_row`] gets them.
pub struct Stored<R: Record> {
    /// The row.
    pub row: Row<R>,
    /// The texts, by field.
    pub texts: TextsByField,
}

/// The localized texts a record owns, by field, and the language they were written in.
#[derive(Debug, Default)]
pub struct OwnedTexts<'a> {
    original_lang: &'a str,
    /// Each field with its texts and the language its original is in.
    fields: Vec<(&'static str, Cow<'a, Localized>, &'a str)>,
}

impl<'a> OwnedTexts<'a> {
    /// Texts written in `original_lang`.
    pub fn of(original_lang: &'a str) -> Self {
        OwnedTexts {
            original_lang,
            fields: Vec::new(),
        }
    }

    /// With the texts of `field`, its original in the record's language.
    pub fn with(mut self, field: &'static str, texts: &'a Localized) -> Self {
        self.fields
            .push((field, Cow::Borrowed(texts), self.original_lang));
        self
    }

    /// With the texts of `field` whose original is in `original_lang` (a flow's resource
    /// names, which may be written in another language than its description).
    pub fn with_names(
        mut self,
        field: &'static str,
        texts: Localized,
        original_lang: &'a str,
    ) -> Self {
        self.fields.push((field, Cow::Owned(texts), original_lang));
        self
    }
}

/// The texts of one record, by field.
#[derive(Debug, Default)]
pub struct TextsByField(HashMap<String, Localized>);

impl TextsByField {
    /// The texts of `field` (empty when it has none).
    pub fn take(&mut self, field: &str) -> Localized {
        self.0.remove(field).unwrap_or_default()
    }
}

/// A table and column that refer to records of one type, named for the refusal message.
#[derive(Debug, Clone)]
pub struct Referrer {
    table: DynIden,
    column: DynIden,
    what: &'static str,
}

impl Referrer {
    /// Rows whose `column` holds the record's id, called `what` ("participations").
    pub fn new<C: ColumnTrait>(column: C, what: &'static str) -> Self {
        Referrer {
            table: column.entity_name(),
            column: column.into_iden(),
            what,
        }
    }
}

fn set_column<A: ActiveModelTrait>(
    row: &mut A,
    column: <A::Entity as EntityTrait>::Column,
    value: impl Into<Value>,
) -> Result<(), Error> {
    Ok(row.try_set(column, value.into())?)
}

/// `R`'s row with the id, version and update time set.
pub(crate) fn row_values<R: Record>(
    record: &R,
    id: Uuid,
    version: i32,
    at: DateTime<Utc>,
) -> Result<RowValues<R>, Error> {
    let mut row = record.to_row();
    set_column(&mut row, R::Table::ID, id)?;
    set_column(&mut row, R::Table::VERSION, version)?;
    set_column(&mut row, R::Table::UPDATED_AT, at)?;
    Ok(row)
}

/// `R`'s row for an insert at version 1.
pub(crate) fn new_row<R: Record>(
    record: &R,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<RowValues<R>, Error> {
    let mut row = row_values(record, id, 1, at)?;
    set_column(&mut row, R::Table::CREATED_AT, at)?;
    Ok(row)
}

/// Every text of one record, by field.
async fn load_texts(
    db: &DatabaseTransaction,
    record: (symbios_entity::vocabulary::EntityType, Uuid),
) -> Result<TextsByField, Error> {
    let rows = localized_text::Entity::find()
        .filter(localized_text::Column::EntityType.eq(record.0))
        .filter(localized_text::Column::EntityId.eq(record.1))
        .all(db)
        .await?;
    let mut texts = TextsByField::default();
    for row in rows {
        texts
            .0
            .entry(row.field)
            .or_default()
            .insert(row.lang, row.text);
    }
    Ok(texts)
}

/// The record `id` of type `R` as a whole, with its version.
pub async fn load<R: Record>(
    db: &DatabaseTransaction,
    id: Uuid,
) -> Result<Option<Versioned<R>>, Error> {
    let Some(row) = R::Table::find().filter(R::Table::ID.eq(id)).one(db).await? else {
        return Ok(None);
    };
    let version = match row.get(R::Table::VERSION) {
        Value::Int(Some(version)) => version,
        other => {
            return Err(Error::Database(sea_orm::DbErr::Type(format!(
                "{}.version is not an integer: {other:?}",
                R::NAME
            ))));
        }
    };
    let texts = load_texts(db, (R::TYPE, id)).await?;
    let record = R::from_row(db, Stored { row, texts }).await?;
    Ok(Some(Versioned { record, version }))
}

/// Normalizes the record and fills in a slug left out (from its name).
pub(crate) async fn complete<R: Record>(
    record: &mut R,
    db: &DatabaseTransaction,
    id: Uuid,
) -> Result<(), Error> {
    record.normalize();
    if let (Some(slug_column), Some((slug, Some(name)))) = (R::Table::SLUG, record.slug_and_name())
    {
        parts::complete_slug::<R::Table>(db, slug_column, slug, name, id).await?;
    }
    Ok(())
}

/// Fills in a slug left out with the slug of the record's name: where `create…` starts
/// (it adds `-2`, `-3` … when that is taken; an import instead matches the record that holds
/// it, so that the same line finds the same record again). Themes, which have no name to
/// make one from, keep theirs left out.
pub(crate) fn derive_slug<R: Record>(record: &mut R) {
    if let Some((slug, Some(name))) = record.slug_and_name()
        && slug.is_none()
    {
        *slug = Some(parts::slug_from(name));
    }
}

/// The record's slug, when its type has one and it is given.
pub(crate) fn slug_of<R: Record>(record: &mut R) -> Option<&str> {
    record.slug_and_name().and_then(|(slug, _)| slug.as_deref())
}

/// Checks the form of the slug, for every record type that has one.
pub(crate) fn validate_slug<R: Record>(record: &mut R, violations: &mut Violations) {
    if let Some(slug) = slug_of(record) {
        violations.slug("slug", slug);
    }
}

/// Reports the slug when another record of the type holds it.
pub(crate) async fn check_slug_free<R: Record>(
    record: &mut R,
    db: &DatabaseTransaction,
    id: Uuid,
    violations: &mut Violations,
) -> Result<(), Error> {
    if let (Some(slug_column), Some(slug)) = (R::Table::SLUG, slug_of(record))
        && parts::slug_taken::<R::Table>(db, slug_column, slug, id).await?
    {
        violations.add("slug", format!("`{slug}` is taken by another record"));
    }
    Ok(())
}

/// Writes the record's texts (all fields at once, after removing the old ones) and parts.
async fn write_owned<R: Record>(
    record: &R,
    db: &DatabaseTransaction,
    id: Uuid,
    replace: bool,
) -> Result<(), Error> {
    if replace {
        parts::delete_texts(db, R::TYPE, id).await?;
    }
    parts::insert_text_rows(db, text_rows(record, id)).await?;
    record.write_parts(db, id).await
}

/// The rows of the record's texts, the original of each field marked.
pub(crate) fn text_rows<R: Record>(record: &R, id: Uuid) -> Vec<localized_text::ActiveModel> {
    parts::text_rows(R::TYPE, id, &record.texts().fields)
}

/// Inserts the record with version 1, with its texts and parts.
pub(crate) async fn insert<R: Record>(
    record: &R,
    db: &DatabaseTransaction,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    R::Table::insert(new_row(record, id, at)?)
        .exec_without_returning(db)
        .await?;
    write_owned(record, db, id, false).await
}

/// Overwrites the record at version `expected` with version `expected + 1`; `false` when the
/// row is no longer at `expected` (a concurrent writer won), and then nothing is written.
pub(crate) async fn update<R: Record>(
    record: &R,
    db: &DatabaseTransaction,
    id: Uuid,
    expected: i32,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let updated = R::Table::update_many()
        .set(row_values(record, id, expected + 1, at)?)
        .filter(R::Table::ID.eq(id))
        .filter(R::Table::VERSION.eq(expected))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(false);
    }
    write_owned(record, db, id, true).await?;
    Ok(true)
}

/// Deletes the record at version `expected` with its texts and parts; `false` when the row is
/// no longer at `expected`.
pub(crate) async fn delete<R: Record>(
    db: &DatabaseTransaction,
    id: Uuid,
    expected: i32,
) -> Result<bool, Error> {
    R::delete_parts(db, id).await?;
    parts::delete_texts(db, R::TYPE, id).await?;
    let deleted = R::Table::delete_many()
        .filter(R::Table::ID.eq(id))
        .filter(R::Table::VERSION.eq(expected))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

/// What still refers to the record, e.g. `2 participations`.
pub(crate) async fn referenced_by<R: Record>(
    db: &DatabaseTransaction,
    id: Uuid,
) -> Result<Vec<String>, Error> {
    let mut referrers = Vec::new();
    for referrer in R::referrers() {
        let count = Query::select()
            .expr_as(
                Func::count(Expr::col(referrer.column.clone())),
                Alias::new("n"),
            )
            .from(referrer.table.clone())
            .and_where(Expr::col(referrer.column.clone()).eq(id))
            .to_owned();
        let row = db.query_one(&count).await?;
        let count: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        if count > 0 {
            referrers.push(format!("{count} {}", referrer.what));
        }
    }
    Ok(referrers)
}
