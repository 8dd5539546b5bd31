//! Import and export of records as NDJSON: one record per line, in the shape of the GraphQL
//! create inputs:
//!
//! ```json
//! {"type":"Actor","record":{"slug":"kalundborg-kommune","name":"Kalundborg Kommune","kind":"MUNICIPALITY","country":"DK","originalLang":"da"}}
//! {"type":"ResourceFlow","id":"7d0c…","record":{"caseStudyId":"…","fromActorId":"…","resource":"gypsum", …}}
//! ```
//!
//! Imports go through the same write code as the API ([`super::write`]), so they are
//! validated, versioned, logged and audited alike. Records are matched so that running an
//! import again changes nothing: case studies, projects, actors and funders by `slug` (which
//! they must have), relations by `id` (which they must have).

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use symbios_entity::actor;
use uuid::Uuid;

use super::Error;
use super::write::Writer;
use super::write::upsert_actors::{self, ItemStatus, MatchBy, UpsertItem};
use super::write::{self, Record, VersionedTable, WriteContext};

impl RecordType {
    /// The name used in files and on the command line, e.g. `CaseStudy`.
    pub fn name(self) -> String {
        format!("{self:?}")
    }
}

impl std::str::FromStr for RecordType {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.replace(['-', '_'], "").to_ascii_lowercase();
        RecordType::ALL
            .iter()
            .copied()
            .find(|record_type| record_type.name().to_ascii_lowercase() == wanted)
            .ok_or_else(|| {
                let names: Vec<String> = RecordType::ALL.iter().map(|t| t.name()).collect();
                format!("`{text}` is not one of {}", names.join(", "))
            })
    }
}

/// One line of an NDJSON file as read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawLine {
    #[serde(rename = "type")]
    record_type: RecordType,
    #[serde(default)]
    id: Option<Uuid>,
    record: serde_json::Value,
}

/// One line of an NDJSON file as written.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OutLine<'a, R> {
    #[serde(rename = "type")]
    record_type: RecordType,
    id: Uuid,
    record: &'a R,
}

/// Lists every record type once, with its whole-record struct, and writes the dispatch
/// from [`RecordType`] (parse, write, export) to the generic code.
macro_rules! record_types {
    ($($variant:ident($fields:ty)),* $(,)?) => {
        /// The record types an import or export handles, in an order where references come
        /// first.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum RecordType {
            $($variant,)*
        }

        impl RecordType {
            /// Every type, references first.
            pub const ALL: &[RecordType] = &[$(RecordType::$variant,)*];
        }

        /// A parsed record.
        #[derive(Debug, Clone)]
        pub enum AnyRecord {
            $($variant($fields),)*
        }

        impl AnyRecord {
            /// The record's type.
            pub fn record_type(&self) -> RecordType {
                match self {
                    $(AnyRecord::$variant(_) => RecordType::$variant,)*
                }
            }
        }

        fn parse_record(
            record_type: RecordType,
            value: serde_json::Value,
        ) -> Result<AnyRecord, serde_json::Error> {
            match record_type {
                $(RecordType::$variant => serde_json::from_value(value).map(AnyRecord::$variant),)*
            }
        }

        async fn write_record(
            txn: &DatabaseTransaction,
            ctx: &WriteContext,
            (line, id, record): (usize, Option<Uuid>, AnyRecord),
            existing: Existing,
            report: &mut BatchReport,
        ) -> Result<(), Error> {
            match record {
                $(AnyRecord::$variant(record) => {
                    write_one(txn, ctx, (line, id, record), existing, report).await
                })*
            }
        }

        async fn export_any(
            db: &DatabaseTransaction,
            record_type: RecordType,
            after: Option<Uuid>,
            limit: u64,
        ) -> Result<Vec<(Uuid, serde_json::Value)>, Error> {
            match record_type {
                $(RecordType::$variant => {
                    export_page::<$fields>(db, record_type, after, limit).await
                })*
            }
        }
    };
}

crate::with_transfer_records!(record_types);

