//! The bundled dataset: five JSON files embedded in the binary (`api/seed/`), checked as a
//! whole before anything is written, then inserted through [`service::dataset`].
//!
//! Invariant: every record gets a UUID v5 derived from its type and slug, so every install
//! gives the same record the same id, and loading twice inserts nothing the second time.

mod build;
mod model;

use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::DatabaseConnection;
use serde::de::DeserializeOwned;

pub use build::{build_records, record_id};
use model::{ActorRecord, CaseStudyRecord, FunderRecord, ProjectRecord, ThemeRecord};

use crate::service::{self, dataset::InsertReport};

/// The parsed bundled dataset.
#[derive(Debug)]
pub struct Dataset {
    themes: Vec<ThemeRecord>,
    actors: Vec<ActorRecord>,
    funders: Vec<FunderRecord>,
    projects: Vec<ProjectRecord>,
    case_studies: Vec<CaseStudyRecord>,
}

/// One problem found in the dataset: the file, the record and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File name, e.g. `actors.json`.
    pub file: &'static str,
    /// Slug of the record (or the position where the JSON broke).
    pub record: String,
    /// The field, e.g. `country` or `flows[2].to`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: record `{}`: field `{}`: {}",
            self.file, self.record, self.field, self.reason
        )
    }
}

/// Why the dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The files are malformed or inconsistent; nothing was written.
    #[error("the dataset has {} problem(s), nothing was written:\n{}", .0.len(), list(.0))]
    Invalid(Vec<Problem>),
    /// Writing failed; the transaction was rolled back.
    #[error("failed to write the dataset: {0}")]
    Write(#[from] service::Error),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("  - {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The dataset files, by name.
pub const FILES: [(&str, &str); 5] = [
    ("themes.json", include_str!("../../seed/themes.json")),
    ("actors.json", include_str!("../../seed/actors.json")),
    ("funders.json", include_str!("../../seed/funders.json")),
    ("projects.json", include_str!("../../seed/projects.json")),
    (
        "case_studies.json",
        include_str!("../../seed/case_studies.json"),
    ),
];

fn parse<T: DeserializeOwned>(
    file: &'static str,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    match serde_json::from_str(text) {
        Ok(records) => records,
        Err(error) => {
            problems.push(Problem {
                file,
                record: format!("line {} column {}", error.line(), error.column()),
                field: "-".to_owned(),
                reason: error.to_string(),
            });
            Vec::new()
        }
    }
}

impl Dataset {
    /// Parses the five files given as (name, text) in the order of [`FILES`].
    pub fn parse(files: &[(&'static str, &str); 5]) -> Result<Self, SeedError> {
        let mut problems = Vec::new();
        let [themes, actors, funders, projects, case_studies] = files;
        let dataset = Dataset {
            themes: parse(themes.0, themes.1, &mut problems),
            actors: parse(actors.0, actors.1, &mut problems),
            funders: parse(funders.0, funders.1, &mut problems),
            projects: parse(projects.0, projects.1, &mut problems),
            case_studies: parse(case_studies.0, case_studies.1, &mut problems),
        };
        if problems.is_empty() {
            Ok(dataset)
        } else {
            Err(SeedError::Invalid(problems))
        }
    }

    /// The dataset embedded in the binary.
    pub fn bundled() -> Result<Self, SeedError> {
        Self::parse(&FILES)
    }

    /// Numbers of records per file: themes, actors, funders, projects, case studies.
    pub fn counts(&self) -> [usize; 5] {
        [
            self.themes.len(),
            self.actors.len(),
            self.funders.len(),
            self.projects.len(),
            self.case_studies.len(),
        ]
    }
}

/// Checks the bundled dataset and inserts what is missing; see [`service::dataset`].
pub async fn load_bundled(db: &DatabaseConnection) -> Result<InsertReport, SeedError> {
    let dataset = Dataset::bundled()?;
    let now: DateTime<Utc> = Utc::now().trunc_subsecs(6);
    let records = build_records(&dataset, now).map_err(SeedError::Invalid)?;
    Ok(service::dataset::insert_missing_records(db, &records, now).await?)
}

/// Loads the bundled dataset when the database holds no records; `None` when it held some.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<Option<InsertReport>, SeedError> {
    if service::dataset::is_empty(db).await? {
        Ok(Some(load_bundled(db).await?))
    } else {
        Ok(None)
    }
}
