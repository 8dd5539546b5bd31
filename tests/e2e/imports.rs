//! Imports write new relations in bulk: the same records, refusals and log as line by line,
//! in a few statements for the whole batch.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use symbios::service::access::Principal;
use symbios::service::transfer::{self, BatchReport, ImportLine, LineError, RecordType};
use symbios::service::write::WriteContext;
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{change_log, project};
use uuid::Uuid;

use crate::backend_test;
use crate::common::{Backend, TestApp, spawn_app};

/// The parents every relation line below refers to: the import format's example lines up to
/// the case study (a theme, two actors, a funder, a project, a case study).
const PROJECT: &str = "6f1c2d3e-0000-4000-8000-000000000004";
const CASE_STUDY: &str = "6f1c2d3e-0000-4000-8000-000000000005";
const COMPANY: &str = "6f1c2d3e-0000-4000-8000-000000000001";
const PERSON: &str = "6f1c2d3e-0000-4000-8000-000000000002";
const FUNDER: &str = "6f1c2d3e-0000-4000-8000-000000000003";
const NOBODY: &str = "6f1c2d3e-0000-4000-8000-0000000000ff";

/// The import format's example lines up to the case study (a theme, two actors, a funder, a
/// project, a case study), then more of the types with slugs, with refused lines among them
/// and a case study whose slug an earlier line holds.
fn parent_lines() -> Vec<String> {
    let mut lines: Vec<String> = transfer::EXAMPLE_LINES
        .lines()
        .take(6)
        .map(str::to_owned)
        .collect();
    let mut line = |record_type: &str, number: usize, record: Value| {
        lines.push(json!({ "type": record_type, "id": id(number), "record": record }).to_string());
    };
    for number in 100..105 {
        line(
            "Project",
            number,
            json!({
                "slug": format!("project-{number}"), "name": format!("Project {number}"), "status": "ONGOING",
                "originalLang": "sv", "summary": [{ "lang": "sv", "text": format!("Projekt {number}.") }],
                "themes": ["waste-heat"],
            }),
        );
    }
    // Refused: no such theme.
    line(
        "Project",
        105,
        json!({ "slug": "project-105", "name": "P", "status": "ONGOING", "originalLang": "sv", "themes": ["no-such-theme"] }),
    );
    for number in 110..113 {
        line(
            "Funder",
            number,
            json!({ "name": format!("Fund {number}"), "kind": "FOUNDATION", "country": "SE", "originalLang": "sv", "actorId": COMPANY }),
        );
    }
    // Refused: no such actor.
    line(
        "Funder",
        113,
        json!({ "name": "Fund 113", "kind": "FOUNDATION", "country": "SE", "originalLang": "sv", "actorId": NOBODY }),
    );
    let case_study = |slug: &str, project: String| {
        json!({
            "slug": slug, "title": format!("Case {slug}"), "kind": "INDUSTRIAL_SYMBIOSIS_NETWORK",
            "place": "Lysekil", "country": "SE", "status": "ACTIVE", "originalLang": "sv",
            "summary": [{ "lang": "sv", "text": format!("Fallet {slug}.") }, { "lang": "en", "text": "A case." }],
            "themes": ["waste-heat"], "projectIds": [project],
            "sources": [{ "title": "Report", "url": format!("https://example.org/{slug}") }],
        })
    };
    for number in 120..125 {
        line(
            "CaseStudy",
            number,
            case_study(&format!("case-{number}"), id(number - 20)),
        );
    }
    // Refused: no such project.
    line("CaseStudy", 125, case_study("case-125", NOBODY.to_owned()));
    // The slug of the line before last but four: replaces that case study.
    line("CaseStudy", 126, case_study("case-120", id(104)));
    lines
}

fn id(number: usize) -> String {
    format!("7a000000-0000-4000-8000-{number:012}")
}

