//! Loads the peer harness's generated dataset (`../shared/peers/gen_data.py N` →
//! `data/nN/*.ndjson`) into a Symbios database, so that Symbios and PostGraphile can be
//! measured on the same data. Benchmark tooling, not a product feature: the product's
//! import (`symbios import`) takes records in the shape of the mutations.
//!
//!     cargo run --release -p symbios --example load_peers -- ../shared/peers/data/n10000 DATA_DIR
//!
//! With `SYMBIOS_DATABASE_URL` set, the records go to that database instead of DATA_DIR's
//! SQLite file.
//!
//! Record ids are UUID v5 of the peer's text ids; languages `no` become `nb`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::BufRead;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use serde_json::Value;
use symbios::config::Settings;
use symbios::service::dataset::{Records, insert_missing_records};
use symbios::service::text::fold;
use symbios_entity::vocabulary::{
    ActorKind, CaseStudyKind, CaseStudyRole, CaseStudyStatus, EntityType, FunderKind,
    ParticipationRole, ProjectStatus,
};
use symbios_entity::{
    actor, case_study, case_study_actor, funder, funding, localized_text, participation, project,
};
use uuid::Uuid;

const NAMESPACE: Uuid = Uuid::from_u128(0x9e1c_44a0_3b7d_4f2e_8c55_6d1a_0b9f_e372);

fn id(text: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, text.as_bytes())
}

fn rows(folder: &Path, table: &str) -> Vec<Value> {
    let file = std::fs::File::open(folder.join(format!("{table}.ndjson"))).expect("ndjson file");
    std::io::BufReader::new(file)
        .lines()
        .map(|line| serde_json::from_str(&line.expect("line")).expect("JSON line"))
        .collect()
}

fn text(row: &Value, key: &str) -> String {
    row[key].as_str().unwrap_or_default().to_owned()
}

fn lang(row: &Value) -> String {
    match row["lang"].as_str().unwrap_or("en") {
        "no" => "nb".to_owned(),
        other => other.to_owned(),
    }
}

