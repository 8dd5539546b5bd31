//! The bundled dataset: `api/seed/dataset.ndjson`, in the format `symbios export` writes
//! (`FORMAT.md` next to it), embedded in the binary and loaded as an import: every line is
//! parsed first, then all are written in one transaction through the same validated writes
//! as mutations and `symbios import` ([`service::transfer::import_whole`]). One refused line
//! rolls the whole load back, and every refusal is reported with its line, field and reason.
//!
//! Invariant: every record carries a fixed id (a UUID v5 of its type and slug, given when the
//! dataset was made), so every install gives the same record the same id. Records already
//! present (by slug, relations by id) are kept as they are, since they may have been edited
//! since, so loading twice writes nothing the second time.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use uuid::Uuid;

use crate::service::access::Principal;
use crate::service::transfer::{self, Existing, ImportLine, LineError};
use crate::service::write::WriteContext;
use crate::service::{self, dataset};

/// The bundled dataset, one record per line.
pub const DATASET: &str = include_str!("../../seed/dataset.ndjson");

/// Namespace of the UUID v5 ids of bundled records.
const NAMESPACE: Uuid = Uuid::from_u128(0x5f1c_2b3e_8d4a_4c6e_9a07_3b51_d2e8_c0a1);

/// The id of a bundled record: UUID v5 of `"<kind>:<key>"` (how the dataset's ids were made;
/// tests use it for records of their own).
pub fn record_id(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{key}").as_bytes())
}

/// What a load added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InsertReport {
    /// Records that were missing and are now written.
    pub inserted: usize,
    /// Records that were present and were kept as they are.
    pub existing: usize,
}

/// One refused line of the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub LineError);

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why the dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Lines were refused; nothing was written.
    #[error("the dataset has {} problem(s), nothing was written:\n{}", .0.len(), list(.0))]
    Invalid(Vec<Problem>),
    /// Writing failed; the transaction was rolled back.
    #[error("failed to write the dataset: {0}")]
    Write(#[from] service::Error),
    /// The database to check the dataset in could not be opened.
    #[error("failed to open a database to check the dataset in: {0}")]
    Check(#[from] sea_orm::DbErr),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("  - {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A parsed dataset.
#[derive(Debug, Clone)]
pub struct Dataset {
    lines: Vec<ImportLine>,
}

impl Dataset {
    /// Parses every line; all lines that do not parse are reported together.
    pub fn parse(text: &str) -> Result<Self, SeedError> {
        let mut lines = Vec::new();
        let mut problems = Vec::new();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match transfer::parse_line(index + 1, line) {
                Ok(parsed) => lines.push(parsed),
                Err(error) => problems.push(Problem(error)),
            }
        }
        if problems.is_empty() {
            Ok(Dataset { lines })
        } else {
            Err(SeedError::Invalid(problems))
        }
    }

    /// The dataset embedded in the binary.
    pub fn bundled() -> Result<Self, SeedError> {
        Self::parse(DATASET)
    }

    /// Numbers of records by type name (`Actor`, `CaseStudy` …).
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for line in &self.lines {
            *counts
                .entry(line.record.record_type().name().to_owned())
                .or_default() += 1;
        }
        counts
    }

    /// Writes the records that are missing, all or nothing (see the module documentation).
    pub async fn load(self, db: &DatabaseConnection) -> Result<InsertReport, SeedError> {
        let ctx = WriteContext {
            principal: Principal::command_line("seed"),
            request_id: None,
            // Microseconds, as both databases store them: a parent written by this load is
            // recognised as such (its time stamp equals this one) and not bumped again.
            at: Utc::now().trunc_subsecs(6),
        };
        let report = transfer::import_whole(db, &ctx, self.lines, Existing::Keep).await?;
        if !report.errors.is_empty() {
            return Err(SeedError::Invalid(
                report.errors.into_iter().map(Problem).collect(),
            ));
        }
        Ok(InsertReport {
            inserted: report.created + report.updated,
            existing: report.unchanged,
        })
    }

    /// Loads the dataset into an empty in-memory database (and drops it): the whole check,
    /// references and unique values included, without touching a real one.
    pub async fn check(self) -> Result<InsertReport, SeedError> {
        self.load(&scratch_database().await?).await
    }
}

/// An empty, migrated SQLite database in memory.
async fn scratch_database() -> Result<DatabaseConnection, sea_orm::DbErr> {
    // One connection: each connection to `sqlite::memory:` is a database of its own.
    let mut options = ConnectOptions::new("sqlite::memory:");
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await?;
    crate::db::migrate_up(&db).await?;
    Ok(db)
}

/// Checks the bundled dataset and writes what is missing.
pub async fn load_bundled(db: &DatabaseConnection) -> Result<InsertReport, SeedError> {
    Dataset::bundled()?.load(db).await
}