/// Relation lines of every type, each type in a run of its own as exports write them, with
/// refused lines among them, a repeated id and memberships (which are written one by one).
fn relation_lines() -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = |record_type: &str, number: usize, record: Value| {
        lines.push(json!({ "type": record_type, "id": id(number), "record": record }).to_string());
    };
    let roles = [
        "LEAD",
        "PARTNER",
        "CO_FINANCER",
        "STEERING_GROUP",
        "RESEARCH",
    ];
    for (number, role) in roles.iter().enumerate() {
        line(
            "Participation",
            number,
            json!({ "projectId": PROJECT, "actorId": COMPANY, "role": role }),
        );
    }
    // Refused: the project does not exist.
    line(
        "Participation",
        10,
        json!({ "projectId": NOBODY, "actorId": COMPANY, "role": "LEAD" }),
    );
    // The same id again: replaces the first line's participation.
    line(
        "Participation",
        0,
        json!({ "projectId": PROJECT, "actorId": PERSON, "role": "LEAD" }),
    );
    for number in 20..32 {
        line(
            "Funding",
            number,
            json!({
                "funderId": FUNDER, "projectId": PROJECT, "programme": format!("Call {number}"),
                "amount": number * 1000, "currency": "EUR",
            }),
        );
    }
    // Refused on its own: the period ends before it starts.
    line(
        "Funding",
        32,
        json!({
            "funderId": FUNDER, "projectId": PROJECT, "periodStart": "2025-01-01", "periodEnd": "2024-01-01",
        }),
    );
    for (number, role) in ["SUPPLIER", "RECEIVER", "OPERATOR"].iter().enumerate() {
        line(
            "CaseStudyActor",
            40 + number,
            json!({ "caseStudyId": CASE_STUDY, "actorId": COMPANY, "role": role }),
        );
    }
    // Refused: another line gives this actor this role in this case study (a unique key).
    line(
        "CaseStudyActor",
        43,
        json!({ "caseStudyId": CASE_STUDY, "actorId": COMPANY, "role": "SUPPLIER" }),
    );
    for number in 50..70 {
        line(
            "ResourceFlow",
            number,
            json!({
                "caseStudyId": CASE_STUDY, "fromActorId": COMPANY,
                "toActorId": if number % 2 == 0 { Value::from(PERSON) } else { Value::Null },
                "resource": format!("Damp {number}"), "resourceLang": "da",
                "resourceTranslations": [{ "lang": "en", "text": format!("Steam {number}") }],
                "category": "ENERGY", "quantity": number, "unit": "GWh/yr", "year": 2024,
                "status": "ACTIVE", "originalLang": "en",
                "description": [{ "lang": "en", "text": format!("Steam to the plant next door, {number}.") }],
            }),
        );
    }
    // Refused: the receiving actor does not exist.
    line(
        "ResourceFlow",
        70,
        json!({
            "caseStudyId": CASE_STUDY, "fromActorId": COMPANY, "toActorId": NOBODY, "resource": "Gypsum",
            "category": "MATERIAL", "status": "ACTIVE", "originalLang": "en",
        }),
    );
    for number in 80..85 {
        line(
            "ImpactFigure",
            number,
            json!({
                "caseStudyId": CASE_STUDY, "metric": format!("metric_{number}"), "value": number, "unit": "t/yr",
            }),
        );
    }
    line(
        "Membership",
        90,
        json!({ "personId": PERSON, "organisationId": COMPANY, "title": "Plant manager" }),
    );
    // Refused by the membership's own check: the member is not a person.
    line(
        "Membership",
        91,
        json!({ "personId": COMPANY, "organisationId": PERSON }),
    );
    lines
}

fn parsed(lines: &[String], first: usize) -> Vec<ImportLine> {
    lines
        .iter()
        .enumerate()
        .map(|(index, text)| transfer::parse_line(first + index, text).unwrap())
        .collect()
}

fn context() -> WriteContext {
    WriteContext {
        principal: Principal::command_line("import"),
        request_id: None,
        at: chrono::Utc::now(),
    }
}

fn refusals(report: &BatchReport) -> Vec<String> {
    report.errors.iter().map(LineError::to_string).collect()
}