/// A parsed line.
#[derive(Debug, Clone)]
pub struct ImportLine {
    /// 1-based line number in the file.
    pub line: usize,
    /// The record's id, when the line gives one.
    pub id: Option<Uuid>,
    /// The record.
    pub record: AnyRecord,
}

/// A line that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// The field, when one is to blame.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// Parses one line; errors name the field when serde does.
pub fn parse_line(line: usize, text: &str) -> Result<ImportLine, LineError> {
    let error = |field: &str, reason: String| LineError {
        line,
        field: field.to_owned(),
        reason,
    };
    let raw: RawLine = serde_json::from_str(text).map_err(|parse| error("", parse.to_string()))?;
    let record = parse_record(raw.record_type, raw.record)
        .map_err(|parse| error("record", parse.to_string()))?;
    Ok(ImportLine {
        line,
        id: raw.id,
        record,
    })
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Lines refused, with the reason; the rest of the batch is written.
    pub errors: Vec<LineError>,
}

impl BatchReport {
    fn count(&mut self, written: write::Written, existed: bool) {
        match (written.changed, existed) {
            (false, _) => self.unchanged += 1,
            (true, true) => self.updated += 1,
            (true, false) => self.created += 1,
        }
    }
}

fn line_errors(line: usize, error: Error) -> Result<Vec<LineError>, Error> {
    let fields = error.field_errors();
    if !fields.is_empty() {
        return Ok(fields
            .into_iter()
            .map(|field| LineError {
                line,
                field: field.field,
                reason: field.reason,
            })
            .collect());
    }
    match error {
        Error::Database(_) | Error::Internal { .. } => Err(error),
        other => Ok(vec![LineError {
            line,
            field: String::new(),
            reason: other.to_string(),
        }]),
    }
}

/// What an import does with a record that exists already (matched by slug or id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Makes it equal to the line (`symbios import`).
    Replace,
    /// Leaves it as it is, since it may have been edited since (the bundled dataset).
    Keep,
}

/// The stored id of the record a line stands for, and whether it exists: by slug for types
/// that have one (which the line must give), else, or when no record has the slug, by the
/// line's id (which relations must give).
async fn stored_id<R: Record>(
    txn: &DatabaseTransaction,
    (line, id, record): (usize, Option<Uuid>, &mut R),
) -> Result<Result<(Uuid, bool), Vec<LineError>>, Error> {
    let missing = |what: &str| {
        Ok(Err(vec![LineError {
            line,
            field: what.to_owned(),
            reason: format!("imports match this type by `{what}`; give one"),
        }]))
    };
    let mut keys = Vec::new();
    if let Some(slug_column) = R::Table::SLUG {
        let Some(slug) = write::slug_of(record) else {
            return missing("slug");
        };
        // Refused before it is looked up: PostgreSQL cannot even receive a NUL.
        if let Err(error) = crate::validate::one_line("slug", slug) {
            return Ok(Err(line_errors(line, error)?));
        }
        keys.push(slug_column.eq(slug));
    }
    match id {
        Some(id) => keys.push(R::Table::ID.eq(id)),
        None if keys.is_empty() => return missing("id"),
        None => {}
    }
    for key in keys {
        let found: Option<Uuid> = R::Table::find()
            .select_only()
            .column(R::Table::ID)
            .filter(key)
            .into_tuple()
            .one(txn)
            .await?;
        if let Some(stored) = found {
            return Ok(Ok((stored, true)));
        }
    }
    Ok(Ok((id.unwrap_or_else(Uuid::new_v4), false)))
}

/// Writes one record with [`write::put`] (or [`write::create`], when existing records are
/// kept), matched by slug or id.
async fn write_one<R: Record>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    (line, id, mut record): (usize, Option<Uuid>, R),
    existing: Existing,
    report: &mut BatchReport,
) -> Result<(), Error> {
    let (id, existed) = match stored_id(txn, (line, id, &mut record)).await? {
        Ok(found) => found,
        Err(errors) => {
            report.errors.extend(errors);
            return Ok(());
        }
    };
    let written = match (existed, existing) {
        (true, Existing::Keep) => {
            report.unchanged += 1;
            return Ok(());
        }
        (_, Existing::Replace) => write::put(txn, ctx, id, record).await,
        (false, Existing::Keep) => write::create(txn, ctx, Some(id), record).await,
    };
    match written {
        Ok(written) => report.count(written, existed),
        Err(error) => report.errors.extend(line_errors(line, error)?),
    }
    Ok(())
}