/// Loads the bundled dataset when the database holds no records; `None` when it held some.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<Option<InsertReport>, SeedError> {
    if dataset::is_empty(db).await? {
        Ok(Some(load_bundled(db).await?))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(result: Result<InsertReport, SeedError>) -> Vec<LineError> {
        match result {
            Err(SeedError::Invalid(problems)) => {
                problems.into_iter().map(|problem| problem.0).collect()
            }
            other => panic!("expected refused lines, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn bundled_dataset_is_valid_and_complete() {
        let dataset = Dataset::bundled().unwrap();
        let counts = dataset.counts();
        for (name, least) in [
            ("Theme", 10),
            ("Actor", 60),
            ("Funder", 10),
            ("Project", 2),
            ("CaseStudy", 5),
        ] {
            let count = counts.get(name).copied().unwrap_or_default();
            assert!(count >= least, "{name}: {count}");
        }
        let total: usize = counts.values().sum();
        let report = dataset.check().await.unwrap();
        assert_eq!(report.inserted, total);
    }

    #[test]
    fn ids_are_stable() {
        assert_eq!(record_id("actor", "orsted"), record_id("actor", "orsted"));
        assert_ne!(record_id("actor", "orsted"), record_id("funder", "orsted"));
        let orsted = format!("\"id\":\"{}\"", record_id("actor", "orsted"));
        assert!(DATASET.contains(&orsted), "the bundled ids are these");
    }

    #[tokio::test]
    async fn one_bad_line_writes_nothing_and_says_where() {
        let mut lines: Vec<String> = DATASET.lines().map(str::to_owned).collect();
        let actor = lines
            .iter()
            .position(|line| line.contains("\"type\":\"Actor\""))
            .unwrap();
        lines[actor] = lines[actor].replacen("\"country\":\"", "\"country\":\"X", 1);
        let dataset = Dataset::parse(&lines.join("\n")).unwrap();
        let db = scratch_database().await.unwrap();
        let refused = problems(dataset.load(&db).await);
        assert!(
            refused
                .iter()
                .any(|error| error.line == actor + 1 && error.field == "country"),
            "{refused:?}"
        );
        assert!(dataset::is_empty(&db).await.unwrap(), "nothing was written");
    }

    #[tokio::test]
    async fn a_second_load_keeps_records_as_edited_and_writes_nothing() {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        use symbios_entity::{actor, case_study, change_log};

        use crate::service::actor::{ActorFields, ActorPatch};
        use crate::service::case_study::{CaseStudyFields, CaseStudyPatch};
        use crate::service::write;

        let db = scratch_database().await.unwrap();
        let first = load_bundled(&db).await.unwrap();
        let ctx = WriteContext {
            principal: Principal::command_line("test"),
            request_id: None,
            at: Utc::now(),
        };
        let orsted = record_id("actor", "orsted");
        let patch = ActorPatch {
            slug: Some(Some("orsted-renamed".to_owned())),
            name: Some("Ørsted (renamed)".to_owned()),
            ..ActorPatch::default()
        };
        write::update::<ActorFields>(&db, &ctx, orsted, 1, patch)
            .await
            .unwrap();
        let kalundborg = case_study::Entity::find()
            .filter(case_study::Column::Slug.eq("kalundborg-symbiosis"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let patch = CaseStudyPatch {
            slug: Some(Some("kalundborg".to_owned())),
            ..CaseStudyPatch::default()
        };
        write::update::<CaseStudyFields>(&db, &ctx, kalundborg.id, kalundborg.version, patch)
            .await
            .unwrap();
        let changes = change_log::Entity::find().count(&db).await.unwrap();

        let second = load_bundled(&db).await.unwrap();
        assert_eq!(second.inserted, 0, "{second:?}");
        assert_eq!(second.existing, first.inserted);
        assert_eq!(
            change_log::Entity::find().count(&db).await.unwrap(),
            changes
        );
        let renamed = actor::Entity::find_by_id(orsted).one(&db).await.unwrap();
        assert_eq!(
            renamed.map(|row| row.name).as_deref(),
            Some("Ørsted (renamed)")
        );
    }

    #[tokio::test]
    async fn broken_reference_names_line_and_field() {
        let missing = Uuid::nil();
        let mut lines: Vec<String> = DATASET.lines().map(str::to_owned).collect();
        let funding = lines
            .iter()
            .position(|line| line.contains("\"type\":\"Funding\""))
            .unwrap();
        let funder = serde_json::from_str::<serde_json::Value>(&lines[funding]).unwrap()["record"]
            ["funderId"]
            .as_str()
            .unwrap()
            .to_owned();
        lines[funding] = lines[funding].replace(&funder, &missing.to_string());
        let dataset = Dataset::parse(&lines.join("\n")).unwrap();
        let refused = problems(dataset.check().await);
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(
            (refused[0].line, refused[0].field.as_str()),
            (funding + 1, "funderId")
        );
        assert!(refused[0].reason.contains("no funder"), "{refused:?}");
    }

    #[test]
    fn unknown_keys_and_broken_json_are_refused_before_anything_is_written() {
        let text = format!(
            "{}\n{{\"type\":\"Theme\",\"record\":{{\"slug\":\"x\",\"labelz\":[]}}}}\nnot json",
            DATASET.lines().next().unwrap_or_default()
        );
        let Err(SeedError::Invalid(problems)) = Dataset::parse(&text) else {
            panic!("expected problems");
        };
        let lines: Vec<usize> = problems.iter().map(|problem| problem.0.line).collect();
        assert_eq!(lines, [2, 3]);
        let message = SeedError::Invalid(problems).to_string();
        assert!(
            message.contains("line 2: field `labelz`: is not a field"),
            "{message}"
        );
        assert!(message.contains("line 3"), "{message}");
    }
}