/// The records these lines write, as `symbios export` writes them.
async fn records(db: &sea_orm::DatabaseConnection) -> Vec<(Uuid, Value)> {
    let mut records = Vec::new();
    for record_type in RecordType::ALL {
        records.extend(
            transfer::export(db, *record_type, None, 1000)
                .await
                .unwrap(),
        );
    }
    // Not the bundled dataset's.
    records.retain(|(id, _)| {
        let id = id.to_string();
        id.starts_with("7a000000-") || id.starts_with("6f1c2d3e-")
    });
    records
}

/// Imports `lines` (numbered from `first`) into `batched` as one batch and into `one_by_one`
/// a line a batch; the two reports.
async fn import_both_ways(
    (batched, one_by_one): (&TestApp, &TestApp),
    lines: &[String],
    first: usize,
) -> (BatchReport, BatchReport) {
    let batch = transfer::import_batch(&batched.db, &context(), parsed(lines, first))
        .await
        .unwrap();
    let mut single = BatchReport::default();
    for line in parsed(lines, first) {
        let report = transfer::import_batch(&one_by_one.db, &context(), vec![line])
            .await
            .unwrap();
        single.created += report.created;
        single.updated += report.updated;
        single.unchanged += report.unchanged;
        single.errors.extend(report.errors);
    }
    (batch, single)
}

/// Asserts that the refusals are `expected` (each a line's number and the start of what it
/// says), the same both ways, and that the counts are the same.
fn assert_same_reports(
    (batch, single): (&BatchReport, &BatchReport),
    expected: &[(usize, String)],
) {
    let said = refusals(batch);
    assert_eq!(said.len(), expected.len(), "{said:#?}");
    for (said, (line, expected)) in said.iter().zip(expected) {
        let expected = format!("line {line}: field {expected}");
        assert!(said.starts_with(&expected), "{said}\n  want: {expected}");
    }
    assert_eq!(said, refusals(single));
    assert_eq!(
        (batch.created, batch.updated),
        (single.created, single.updated)
    );
}