/// The keys of the items whose actor exists: by slug, or by the id the line gives.
async fn actors_present(
    txn: &DatabaseTransaction,
    items: &[(usize, UpsertItem)],
) -> Result<HashSet<String>, Error> {
    let mut present = HashSet::new();
    for chunk in items.chunks(500) {
        let slugs = chunk.iter().map(|(_, item)| item.key.clone());
        let ids = chunk.iter().filter_map(|(_, item)| item.id);
        let found: Vec<(Uuid, String)> = actor::Entity::find()
            .select_only()
            .column(actor::Column::Id)
            .column(actor::Column::Slug)
            .filter(
                actor::Column::Slug
                    .is_in(slugs)
                    .or(actor::Column::Id.is_in(ids)),
            )
            .into_tuple()
            .all(txn)
            .await?;
        for (_, item) in chunk {
            if found
                .iter()
                .any(|(id, slug)| *slug == item.key || Some(*id) == item.id)
            {
                present.insert(item.key.clone());
            }
        }
    }
    Ok(present)
}

/// Writes actors through the bulk upsert, matched by slug.
async fn write_actors(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    mut actors: Vec<(usize, UpsertItem)>,
    existing: Existing,
    report: &mut BatchReport,
) -> Result<(), Error> {
    if existing == Existing::Keep {
        let present = actors_present(txn, &actors).await?;
        let before = actors.len();
        actors.retain(|(_, item)| !present.contains(&item.key));
        report.unchanged += before - actors.len();
    }
    for chunk in actors.chunks(upsert_actors::MAX_ITEMS) {
        let numbers: Vec<usize> = chunk.iter().map(|(number, _)| *number).collect();
        let items = chunk.iter().map(|(_, item)| item.clone()).collect();
        let outcome = upsert_actors::upsert_actors(txn, ctx, MatchBy::Slug, items, None).await?;
        for (number, item) in numbers.into_iter().zip(outcome.items) {
            match item.status {
                ItemStatus::Created => report.created += 1,
                ItemStatus::Updated => report.updated += 1,
                ItemStatus::Unchanged => report.unchanged += 1,
                ItemStatus::Rejected => {
                    report
                        .errors
                        .extend(item.errors.into_iter().map(|error| LineError {
                            line: number,
                            field: error.field,
                            reason: error.reason,
                        }));
                }
            }
        }
    }
    Ok(())
}

/// Writes `lines` in `txn`: actors through the bulk upsert (matched by slug), the other types
/// one by one through [`write`]. Refused lines are reported and the others written.
async fn write_lines(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    lines: Vec<ImportLine>,
    existing: Existing,
) -> Result<BatchReport, Error> {
    let mut report = BatchReport::default();
    let mut actors: Vec<(usize, UpsertItem)> = Vec::new();
    let mut others = Vec::new();
    for line in lines {
        match line.record {
            AnyRecord::Actor(fields) => match fields.slug.clone() {
                Some(slug) => actors.push((
                    line.line,
                    UpsertItem {
                        key: slug,
                        id: line.id,
                        source_version: None,
                        fields,
                        omitted: upsert_actors::Omitted::default(),
                    },
                )),
                None => report.errors.push(LineError {
                    line: line.line,
                    field: "slug".to_owned(),
                    reason: "imports match actors by `slug`; give one".to_owned(),
                }),
            },
            record => others.push((line.line, line.id, record)),
        }
    }
    write_actors(txn, ctx, actors, existing, &mut report).await?;
    for line in others {
        write_record(txn, ctx, line, existing, &mut report).await?;
    }
    Ok(report)
}

