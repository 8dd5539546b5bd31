//! Single-record lookups and navigation of every relation in both directions.

use serde_json::json;

use crate::backend_test;
use crate::common::{TestApp, data, texts_at};

const KALUNDBORG: &str = r#"
query ($slug: String!) {
  caseStudy(slug: $slug) {
    id slug title kind status country establishedYear originalLang
    location { place country latitude longitude }
    summary(lang: "en") { text lang original originalLang }
    themes { slug label(lang: "da") { text lang } }
    actors { role actor { slug name kind country } }
    flows { resource category quantity unit status from { slug } to { slug } caseStudy { slug } }
    impacts { metric value unit note caseStudy { slug } }
    sources { url title accessed caseStudy { slug } }
    projects { slug }
    version createdAt updatedAt
  }
}"#;

backend_test!(kalundborg_with_actors_flows_and_impacts);
async fn kalundborg_with_actors_flows_and_impacts(app: &TestApp) {
    let (body, status) = app
        .graphql(KALUNDBORG, json!({ "slug": "kalundborg-symbiosis" }))
        .await;
    assert_eq!(status, 200);
    let case = &data(&body)["caseStudy"];
    assert_eq!(case["country"], "DK");
    assert_eq!(case["establishedYear"], 1972);
    assert_eq!(case["location"]["place"], "Kalundborg");
    assert!((case["location"]["latitude"].as_f64().unwrap() - 55.68).abs() < 0.05);
    assert_eq!(case["originalLang"], "da");
    assert_eq!(case["summary"]["lang"], "en");
    assert_eq!(case["summary"]["original"], false);
    assert_eq!(case["version"], 1);

    let actor_slugs = texts_at(&case["actors"], "/actor/slug");
    for expected in ["orsted", "novo-nordisk", "kalundborg-kommune"] {
        assert!(
            actor_slugs.contains(&expected),
            "{expected} in {actor_slugs:?}"
        );
    }

    let flows = case["flows"].as_array().unwrap();
    assert!(flows.len() >= 4, "{flows:#?}");
    let gypsum = flows
        .iter()
        .find(|flow| {
            flow["resource"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("gypsum")
        })
        .expect("gypsum flow");
    assert_eq!(gypsum["category"], "BY_PRODUCT");
    assert_eq!(gypsum["unit"], "t/yr");
    let quantity = gypsum["quantity"].as_f64().unwrap();
    assert!((150_000.0..=200_000.0).contains(&quantity));
    assert_eq!(gypsum["from"]["slug"], "orsted");
    assert_eq!(gypsum["caseStudy"]["slug"], "kalundborg-symbiosis");
    let categories: Vec<&str> = flows
        .iter()
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    assert!(categories.contains(&"WATER") && categories.contains(&"ENERGY"));

    let impacts = case["impacts"].as_array().unwrap();
    let co2 = impacts
        .iter()
        .find(|i| i["metric"] == "co2_saved")
        .expect("CO2 figure");
    assert_eq!(co2["value"], 635_000.0);
    let money = impacts
        .iter()
        .find(|i| i["metric"] == "cost_saved")
        .expect("cost figure");
    assert_eq!(money["unit"], "DKK/yr");
    assert_eq!(money["value"], 182_000_000.0);
    assert_eq!(co2["caseStudy"]["slug"], "kalundborg-symbiosis");
    let sources = case["sources"].as_array().unwrap();
    assert!(!sources.is_empty());
    assert!(
        sources
            .iter()
            .all(|s| s["caseStudy"]["slug"] == "kalundborg-symbiosis")
    );
}

backend_test!(node_resolves_every_record_type);
async fn node_resolves_every_record_type(app: &TestApp) {
    let (body, _) = app
        .graphql(
            r#"{ caseStudy(slug: "sotenas-symbioscentrum") { id }
                 actor(slug: "orsted") { id }
                 project(slug: "smice") { id }
                 funder(slug: "vinnova") { id }
                 theme(slug: "industrial-symbiosis") { id } }"#,
            json!({}),
        )
        .await;
    let ids = data(&body).clone();
    for (field, typename) in [
        ("caseStudy", "CaseStudy"),
        ("actor", "Actor"),
        ("project", "Project"),
        ("funder", "Funder"),
        ("theme", "Theme"),
    ] {
        let id = ids[field]["id"].as_str().unwrap();
        let (body, _) = app
            .graphql(
                "query ($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data(&body)["node"]["__typename"], typename);
        assert_eq!(data(&body)["node"]["id"], id);
    }
    let (body, _) = app
        .graphql(
            "query ($id: ID!) { caseStudy(id: $id) { slug } }",
            json!({ "id": ids["caseStudy"]["id"] }),
        )
        .await;
    assert_eq!(data(&body)["caseStudy"]["slug"], "sotenas-symbioscentrum");
}

backend_test!(relations_navigate_both_ways);
async fn relations_navigate_both_ways(app: &TestApp) {
    let (body, _) = app
        .graphql(
            r#"{
              project(slug: "smice") {
                acronym startDate endDate status
                participants { role actor { slug projects { project { slug } } } }
                fundings { amount currency programme funder { slug projects { slug } fundings { project { slug } } } project { slug } }
                funders { slug }
                caseStudies { slug projects { slug } }
                themes { slug projects { slug } caseStudies { slug } }
              }
              actor(slug: "orsted") {
                caseStudies { role caseStudy { slug } }
                flowsOut { resource to { slug flowsIn { from { slug } } } }
                identifiers { scheme value }
                memberships { title } members { title }
                funder { slug }
              }
              funder(slug: "trondelag-fylkeskommune") { actor { slug funder { slug } } }
              identified: actors(filter: { scheme: ["NO-BRC"] }) { edges { node { slug identifiers { scheme value actor { slug } } } } }
            }"#,
            json!({}),
        )
        .await;
    let data = data(&body);
    let smice = &data["project"];
    assert_eq!(smice["acronym"], "SMICE");
    assert_eq!(smice["startDate"], "2017-05-17");
    assert_eq!(smice["endDate"], "2020-12-31");
    let participants = smice["participants"].as_array().unwrap();
    let leads: Vec<&str> = participants
        .iter()
        .filter(|p| p["role"] == "LEAD")
        .map(|p| p["actor"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(leads.len(), 2, "{leads:?}");
    assert!(participants.iter().any(|p| p["role"] == "STEERING_GROUP"));
    for participant in participants {
        let back = texts_at(&participant["actor"]["projects"], "/project/slug");
        assert!(back.contains(&"smice"));
    }
    let interreg = smice["fundings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["programme"] == "Interreg Sverige–Norge 2014–2020")
        .expect("the Interreg funding");
    // The facts give SMICE's total budget (`Project.totalBudget`), not Interreg's share.
    assert_eq!(interreg["amount"], serde_json::Value::Null);
    assert_eq!(interreg["currency"], serde_json::Value::Null);
    assert!(texts_at(&interreg["funder"]["projects"], "/slug").contains(&"smice"));
    assert!(texts_at(&smice["caseStudies"], "/slug").contains(&"orkanger-industrial-park"));
    for case in smice["caseStudies"].as_array().unwrap() {
        assert!(texts_at(&case["projects"], "/slug").contains(&"smice"));
    }

    let orsted = &data["actor"];
    assert!(texts_at(&orsted["caseStudies"], "/caseStudy/slug").contains(&"kalundborg-symbiosis"));
    for flow in orsted["flowsOut"].as_array().unwrap() {
        if !flow["to"].is_null() {
            assert!(texts_at(&flow["to"]["flowsIn"], "/from/slug").contains(&"orsted"));
        }
    }
    for edge in data["identified"]["edges"].as_array().unwrap() {
        let slug = &edge["node"]["slug"];
        let identifiers = edge["node"]["identifiers"].as_array().unwrap();
        assert!(
            identifiers
                .iter()
                .any(|i| i["scheme"] == "NO-BRC" && &i["actor"]["slug"] == slug)
        );
    }
    let trondelag = &data["funder"]["actor"];
    assert_eq!(trondelag["funder"]["slug"], "trondelag-fylkeskommune");
}

backend_test!(unknown_records_are_null);
async fn unknown_records_are_null(app: &TestApp) {
    let (body, status) = app
        .graphql(
            r#"{ caseStudy(slug: "atlantis") { slug }
                 node(id: "00000000-0000-4000-8000-000000000000") { id }
                 actor(id: "00000000-0000-4000-8000-000000000000") { slug } }"#,
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let data = data(&body);
    assert!(data["caseStudy"].is_null());
    assert!(data["node"].is_null());
    assert!(data["actor"].is_null());
}