fn localized(
    rows: &mut Vec<localized_text::Model>,
    entity_type: EntityType,
    entity_id: Uuid,
    field: &str,
    lang: &str,
    value: &str,
) {
    if !value.is_empty() {
        rows.push(localized_text::Model {
            entity_type,
            entity_id,
            field: field.to_owned(),
            lang: lang.to_owned(),
            text: value.to_owned(),
            is_original: true,
        });
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let folder = PathBuf::from(
        args.next()
            .expect("usage: load_peers NDJSON_FOLDER DATA_DIR"),
    );
    let data_dir = PathBuf::from(
        args.next()
            .expect("usage: load_peers NDJSON_FOLDER DATA_DIR"),
    );
    // SYMBIOS_DATABASE_URL loads PostgreSQL instead of DATA_DIR's SQLite file.
    let settings = Settings {
        data_dir,
        database_url: std::env::var("SYMBIOS_DATABASE_URL").ok(),
        ..Settings::default()
    };
    let (db, _) = symbios::db::connect(&settings).await.expect("database");
    symbios::db::migrate_up(&db).await.expect("migrations");
    let now = Utc::now();
    let started = std::time::Instant::now();
    let mut records = Records::default();

    for row in rows(&folder, "actor") {
        let actor_id = id(&text(&row, "id"));
        let name = text(&row, "name");
        let kind = match row["kind"].as_str().unwrap_or_default() {
            "municipality" => ActorKind::Municipality,
            "region" => ActorKind::Region,
            "university" => ActorKind::University,
            "research_institute" => ActorKind::ResearchInstitute,
            "cluster" => ActorKind::Cluster,
            "ngo" => ActorKind::Ngo,
            "consultancy" => ActorKind::Consultancy,
            "agency" => ActorKind::Agency,
            "person" => ActorKind::Person,
            _ => ActorKind::Company,
        };
        let language = lang(&row);
        localized(
            &mut records.texts,
            EntityType::Actor,
            actor_id,
            "description",
            &language,
            &text(&row, "description"),
        );
        records.actors.push(actor::Model {
            id: actor_id,
            slug: text(&row, "id"),
            name_folded: fold(&name),
            name,
            kind,
            country: text(&row, "country"),
            nuts_code: None,
            website: row["website"].as_str().map(str::to_owned),
            original_lang: language,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    for row in rows(&folder, "funder") {
        let name = text(&row, "name");
        let kind = match row["kind"].as_str().unwrap_or_default() {
            "eu" | "nordic" => FunderKind::EuFund,
            "national_agency" => FunderKind::NationalAgency,
            "regional" => FunderKind::Region,
            "municipal" => FunderKind::Municipality,
            "foundation" => FunderKind::Foundation,
            _ => FunderKind::Private,
        };
        records.funders.push(funder::Model {
            id: id(&text(&row, "id")),
            slug: text(&row, "id"),
            name_folded: fold(&name),
            name,
            kind,
            country: text(&row, "country"),
            actor_id: None,
            website: None,
            original_lang: "en".to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    for row in rows(&folder, "project") {
        let project_id = id(&text(&row, "id"));
        let name = text(&row, "name");
        let language = lang(&row);
        let date = |key: &str| {
            row[key]
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        };
        localized(
            &mut records.texts,
            EntityType::Project,
            project_id,
            "summary",
            &language,
            &text(&row, "summary"),
        );
        records.projects.push(project::Model {
            id: project_id,
            slug: text(&row, "id"),
            name_folded: fold(&name),
            name,
            acronym: row["acronym"].as_str().map(str::to_owned),
            status: match row["status"].as_str().unwrap_or_default() {
                "planned" => ProjectStatus::Planned,
                "completed" => ProjectStatus::Completed,
                _ => ProjectStatus::Ongoing,
            },
            start_date: date("start_date"),
            end_date: date("end_date"),
            website: None,
            total_budget_amount: None,
            total_budget_currency: None,
            eu_contribution_amount: None,
            eu_contribution_currency: None,
            original_lang: language,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    for row in rows(&folder, "case_study") {
        let case_id = id(&text(&row, "id"));
        let title = text(&row, "title");
        let language = lang(&row);
        localized(
            &mut records.texts,
            EntityType::CaseStudy,
            case_id,
            "summary",
            &language,
            &text(&row, "summary"),
        );
        localized(
            &mut records.texts,
            EntityType::CaseStudy,
            case_id,
            "body",
            &language,
            &text(&row, "body"),
        );
        records.case_studies.push(case_study::Model {
            id: case_id,
            slug: text(&row, "id"),
            name_folded: fold(&title),
            title,
            kind: CaseStudyKind::IndustrialSymbiosisNetwork,
            place: row["location"].as_str().unwrap_or("unknown").to_owned(),
            municipality: None,
            region: None,
            country: text(&row, "country"),
            nuts_code: None,
            latitude: row["lat"].as_f64(),
            longitude: row["lon"].as_f64(),
            established_year: row["established_year"]
                .as_i64()
                .and_then(|y| i32::try_from(y).ok()),
            status: CaseStudyStatus::Active,
            original_lang: language,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    for row in rows(&folder, "case_study_actor") {
        let key = format!("{}:{}", text(&row, "case_study_id"), text(&row, "actor_id"));
        records.case_study_actors.push(case_study_actor::Model {
            id: id(&key),
            case_study_id: id(&text(&row, "case_study_id")),
            actor_id: id(&text(&row, "actor_id")),
            role: match row["role"].as_str().unwrap_or_default() {
                "supplier" => CaseStudyRole::Supplier,
                "receiver" => CaseStudyRole::Receiver,
                "operator" => CaseStudyRole::Operator,
                "facilitator" => CaseStudyRole::Facilitator,
                "researcher" => CaseStudyRole::Researcher,
                _ => CaseStudyRole::Partner,
            },
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    for row in rows(&folder, "participation") {
        let key = format!("{}:{}", text(&row, "project_id"), text(&row, "actor_id"));
        records.participations.push(participation::Model {
            id: id(&key),
            project_id: id(&text(&row, "project_id")),
            actor_id: id(&text(&row, "actor_id")),
            role: match row["role"].as_str().unwrap_or_default() {
                "lead" => ParticipationRole::Lead,
                "co_financer" => ParticipationRole::CoFinancer,
                "steering_group" => ParticipationRole::SteeringGroup,
                "researcher" => ParticipationRole::Research,
                _ => ParticipationRole::Partner,
            },
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    for row in rows(&folder, "funding") {
        let key = format!("{}:{}", text(&row, "project_id"), text(&row, "funder_id"));
        records.fundings.push(funding::Model {
            id: id(&key),
            funder_id: id(&text(&row, "funder_id")),
            project_id: id(&text(&row, "project_id")),
            programme: row["programme"].as_str().map(str::to_owned),
            programme_kind: None,
            amount: row["amount"]
                .as_f64()
                .or_else(|| row["amount"].as_str().and_then(|a| a.parse().ok())),
            currency: row["currency"].as_str().map(str::to_owned),
            period_start: None,
            period_end: None,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    let report = insert_missing_records(&db, &records, now)
        .await
        .expect("insert");
    // As `symbios import` does, and as the peers' loader does for PostGraphile (VACUUM
    // ANALYZE): without statistics PostgreSQL plans the batched reads for empty tables.
    symbios::db::after_bulk_write(&db).await;
    println!(
        "loaded {} records ({} case studies, {} projects, {} actors, {} funders) in {:.1} s",
        report.inserted,
        records.case_studies.len(),
        records.projects.len(),
        records.actors.len(),
        records.funders.len(),
        started.elapsed().as_secs_f64()
    );
}