backend_test!(a_batch_writes_what_line_by_line_writes, each backend);
async fn a_batch_writes_what_line_by_line_writes(backend: Backend) {
    let batched = spawn_app(backend).await;
    let one_by_one = spawn_app(backend).await;
    let apps = (&batched, &one_by_one);

    let parents = parent_lines();
    let reports = import_both_ways(apps, &parents, 1).await;
    let expected = [
        (12, "`themes`: there is no theme `no-such-theme`".to_owned()),
        (16, format!("`actorId`: there is no actor {NOBODY}")),
        (22, format!("`projectIds`: there is no project {NOBODY}")),
    ];
    assert_same_reports((&reports.0, &reports.1), &expected);
    assert_eq!(reports.0.updated, 1, "case-120, by its slug");

    let lines = relation_lines();
    let first = parents.len() + 1;
    let (batch, single) = import_both_ways(apps, &lines, first).await;
    let expected = [
        (
            first + 5,
            format!("`projectId`: there is no project {NOBODY}"),
        ),
        (first + 19, "`periodEnd`: ".to_owned()),
        (
            first + 23,
            format!(
                "`role`: the CaseStudyActor {} has the same caseStudyId, actorId, role already",
                id(40)
            ),
        ),
        (
            first + 44,
            format!("`toActorId`: there is no actor {NOBODY}"),
        ),
        (
            first + 51,
            "`personId`: is not an actor of kind PERSON".to_owned(),
        ),
    ];
    assert_same_reports((&batch, &single), &expected);
    assert_eq!((batch.created, batch.updated), (lines.len() - 6, 1));

    // The same records.
    let written = records(&batched.db).await;
    // Neither the theme (matched by slug), the refused lines nor the repeated slug and id.
    assert_eq!(written.len(), parents.len() - 5 + lines.len() - 6);
    assert_eq!(written, records(&one_by_one.db).await);
    let replaced = written
        .iter()
        .find(|(written, _)| written.to_string() == id(120));
    assert_eq!(
        replaced.unwrap().1["record"]["projectIds"],
        json!([id(104)]),
        "the later line with the slug replaced the case study"
    );

    // One log row per relation written, and the parents bumped once for the batch.
    let logged = |entity_type: EntityType| {
        change_log::Entity::find()
            .filter(change_log::Column::EntityType.eq(entity_type))
            .all(&batched.db)
    };
    let flows = logged(EntityType::ResourceFlow).await.unwrap();
    let ours = flows
        .iter()
        .filter(|change| change.entity_id.to_string().starts_with("7a000000-"));
    assert_eq!(ours.count(), 20);
    let project_id = Uuid::parse_str(PROJECT).unwrap();
    let project = project::Entity::find_by_id(project_id)
        .one(&batched.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(project.version, 2, "created, then bumped once by the batch");
    let project_log: Vec<i32> = logged(EntityType::Project)
        .await
        .unwrap()
        .into_iter()
        .filter(|change| change.entity_id == project_id)
        .map(|change| change.version)
        .collect();
    assert_eq!(project_log, [1, 2]);

    batched.stop().await;
    one_by_one.stop().await;
}

/// `count` new flows of the example case study, numbered from `from`.
fn flow_lines(from: usize, count: usize) -> Vec<String> {
    (from..from + count)
        .map(|number| {
            json!({ "type": "ResourceFlow", "id": id(number), "record": {
                "caseStudyId": CASE_STUDY, "fromActorId": COMPANY, "toActorId": PERSON,
                "resource": format!("Damp {number}"), "resourceLang": "da",
                "resourceTranslations": [{ "lang": "en", "text": format!("Steam {number}") }],
                "category": "ENERGY", "status": "ACTIVE", "originalLang": "en",
                "description": [{ "lang": "en", "text": format!("Steam, {number}.") }],
            }})
            .to_string()
        })
        .collect()
}

backend_test!(new_relations_take_the_same_statements_for_any_batch_size);
async fn new_relations_take_the_same_statements_for_any_batch_size(app: &TestApp) {
    let parents = parent_lines();
    transfer::import_batch(&app.db, &context(), parsed(&parents, 1))
        .await
        .unwrap();
    let mut statements = Vec::new();
    // 300 flows still fit one statement per step (rows, texts, lookups), as 10 do.
    for (from, count) in [(1000, 10), (2000, 300)] {
        let before = app.statements();
        let report =
            transfer::import_batch(&app.db, &context(), parsed(&flow_lines(from, count), 1))
                .await
                .unwrap();
        assert_eq!((report.created, report.errors.len()), (count, 0));
        statements.push(app.statements() - before);
    }
    assert_eq!(
        statements[0], statements[1],
        "statements for 10 and for 300 flows"
    );
    // A flow alone, written one by one, takes as many as the whole batch.
    let before = app.statements();
    transfer::import_batch(&app.db, &context(), parsed(&flow_lines(3000, 1), 1))
        .await
        .unwrap();
    let one = app.statements() - before;
    assert!(statements[0] <= one, "batch {statements:?}, one flow {one}");
}

backend_test!(a_bulk_write_leaves_the_database_ready_to_read);
/// What `symbios import` does after its last line: on PostgreSQL fresh planner statistics
/// (without them a batched read of a table that grew from nothing is planned as a scan of the
/// whole table), on SQLite an empty write-ahead log.
async fn a_bulk_write_leaves_the_database_ready_to_read(app: &TestApp) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    symbios::db::after_bulk_write(&app.db).await;
    let backend = app.db.get_database_backend();
    let (question, expected) = match backend {
        DbBackend::Postgres => (
            "SELECT count(*) FROM pg_stat_user_tables \
             WHERE relname = 'localized_text' AND last_analyze IS NOT NULL",
            1,
        ),
        // The second column: frames in the log.
        _ => ("PRAGMA wal_checkpoint(PASSIVE)", 0),
    };
    let row = app
        .db
        .query_one_raw(Statement::from_string(backend, question))
        .await
        .unwrap()
        .unwrap();
    let answer: i64 = match backend {
        DbBackend::Postgres => row.try_get_by_index(0).unwrap(),
        _ => row.try_get_by_index(1).unwrap(),
    };
    assert_eq!(answer, expected, "{question}");
}
