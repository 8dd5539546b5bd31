//! Nested queries are batched: the number of SQL statements does not grow with the page size.

use chrono::Utc;
use serde_json::json;
use symbios::seed::record_id;
use symbios::service::dataset::{Records, insert_missing_records};
use symbios::service::text::fold;
use symbios_entity::vocabulary::{
    CaseStudyKind, CaseStudyRole, CaseStudyStatus, ParticipationRole, ProjectStatus,
};
use symbios_entity::{case_study, case_study_actor, funding, participation, project};

use crate::backend_test;
use crate::common::{TestApp, company, data};

const ACTORS: usize = 30;
const PROJECTS: usize = 10;
const CASE_STUDIES: usize = 25;

/// 25 extra case studies, each with 3 actors, each actor in 2 projects, each project with
/// 2 funders, so that a page of 20 has plenty of nested rows.
fn generated_records() -> Records {
    let now = Utc::now();
    let mut records = Records::default();
    let actor_id = |i: usize| record_id("actor", &format!("load-actor-{i}"));
    let project_id = |i: usize| record_id("project", &format!("load-project-{i}"));
    for i in 0..ACTORS {
        records.actors.push(company(
            actor_id(i),
            format!("load-actor-{i}"),
            format!("Load test actor {i}"),
            "SE",
            now,
        ));
        for offset in 0..2 {
            let project = (i + offset) % PROJECTS;
            records.participations.push(participation::Model {
                id: record_id("participation", &format!("load-{i}-{project}")),
                project_id: project_id(project),
                actor_id: actor_id(i),
                role: ParticipationRole::Partner,
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
    }
    for j in 0..PROJECTS {
        let name = format!("Load test project {j}");
        records.projects.push(project::Model {
            id: project_id(j),
            slug: format!("load-project-{j}"),
            name_folded: fold(&name),
            name,
            acronym: None,
            status: ProjectStatus::Ongoing,
            start_date: None,
            end_date: None,
            website: None,
            total_budget_amount: None,
            total_budget_currency: None,
            eu_contribution_amount: None,
            eu_contribution_currency: None,
            original_lang: "en".to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        });
        for funder in ["erdf", "vinnova"] {
            records.fundings.push(funding::Model {
                id: record_id("funding", &format!("load-{j}-{funder}")),
                funder_id: record_id("funder", funder),
                project_id: project_id(j),
                programme: None,
                programme_kind: None,
                amount: None,
                currency: None,
                period_start: None,
                period_end: None,
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
    }
    for k in 0..CASE_STUDIES {
        let title = format!("Load test case {k:02}");
        let id = record_id("case_study", &format!("load-case-{k}"));
        records.case_studies.push(case_study::Model {
            id,
            slug: format!("load-case-{k}"),
            name_folded: fold(&title),
            title,
            kind: CaseStudyKind::IndustrialPark,
            place: "Testby".to_owned(),
            municipality: None,
            region: None,
            country: "SE".to_owned(),
            nuts_code: None,
            latitude: None,
            longitude: None,
            established_year: Some(2000),
            status: CaseStudyStatus::Active,
            original_lang: "en".to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        });
        for offset in 0..3 {
            let actor = (k + offset) % ACTORS;
            records.case_study_actors.push(case_study_actor::Model {
                id: record_id("case_study_actor", &format!("load-{k}-{actor}")),
                case_study_id: id,
                actor_id: actor_id(actor),
                role: CaseStudyRole::Partner,
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
    }
    records
}

const NESTED: &str = r#"query ($first: Int!) {
  caseStudies(first: $first, filter: { nameContains: "load test case" }) {
    edges { node { title actors { role actor { name projects { role project { name funders { name } } } } } } }
  } }"#;

async fn statements_for(app: &TestApp, first: usize) -> u64 {
    let before = app.statements();
    let (body, _) = app.graphql(NESTED, json!({ "first": first })).await;
    let after = app.statements();
    let edges = data(&body)["caseStudies"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), first);
    for edge in edges {
        let actors = edge["node"]["actors"].as_array().unwrap();
        assert_eq!(actors.len(), 3);
        for role in actors {
            let projects = role["actor"]["projects"].as_array().unwrap();
            assert_eq!(projects.len(), 2);
            for participation in projects {
                assert_eq!(
                    participation["project"]["funders"]
                        .as_array()
                        .unwrap()
                        .len(),
                    2
                );
            }
        }
    }
    after - before
}

backend_test!(nested_query_runs_a_bounded_number_of_statements);
async fn nested_query_runs_a_bounded_number_of_statements(app: &TestApp) {
    insert_missing_records(&app.db, &generated_records(), Utc::now())
        .await
        .unwrap();
    let small = statements_for(app, 2).await;
    let large = statements_for(app, 20).await;
    assert_eq!(small, large, "statements must not grow with the page size");
    // One list query, then one batch per level: case-study actors, actors, participations,
    // projects, fundings, funders.
    assert!(
        large <= 7,
        "{large} statements for 20 case studies with nested relations"
    );
}

const RELATIONS_PLAIN: &str = r#"query ($slug: String!) { caseStudy(slug: $slug) {
  actors { role actor { name kind projects { role project { name acronym } } } }
} }"#;

/// The same selection as [`RELATIONS_PLAIN`], written with a named fragment, an inline
/// fragment and a field selected twice.
const RELATIONS_SHAPED: &str = r#"
fragment ActorName on Actor { name }
query ($slug: String!) { caseStudy(slug: $slug) {
  actors { role }
  actors { actor { ...ActorName ... on Actor { kind } projects { role project { name acronym } } } }
} }"#;

backend_test!(relation_objects_answer_alike_whatever_the_selection_shape);
async fn relation_objects_answer_alike_whatever_the_selection_shape(app: &TestApp) {
    // Plain field lists take a faster path than fragments and repeated fields (`Eager`);
    // both must give the same answer.
    let variables = json!({ "slug": "orkanger-industrial-park" });
    let (plain, _) = app.graphql(RELATIONS_PLAIN, variables.clone()).await;
    let (shaped, _) = app.graphql(RELATIONS_SHAPED, variables.clone()).await;
    assert!(plain.get("errors").is_none(), "{plain}");
    let actors = data(&plain)["caseStudy"]["actors"].as_array().unwrap();
    assert!(actors.len() >= 5, "{plain}");
    assert!(
        actors
            .iter()
            .any(|role| !role["actor"]["projects"].as_array().unwrap().is_empty()),
        "{plain}"
    );
    assert_eq!(data(&plain), data(&shaped));

    let (typed, _) = app
        .graphql(
            r#"query ($slug: String!) { caseStudy(slug: $slug) {
              actors { __typename actor { __typename name } } } }"#,
            variables,
        )
        .await;
    for role in data(&typed)["caseStudy"]["actors"].as_array().unwrap() {
        assert_eq!(role["__typename"], "CaseStudyActor");
        assert_eq!(role["actor"]["__typename"], "Actor");
    }
}

backend_test!(an_error_inside_a_relation_object_names_its_path);
async fn an_error_inside_a_relation_object_names_its_path(app: &TestApp) {
    let (body, _) = app
        .graphql(
            r#"{ caseStudy(slug: "kalundborg-symbiosis") {
              flows { resource description(lang: "!!") { text } } } }"#,
            json!({}),
        )
        .await;
    let flows = body["data"]["caseStudy"]["flows"].as_array().unwrap();
    assert!(!flows.is_empty(), "{body}");
    assert!(
        flows.iter().all(|flow| flow["resource"].is_string()),
        "{body}"
    );
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), flows.len(), "one error per flow: {body}");
    assert_eq!(
        errors[0]["path"],
        json!(["caseStudy", "flows", 0, "description"])
    );
    assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT");
}

