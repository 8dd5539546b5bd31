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

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use symbios_entity::{
    actor, case_study, case_study_actor, funder, funding, impact_figure, membership, participation,
    project, resource_flow, theme,
};
use uuid::Uuid;

use super::Error;
use super::write::Writer;
use super::write::upsert_actors::{self, ItemStatus, MatchBy, UpsertItem};
use super::write::{
    self, ActorFields, CaseStudyActorFields, CaseStudyFields, FlowFields, FunderFields,
    FundingFields, ImpactFields, MembershipFields, ParticipationFields, ProjectFields, Record,
    ThemeFields, WriteContext,
};

/// The record types an import or export handles, in an order where references come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordType {
    Theme,
    Actor,
    Funder,
    Project,
    CaseStudy,
    Participation,
    Funding,
    CaseStudyActor,
    ResourceFlow,
    ImpactFigure,
    Membership,
}

impl RecordType {
    /// Every type, references first.
    pub const ALL: [RecordType; 11] = [
        RecordType::Theme,
        RecordType::Actor,
        RecordType::Funder,
        RecordType::Project,
        RecordType::CaseStudy,
        RecordType::Participation,
        RecordType::Funding,
        RecordType::CaseStudyActor,
        RecordType::ResourceFlow,
        RecordType::ImpactFigure,
        RecordType::Membership,
    ];

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
            .into_iter()
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

/// A parsed record.
#[derive(Debug, Clone)]
pub enum AnyRecord {
    Theme(ThemeFields),
    Actor(ActorFields),
    Funder(FunderFields),
    Project(ProjectFields),
    CaseStudy(CaseStudyFields),
    Participation(ParticipationFields),
    Funding(FundingFields),
    CaseStudyActor(CaseStudyActorFields),
    ResourceFlow(FlowFields),
    ImpactFigure(ImpactFields),
    Membership(MembershipFields),
}

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

fn record_from<R: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<R, serde_json::Error> {
    serde_json::from_value(value)
}

/// Parses one line; errors name the field when serde does.
pub fn parse_line(line: usize, text: &str) -> Result<ImportLine, LineError> {
    let error = |field: &str, reason: String| LineError {
        line,
        field: field.to_owned(),
        reason,
    };
    let raw: RawLine = serde_json::from_str(text).map_err(|parse| error("", parse.to_string()))?;
    let record = match raw.record_type {
        RecordType::Theme => record_from(raw.record).map(AnyRecord::Theme),
        RecordType::Actor => record_from(raw.record).map(AnyRecord::Actor),
        RecordType::Funder => record_from(raw.record).map(AnyRecord::Funder),
        RecordType::Project => record_from(raw.record).map(AnyRecord::Project),
        RecordType::CaseStudy => record_from(raw.record).map(AnyRecord::CaseStudy),
        RecordType::Participation => record_from(raw.record).map(AnyRecord::Participation),
        RecordType::Funding => record_from(raw.record).map(AnyRecord::Funding),
        RecordType::CaseStudyActor => record_from(raw.record).map(AnyRecord::CaseStudyActor),
        RecordType::ResourceFlow => record_from(raw.record).map(AnyRecord::ResourceFlow),
        RecordType::ImpactFigure => record_from(raw.record).map(AnyRecord::ImpactFigure),
        RecordType::Membership => record_from(raw.record).map(AnyRecord::Membership),
    }
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

async fn id_by_slug<E, C>(
    db: &DatabaseTransaction,
    slug_column: C,
    id_column: C,
    slug: &str,
) -> Result<Option<Uuid>, Error>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    Ok(E::find()
        .select_only()
        .column(id_column)
        .filter(slug_column.eq(slug))
        .into_tuple()
        .one(db)
        .await?)
}

/// Writes one non-actor record with [`write::put`], matched by slug or id.
async fn put_one(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    line: ImportLine,
    report: &mut BatchReport,
) -> Result<(), Error> {
    let number = line.line;
    let missing = |what: &str| LineError {
        line: number,
        field: what.to_owned(),
        reason: format!("imports match this type by `{what}`; give one"),
    };
    macro_rules! by_slug {
        ($record:expr, $entity:ident) => {{
            let record = $record;
            let Some(slug) = record.slug.clone() else {
                report.errors.push(missing("slug"));
                return Ok(());
            };
            // Refused before it is looked up: PostgreSQL cannot even receive a NUL.
            if let Err(error) = crate::validate::one_line("slug", &slug) {
                report.errors.extend(line_errors(number, error)?);
                return Ok(());
            }
            let found = id_by_slug::<$entity::Entity, _>(
                txn,
                $entity::Column::Slug,
                $entity::Column::Id,
                &slug,
            )
            .await?;
            (found.or(line.id), found.is_some(), record)
        }};
    }
    macro_rules! put {
        ($id:expr, $existed:expr, $record:expr) => {{
            let id = $id.unwrap_or_else(Uuid::new_v4);
            match write::put(txn, ctx, id, $record).await {
                Ok(written) => report.count(written, $existed),
                Err(error) => report.errors.extend(line_errors(number, error)?),
            }
        }};
    }
    macro_rules! by_id {
        ($record:expr, $entity:ident) => {{
            let Some(id) = line.id else {
                report.errors.push(missing("id"));
                return Ok(());
            };
            let existed = $entity::Entity::find_by_id(id).one(txn).await?.is_some();
            put!(Some(id), existed, $record)
        }};
    }
    match line.record {
        AnyRecord::Theme(record) => {
            let (id, existed, record) = by_slug!(record, theme);
            put!(id, existed, record)
        }
        AnyRecord::Actor(record) => {
            let (id, existed, record) = by_slug!(record, actor);
            put!(id, existed, record)
        }
        AnyRecord::Funder(record) => {
            let (id, existed, record) = by_slug!(record, funder);
            put!(id, existed, record)
        }
        AnyRecord::Project(record) => {
            let (id, existed, record) = by_slug!(record, project);
            put!(id, existed, record)
        }
        AnyRecord::CaseStudy(record) => {
            let (id, existed, record) = by_slug!(record, case_study);
            put!(id, existed, record)
        }
        AnyRecord::Participation(record) => by_id!(record, participation),
        AnyRecord::Funding(record) => by_id!(record, funding),
        AnyRecord::CaseStudyActor(record) => by_id!(record, case_study_actor),
        AnyRecord::ResourceFlow(record) => by_id!(record, resource_flow),
        AnyRecord::ImpactFigure(record) => by_id!(record, impact_figure),
        AnyRecord::Membership(record) => by_id!(record, membership),
    }
    Ok(())
}

/// Writes a batch of lines in one transaction: actors through the bulk upsert (matched by
/// slug), the other types one by one. Refused lines are reported; a database failure rolls
/// the whole batch back and is returned.
pub async fn import_batch(
    db: &DatabaseConnection,
    ctx: &WriteContext,
    lines: Vec<ImportLine>,
) -> Result<BatchReport, Error> {
    let mut report = BatchReport::default();
    let txn = db.begin_write().await?;
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
            record => others.push(ImportLine {
                line: line.line,
                id: line.id,
                record,
            }),
        }
    }
    for chunk in actors.chunks(upsert_actors::MAX_ITEMS) {
        let numbers: Vec<usize> = chunk.iter().map(|(number, _)| *number).collect();
        let items = chunk.iter().map(|(_, item)| item.clone()).collect();
        let outcome = upsert_actors::upsert_actors(&txn, ctx, MatchBy::Slug, items, None).await?;
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
    for line in others {
        put_one(&txn, ctx, line, &mut report).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// Ids of `E`, in id order, after `after`, at most `limit`.
async fn ids_after<E, C>(
    db: &DatabaseTransaction,
    id_column: C,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, Error>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let mut select = E::find().select_only().column(id_column);
    if let Some(after) = after {
        select = select.filter(id_column.gt(after));
    }
    Ok(select
        .order_by_asc(id_column)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?)
}

/// The next up to `limit` records of `R` after `after`, in id order, as NDJSON lines.
async fn export_page<R, E, C>(
    db: &DatabaseTransaction,
    record_type: RecordType,
    id_column: C,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<(Uuid, serde_json::Value)>, Error>
where
    R: Record + Serialize,
    E: EntityTrait,
    C: ColumnTrait,
{
    let mut lines = Vec::new();
    for id in ids_after::<E, C>(db, id_column, after, limit).await? {
        if let Some(stored) = R::load(db, id).await? {
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
    use RecordType as T;
    let page = match record_type {
        T::Theme => {
            export_page::<ThemeFields, theme::Entity, _>(
                &txn,
                record_type,
                theme::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::Actor => {
            export_page::<ActorFields, actor::Entity, _>(
                &txn,
                record_type,
                actor::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::Funder => {
            export_page::<FunderFields, funder::Entity, _>(
                &txn,
                record_type,
                funder::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::Project => {
            export_page::<ProjectFields, project::Entity, _>(
                &txn,
                record_type,
                project::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::CaseStudy => {
            export_page::<CaseStudyFields, case_study::Entity, _>(
                &txn,
                record_type,
                case_study::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::Participation => {
            export_page::<ParticipationFields, participation::Entity, _>(
                &txn,
                record_type,
                participation::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::Funding => {
            export_page::<FundingFields, funding::Entity, _>(
                &txn,
                record_type,
                funding::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::CaseStudyActor => {
            export_page::<CaseStudyActorFields, case_study_actor::Entity, _>(
                &txn,
                record_type,
                case_study_actor::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::ResourceFlow => {
            export_page::<FlowFields, resource_flow::Entity, _>(
                &txn,
                record_type,
                resource_flow::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::Membership => {
            export_page::<MembershipFields, membership::Entity, _>(
                &txn,
                record_type,
                membership::Column::Id,
                after,
                limit,
            )
            .await
        }
        T::ImpactFigure => {
            export_page::<ImpactFields, impact_figure::Entity, _>(
                &txn,
                record_type,
                impact_figure::Column::Id,
                after,
                limit,
            )
            .await
        }
    }?;
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