/// Writes a batch of lines in one transaction. Refused lines are reported and the rest of the
/// batch is written; a database failure rolls the whole batch back and is returned.
pub async fn import_batch(
    db: &DatabaseConnection,
    ctx: &WriteContext,
    lines: Vec<ImportLine>,
) -> Result<BatchReport, Error> {
    let txn = db.begin_write().await?;
    let report = write_lines(&txn, ctx, lines, Existing::Replace).await?;
    txn.commit().await?;
    Ok(report)
}

/// Writes a whole dataset in one transaction, all or nothing: when any line is refused,
/// nothing is written and the report lists every refusal.
pub async fn import_whole(
    db: &DatabaseConnection,
    ctx: &WriteContext,
    lines: Vec<ImportLine>,
    existing: Existing,
) -> Result<BatchReport, Error> {
    let txn = db.begin_write().await?;
    let report = write_lines(&txn, ctx, lines, existing).await?;
    if report.errors.is_empty() {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    Ok(report)
}

/// The next up to `limit` records of `R` after `after`, in id order, as NDJSON lines.
async fn export_page<R: Record + Serialize>(
    db: &DatabaseTransaction,
    record_type: RecordType,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<(Uuid, serde_json::Value)>, Error> {
    let mut select = R::Table::find().select_only().column(R::Table::ID);
    if let Some(after) = after {
        select = select.filter(R::Table::ID.gt(after));
    }
    let ids: Vec<Uuid> = select
        .order_by_asc(R::Table::ID)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut lines = Vec::new();
    for id in ids {
        if let Some(stored) = write::load::<R>(db, id).await? {
            let line = OutLine {
                record_type,
                id,
                record: &stored.record,
            };
            let value = serde_json::to_value(&line)
                .map_err(|error| Error::internal("write an export line", error))?;
            lines.push((id, value));
        }
    }
    Ok(lines)
}

/// One page of an export: up to `limit` lines after the record `after`.
pub async fn export(
    db: &DatabaseConnection,
    record_type: RecordType,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<(Uuid, serde_json::Value)>, Error> {
    let txn = db.begin().await?;
    let page = export_any(&txn, record_type, after, limit).await?;
    txn.commit().await?;
    Ok(page)
}

/// A record as one CSV row: scalar fields as they are, lists and objects as JSON text.
pub fn csv_row(record: &serde_json::Value) -> HashMap<String, String> {
    let mut row = HashMap::new();
    if let Some(fields) = record.get("record").and_then(|value| value.as_object()) {
        if let Some(id) = record.get("id").and_then(|value| value.as_str()) {
            row.insert("id".to_owned(), id.to_owned());
        }
        for (name, value) in fields {
            let text = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => value.to_string(),
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => value.to_string(),
            };
            row.insert(name.clone(), text);
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_in_the_mutation_shape() {
        let line = parse_line(
            3,
            r#"{"type":"Actor","record":{"slug":"acme","name":"Acme","kind":"COMPANY","country":"NO","originalLang":"nb","description":[{"lang":"nb","text":"Et firma"}]}}"#,
        )
        .unwrap();
        let AnyRecord::Actor(actor) = line.record else {
            panic!("expected an actor");
        };
        assert_eq!(actor.slug.as_deref(), Some("acme"));
        assert_eq!(
            actor.description.get("nb").map(String::as_str),
            Some("Et firma")
        );
    }

    #[test]
    fn bad_lines_say_why() {
        let error = parse_line(7, r#"{"type":"Actor","record":{"nmae":"Acme"}}"#).unwrap_err();
        assert_eq!(error.line, 7);
        assert!(error.reason.contains("nmae"), "{}", error.reason);
        let error = parse_line(8, r#"{"type":"Actor","record":{"name":"Acme","kind":"SPACESHIP","country":"NO","originalLang":"nb"}}"#).unwrap_err();
        assert!(error.reason.contains("SPACESHIP"), "{}", error.reason);
        assert!(parse_line(9, "not json").is_err());
    }
}