backend_test!(role_lists_link_each_row_to_its_own_records);
async fn role_lists_link_each_row_to_its_own_records(app: &TestApp) {
    // A role list loads the records its rows point to in the same round as the rows, and
    // hands its parent to the rows that point back to it: each row must still get the
    // records it names, in both directions.
    let (body, _) = app
        .graphql(
            r#"query ($slug: String!) { caseStudy(slug: $slug) { slug actors {
              caseStudy { slug }
              actor { slug
                caseStudies { caseStudy { slug } actor { slug } }
                projects { actor { slug } project { slug participants { actor { slug } project { slug } } } } }
            } } }"#,
            json!({ "slug": "orkanger-industrial-park" }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let case_study = &data(&body)["caseStudy"];
    let slugs = |list: &serde_json::Value, path: [&str; 2]| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|item| item[path[0]][path[1]].as_str().unwrap().to_owned())
            .collect()
    };
    let roles = &case_study["actors"];
    assert!(roles.as_array().unwrap().len() >= 5, "{body}");
    let mut projects_seen = 0;
    for role in roles.as_array().unwrap() {
        assert_eq!(role["caseStudy"]["slug"], case_study["slug"]);
        let actor = &role["actor"];
        let actor_slug = actor["slug"].as_str().unwrap().to_owned();
        assert!(
            slugs(&actor["caseStudies"], ["actor", "slug"])
                .iter()
                .all(|slug| *slug == actor_slug)
        );
        assert!(
            slugs(&actor["caseStudies"], ["caseStudy", "slug"])
                .contains(&case_study["slug"].as_str().unwrap().to_owned()),
            "{actor}"
        );
        for participation in actor["projects"].as_array().unwrap() {
            projects_seen += 1;
            assert_eq!(participation["actor"]["slug"], actor["slug"]);
            let project = &participation["project"];
            let participants = &project["participants"];
            assert!(
                slugs(participants, ["project", "slug"])
                    .iter()
                    .all(|slug| project["slug"] == slug.as_str())
            );
            assert!(
                slugs(participants, ["actor", "slug"]).contains(&actor_slug),
                "{project}"
            );
        }
    }
    assert!(projects_seen > 0, "{body}");
}
