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

impl std::str::FromStr for RecordType {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.replace(['-', '_'], "").to_ascii_lowercase();
        RecordType::ALL
            .iter()
            .copied()
            .find(|record_type| record_type.name().to_ascii_lowercase() == wanted)
            .ok_or_else(|| {
                format!(
                    "`{}` is not one of {}",
                    text.chars().take(40).collect::<String>(),
                    RecordType::NAMES.join(", ")
                )
            })
    }
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
            /// Their names, as files and the command line spell them, in the same order.
            pub const NAMES: &[&str] = &[$(stringify!($variant),)*];

            /// The name used in files and on the command line, e.g. `CaseStudy`.
            pub fn name(self) -> &'static str {
                match self {
                    $(RecordType::$variant => stringify!($variant),)*
                }
            }
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
        ) -> Result<AnyRecord, serde_path_to_error::Error<serde_json::Error>> {
            match record_type {
                $(RecordType::$variant => {
                    serde_path_to_error::deserialize(value).map(AnyRecord::$variant)
                })*
            }
        }

        /// Lines of one type that follow each other in a batch, written together.
        enum Run {
            $($variant(Vec<(usize, Option<Uuid>, $fields)>),)*
        }

        impl Run {
            fn of((line, id, record): (usize, Option<Uuid>, AnyRecord)) -> Self {
                match record {
                    $(AnyRecord::$variant(record) => Run::$variant(vec![(line, id, record)]),)*
                }
            }

            /// Adds the line when it is of the run's type, else hands it back.
            fn push(
                &mut self,
                (line, id, record): (usize, Option<Uuid>, AnyRecord),
            ) -> Option<(usize, Option<Uuid>, AnyRecord)> {
                match (self, record) {
                    $((Run::$variant(items), AnyRecord::$variant(record)) => {
                        items.push((line, id, record));
                        None
                    })*
                    (_, record) => Some((line, id, record)),
                }
            }

            async fn write(
                self,
                txn: &DatabaseTransaction,
                ctx: &WriteContext,
                existing: Existing,
                report: &mut BatchReport,
            ) -> Result<(), Error> {
                match self {
                    $(Run::$variant(items) => write_many(txn, ctx, items, existing, report).await,)*
                }
            }
        }

        async fn export_one_any(
            db: &DatabaseTransaction,
            entity_type: symbios_entity::vocabulary::EntityType,
            id: Uuid,
        ) -> Result<Option<serde_json::Value>, Error> {
            // No wildcard: the change log's types and the export's are the same list.
            match entity_type {
                $(symbios_entity::vocabulary::EntityType::$variant => {
                    record_json::<$fields>(db, id).await
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

/// `line N: field `F`: reason`, or `line N: reason` when no field is to blame.
impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}", self.line, self.reason)
        } else {
            write!(
                f,
                "line {}: field `{}`: {}",
                self.line, self.field, self.reason
            )
        }
    }
}

/// One example line per record type (two actors: one with its slug, one without), written
/// so that they import into an empty database in this order. `symbios import --help`, the
/// README and `api/seed/FORMAT.md` show them; tests parse and import them.
pub const EXAMPLE_LINES: &str = include_str!("transfer_examples.ndjson");

/// Parses one line. Every refusal names the field and says why in the project's words
/// ([`describe`]), never in serde's.
pub fn parse_line(line: usize, text: &str) -> Result<ImportLine, LineError> {
    let error = |field: &str, reason: String| LineError {
        line,
        field: field.to_owned(),
        reason,
    };
    let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_str(text) else {
        return Err(error(
            "",
            "not a JSON object (a line is one object: `type`, `id` and `record`)".to_owned(),
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|key| !matches!(key.as_str(), "type" | "id" | "record"))
    {
        return Err(error(
            &unknown.chars().take(40).collect::<String>(),
            "is not a field of a line; a line has `type`, `id` (optional) and `record`".to_owned(),
        ));
    }
    let record_type = match fields.get("type") {
        None => return Err(error("type", format!("is missing; {}", type_choice()))),
        Some(serde_json::Value::String(name)) => name
            .parse::<RecordType>()
            .map_err(|reason| error("type", reason))?,
        Some(other) => {
            return Err(error(
                "type",
                format!("must be text, not {}; {}", json_kind(other), type_choice()),
            ));
        }
    };
    let id = match fields.get("id") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(id)) => Some(Uuid::parse_str(id).map_err(|_| {
            error(
                "id",
                "is not a UUID (e.g. 6f1c2d3e-0000-4000-8000-000000000001)".to_owned(),
            )
        })?),
        Some(other) => {
            return Err(error(
                "id",
                format!("must be a UUID as text, not {}", json_kind(other)),
            ));
        }
    };
    let record = match fields.remove("record") {
        Some(record @ serde_json::Value::Object(_)) => record,
        None => {
            return Err(error(
                "record",
                format!("is missing; it holds the {} itself", record_type.name()),
            ));
        }
        Some(other) => {
            return Err(error(
                "record",
                format!("must be a JSON object, not {}", json_kind(&other)),
            ));
        }
    };
    let record = parse_record(record_type, record).map_err(|refusal| {
        let (field, reason) = describe(refusal);
        error(&field, reason)
    })?;
    Ok(ImportLine { line, id, record })
}

fn type_choice() -> String {
    format!("one of {}", RecordType::NAMES.join(", "))
}

/// What a JSON value is, in words (`the text "x"`, `a list` …).
fn json_kind(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "null".to_owned(),
        serde_json::Value::Bool(value) => value.to_string(),
        serde_json::Value::Number(number) => format!("the number {number}"),
        serde_json::Value::String(text) => {
            format!("the text {:?}", text.chars().take(40).collect::<String>())
        }
        serde_json::Value::Array(_) => "a list".to_owned(),
        serde_json::Value::Object(_) => "an object".to_owned(),
    }
}

/// The field (a path in the record: `kind`, `description[0].lang`) and the reason for a
/// record serde refused, reworded: serde's own messages (`invalid type: string "x",
/// expected i32`) are for programmers.
fn describe(refusal: serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    let path = refusal.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let message = refusal.into_inner().to_string();
    let within = |name: &str| {
        if path.is_empty() || path.ends_with(name) {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(name) = between(&message, "missing field `", "`") {
        return (within(name), "is missing".to_owned());
    }
    if let Some(name) = between(&message, "duplicate field `", "`") {
        return (within(name), "is given twice".to_owned());
    }
    if let Some(name) = between(&message, "unknown field `", "`") {
        let known = message
            .split_once("expected one of ")
            .map(|(_, known)| format!("; the fields here are {}", known.replace('`', "")))
            .unwrap_or_default();
        let name: String = name.chars().take(40).collect();
        return (within(&name), format!("is not a field{known}"));
    }
    if let Some(name) = between(&message, "unknown variant `", "`") {
        let known = message
            .split_once("expected one of ")
            .map(|(_, known)| format!(" one of {}", known.replace('`', "")))
            .or_else(|| {
                message
                    .split_once("expected ")
                    .map(|(_, known)| format!(" {}", known.replace('`', "")))
            })
            .unwrap_or_default();
        let name: String = name.chars().take(40).collect();
        return (path, format!("`{name}` is not{known}"));
    }
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(kind)
            && let Some((found, expected)) = rest.rsplit_once(", expected ")
        {
            return (
                path,
                format!(
                    "must be {}, not {}",
                    expected_words(expected),
                    found_words(found)
                ),
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ")
        && let Some((length, expected)) = rest.split_once(", expected ")
    {
        return (path, format!("has {length} item(s); expected {expected}"));
    }
    if message.starts_with("UUID parsing failed") {
        return (
            path,
            "is not a UUID (e.g. 6f1c2d3e-0000-4000-8000-000000000001)".to_owned(),
        );
    }
    if CHRONO_MESSAGES.contains(&message.as_str()) {
        return (path, "is not a date (YYYY-MM-DD)".to_owned());
    }
    // The project's own messages (vocabularies, languages given twice) come through as is.
    (path, message)
}

/// What chrono says of a text that is not a date.
const CHRONO_MESSAGES: &[&str] = &[
    "input contains invalid characters",
    "premature end of input",
    "input is out of range",
    "trailing input",
    "input is not enough for unique date and time",
    "no possible date and time matching input",
    "bad or unsupported format string",
];

/// The text between `start` (at the beginning of `text`) and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.split_once(end).map(|(inside, _)| inside)
}

/// serde's name of an expected type, in words.
fn expected_words(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a string" | "a borrowed string" => "text".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a map" => "an object".to_owned(),
        "a UUID string" => "a UUID as text".to_owned(),
        other if other.starts_with("struct ") => "an object".to_owned(),
        other => other.replace('`', ""),
    }
}

/// serde's description of a value it found, in words.
fn found_words(found: &str) -> String {
    if let Some(text) = found.strip_prefix("string ") {
        return format!("the text {}", text.chars().take(42).collect::<String>());
    }
    for number in ["integer ", "floating point "] {
        if let Some(value) = found.strip_prefix(number) {
            return format!("the number {}", value.trim_matches('`'));
        }
    }
    if let Some(value) = found.strip_prefix("boolean ") {
        return value.trim_matches('`').to_owned();
    }
    match found {
        "sequence" => "a list".to_owned(),
        "map" => "an object".to_owned(),
        "unit value" => "null".to_owned(),
        other => other.to_owned(),
    }
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Lines refused, with the reason (a line may have several), in line order; the rest
    /// of the batch is written.
    pub errors: Vec<LineError>,
}

impl BatchReport {
    /// How many lines were refused (not how many reasons).
    pub fn refused_lines(&self) -> usize {
        let mut lines: Vec<usize> = self.errors.iter().map(|error| error.line).collect();
        lines.sort_unstable();
        lines.dedup();
        lines.len()
    }
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
/// that have one (a slug left out is made from the name, as `create…` makes it), else, or
/// when no record has the slug, by the line's id (which relations must give).
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
        write::derive_slug(record);
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

/// The lines in runs of one type, in line order.
fn runs(lines: Vec<(usize, Option<Uuid>, AnyRecord)>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for line in lines {
        let stray = match runs.last_mut() {
            Some(run) => run.push(line),
            None => Some(line),
        };
        if let Some(line) = stray {
            runs.push(Run::of(line));
        }
    }
    runs
}

/// The lines that stand for records the database does not hold yet (with the id each gets),
/// and the others, as [`stored_id`] matches them: by slug for types that have one (a slug
/// left out made from the name), else, or when no record has the slug, by the line's id.
/// A second line for the same record counts as stored: it replaces what the first wrote.
#[allow(clippy::type_complexity)]
async fn new_records<R: Record>(
    txn: &DatabaseTransaction,
    items: Vec<(usize, Option<Uuid>, R)>,
) -> Result<(Vec<(usize, Uuid, R)>, Vec<(usize, Option<Uuid>, R)>), Error> {
    let mut items = items;
    let mut slugs = HashSet::new();
    for (_, _, record) in &mut items {
        write::derive_slug(record);
        // Refused before it is looked up (PostgreSQL cannot even receive a NUL): by the
        // one-by-one path, which reports it.
        if let Some(slug) = write::slug_of(record)
            && crate::validate::one_line("slug", slug).is_ok()
        {
            slugs.insert(slug.to_owned());
        }
    }
    let taken = match R::Table::SLUG {
        Some(column) => {
            let slugs: Vec<String> = slugs.iter().cloned().collect();
            write::parts::existing_slugs::<R::Table>(txn, column, &slugs).await?
        }
        None => HashSet::new(),
    };
    let ids: Vec<Uuid> = items.iter().filter_map(|(_, id, _)| *id).collect();
    let stored_ids = write::parts::existing_ids::<R::Table>(txn, &ids).await?;
    let (mut new, mut stored) = (Vec::new(), Vec::new());
    let (mut seen_slugs, mut seen_ids) = (HashSet::new(), HashSet::new());
    for (line, id, mut record) in items {
        let slug = write::slug_of(&mut record).map(str::to_owned);
        let slug_new = match (R::Table::SLUG, slug) {
            (None, _) => true,
            (Some(_), Some(slug)) => {
                slugs.contains(&slug) && !taken.contains(&slug) && seen_slugs.insert(slug)
            }
            (Some(_), None) => false,
        };
        let id_new = match id {
            Some(id) => !stored_ids.contains(&id) && seen_ids.insert(id),
            // Relations are matched by id only; a line without one is refused one by one.
            None => R::Table::SLUG.is_some(),
        };
        if slug_new && id_new {
            new.push((line, id.unwrap_or_else(Uuid::new_v4), record));
        } else {
            stored.push((line, id, record));
        }
    }
    Ok((new, stored))
}

/// Writes lines of one type: records new to the database in bulk where the type allows
/// ([`write::create_many`]), the others, and whatever the bulk write leaves, one by one in
/// line order through [`write_one`].
async fn write_many<R: Record>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    items: Vec<(usize, Option<Uuid>, R)>,
    existing: Existing,
    report: &mut BatchReport,
) -> Result<(), Error> {
    let one_by_one = if R::BATCHABLE && items.len() > 1 {
        let (new, mut stored) = new_records(txn, items).await?;
        let created = write::create_many(txn, ctx, new).await?;
        report.created += created.count;
        stored.extend(
            created
                .left
                .into_iter()
                .map(|(line, id, record)| (line, Some(id), record)),
        );
        stored.sort_by_key(|(line, _, _)| *line);
        stored
    } else {
        items
    };
    for item in one_by_one {
        write_one(txn, ctx, item, existing, report).await?;
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
            AnyRecord::Actor(mut fields) => {
                write::derive_slug(&mut fields);
                let slug = fields.slug.clone().unwrap_or_default();
                actors.push((
                    line.line,
                    UpsertItem {
                        key: slug,
                        id: line.id,
                        source_version: None,
                        fields,
                        omitted: upsert_actors::Omitted::default(),
                    },
                ));
            }
            record => others.push((line.line, line.id, record)),
        }
    }
    write_actors(txn, ctx, actors, existing, &mut report).await?;
    for run in runs(others) {
        run.write(txn, ctx, existing, &mut report).await?;
    }
    // Actors are written first, in bulk: the refusals are put back in line order.
    report.errors.sort_by_key(|error| error.line);
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

/// The record `id` as an export line's `record` (every field, texts by language), or `None`
/// when it does not exist (any more).
async fn record_json<R: Record + Serialize>(
    db: &DatabaseTransaction,
    id: Uuid,
) -> Result<Option<serde_json::Value>, Error> {
    let Some(stored) = write::load::<R>(db, id).await? else {
        return Ok(None);
    };
    serde_json::to_value(&stored.record)
        .map(Some)
        .map_err(|error| Error::internal("write a record as JSON", error))
}

/// The record of type `entity_type` with id `id` as an export line's `record`, `None` when it
/// does not exist (any more).
pub async fn export_one(
    db: &DatabaseConnection,
    entity_type: symbios_entity::vocabulary::EntityType,
    id: Uuid,
) -> Result<Option<serde_json::Value>, Error> {
    let txn = db.begin().await?;
    let record = export_one_any(&txn, entity_type, id).await?;
    txn.commit().await?;
    Ok(record)
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

/// The fields holding localized texts (lists of `{lang, text}`), as export lines name them.
const LOCALIZED_FIELDS: &[&str] = &["body", "description", "labels", "summary"];

/// A record as one CSV row: scalar fields as they are, each localized text as one column
/// per language (`description_sv`, `description_en` …), other lists and objects as JSON
/// text.
pub fn csv_row(record: &serde_json::Value) -> HashMap<String, String> {
    let mut row = HashMap::new();
    if let Some(fields) = record.get("record").and_then(|value| value.as_object()) {
        if let Some(id) = record.get("id").and_then(|value| value.as_str()) {
            row.insert("id".to_owned(), id.to_owned());
        }
        for (name, value) in fields {
            if LOCALIZED_FIELDS.contains(&name.as_str())
                && let serde_json::Value::Array(texts) = value
            {
                for text in texts {
                    if let (Some(lang), Some(text)) = (
                        text.get("lang").and_then(|lang| lang.as_str()),
                        text.get("text").and_then(|text| text.as_str()),
                    ) {
                        row.insert(format!("{name}_{lang}"), text.to_owned());
                    }
                }
                continue;
            }
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

/// The columns of the rows of `records`: every column any row has, `id` first, then by name
/// (so that a language only some records have still gets its column).
pub fn csv_columns<'a>(rows: impl IntoIterator<Item = &'a HashMap<String, String>>) -> Vec<String> {
    let mut columns: Vec<String> = rows
        .into_iter()
        .flat_map(|row| row.keys().cloned())
        .collect::<HashSet<String>>()
        .into_iter()
        .collect();
    columns.sort_by_key(|name| (name != "id", name.clone()));
    columns
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

    /// Every refusal in the project's words: the field and the reason.
    #[test]
    fn bad_lines_say_which_field_and_why() {
        let said = |text: &str| parse_line(7, text).unwrap_err().to_string();
        let actor = |record: &str| format!(r#"{{"type":"Actor","record":{{{record}}}}}"#);
        let cases = [
            ("{ not json".to_owned(), "line 7: not a JSON object (a line is one object: `type`, `id` and `record`)"),
            ("[1, 2]".to_owned(), "line 7: not a JSON object (a line is one object: `type`, `id` and `record`)"),
            (r#"{"type":"Actor","name":"x","record":{}}"#.to_owned(), "line 7: field `name`: is not a field of a line; a line has `type`, `id` (optional) and `record`"),
            (r#"{"record":{}}"#.to_owned(), "line 7: field `type`: is missing; one of Theme, Actor, Funder, Project, CaseStudy, Participation, Funding, CaseStudyActor, ResourceFlow, ImpactFigure, Membership"),
            (r#"{"type":"Spaceship","record":{}}"#.to_owned(), "line 7: field `type`: `Spaceship` is not one of Theme, Actor, Funder, Project, CaseStudy, Participation, Funding, CaseStudyActor, ResourceFlow, ImpactFigure, Membership"),
            (r#"{"type":"Actor","id":"42","record":{}}"#.to_owned(), "line 7: field `id`: is not a UUID (e.g. 6f1c2d3e-0000-4000-8000-000000000001)"),
            (r#"{"type":"Actor"}"#.to_owned(), "line 7: field `record`: is missing; it holds the Actor itself"),
            (r#"{"type":"Actor","record":"x"}"#.to_owned(), "line 7: field `record`: must be a JSON object, not the text \"x\""),
            (actor(r#""nmae":"Acme""#), "line 7: field `nmae`: is not a field; the fields here are slug, name, kind, country, nutsCode, website, originalLang, description, identifiers"),
            (actor(r#""name":"Acme","country":"NO","originalLang":"nb""#), "line 7: field `kind`: is missing"),
            (actor(r#""name":"Acme","kind":"SPACESHIP","country":"NO","originalLang":"nb""#), "line 7: field `kind`: `SPACESHIP` is not one of "),
            (actor(r#""name":5,"kind":"COMPANY","country":"NO","originalLang":"nb""#), "line 7: field `name`: must be text, not the number 5"),
            (actor(r#""name":"A","kind":"COMPANY","country":"NO","originalLang":"nb","description":[{"lang":"nb"}]"#), "line 7: field `description[0].text`: is missing"),
            (r#"{"type":"Funding","record":{"funderId":"6f1c2d3e-0000-4000-8000-000000000003","projectId":"nope"}}"#.to_owned(), "line 7: field `projectId`: is not a UUID"),
            (r#"{"type":"Funding","record":{"funderId":"6f1c2d3e-0000-4000-8000-000000000003","projectId":"6f1c2d3e-0000-4000-8000-000000000003","periodStart":"2024-13-01"}}"#.to_owned(), "line 7: field `periodStart`: is not a date (YYYY-MM-DD)"),
            (r#"{"type":"ImpactFigure","record":{"caseStudyId":"6f1c2d3e-0000-4000-8000-000000000003","metric":"m","value":1,"unit":"t","year":"1990"}}"#.to_owned(), "line 7: field `year`: must be a whole number, not the text \"1990\""),
        ];
        for (line, expected) in cases {
            let message = said(&line);
            assert!(
                message.starts_with(expected),
                "{line}\n  said: {message}\n  want: {expected}"
            );
            assert!(!message.contains("line 1 column"), "{message}");
        }
    }

    #[test]
    fn every_example_line_parses_and_every_type_has_one() {
        let mut types = HashSet::new();
        for (index, text) in EXAMPLE_LINES.lines().enumerate() {
            let parsed = parse_line(index + 1, text).unwrap_or_else(|error| panic!("{error}"));
            types.insert(parsed.record.record_type());
        }
        assert_eq!(types.len(), RecordType::ALL.len(), "{types:?}");
    }

    #[test]
    fn csv_rows_have_a_column_per_language() {
        let line: serde_json::Value = serde_json::from_str(
            r#"{"type":"Actor","id":"x","record":{"name":"A","identifiers":[],"description":[{"lang":"sv","text":"Ett"},{"lang":"en","text":"One"}]}}"#,
        )
        .unwrap();
        let row = csv_row(&line);
        assert_eq!(row.get("description_sv").map(String::as_str), Some("Ett"));
        assert_eq!(row.get("description_en").map(String::as_str), Some("One"));
        assert_eq!(row.get("identifiers").map(String::as_str), Some("[]"));
        assert!(!row.contains_key("description"));
        assert_eq!(
            csv_columns([&row]),
            [
                "id",
                "description_en",
                "description_sv",
                "identifiers",
                "name"
            ]
        );
    }
}
