//! Flows across case studies: `resourceFlows` (each filter, both page directions,
//! `totalCount`, resource names in other languages), `network` (its nodes and edges are the
//! flows of the case study), `statistics` (checked against the bundled dataset by hand:
//! `api/seed/dataset.ndjson`, from `FACTS.md`) and the network downloads.
//!
//! The bundled flows: Kalundborg (DK) 7, Sotenäs (SE) 5, Orkanger (NO) 1; 5 of the 13 have
//! no single receiving actor ("open" flows).

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{TestApp, assert_ok_of_type, data, texts_at};

/// `totalCount` of `resourceFlows(filter: FILTER)`.
async fn flow_count(app: &TestApp, filter: &str) -> u64 {
    let query = format!("{{ resourceFlows(filter: {filter}, first: 0) {{ totalCount }} }}");
    let (body, _) = app.graphql(&query, json!({})).await;
    data(&body)["resourceFlows"]["totalCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("{filter}: {body:#}"))
}

/// Asserts that `query` is refused with `BAD_USER_INPUT`, its message naming `argument`.
async fn assert_refused(app: &TestApp, query: &str, argument: &str) {
    let body = app.graphql_refused(query, "BAD_USER_INPUT", query).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with(argument), "{query}: {message}");
}

backend_test!(each_flow_filter_narrows_the_list);
async fn each_flow_filter_narrows_the_list(app: &TestApp) {
    let sotenas_id = {
        let (body, _) = app
            .graphql(
                r#"{ caseStudy(slug: "sotenas-symbioscentrum") { id } }"#,
                json!({}),
            )
            .await;
        data(&body)["caseStudy"]["id"].as_str().unwrap().to_owned()
    };
    let cases = [
        ("{}", 13),
        ("{ category: [ENERGY] }", 5),
        ("{ category: [WATER, NUTRIENT] }", 2),
        // Swedish and Danish names of "Steam" are translations, found like the original.
        (r#"{ resourceContains: "anga" }"#, 2),
        (r#"{ resourceContains: "DAMP" }"#, 2),
        (r#"{ resourceContains: "steam" }"#, 2),
        (r#"{ resourceContains: "Tissø" }"#, 1),
        (r#"{ resourceContains: "spillvärme" }"#, 1),
        (r#"{ country: ["DK"] }"#, 7),
        (r#"{ country: ["SE", "NO"] }"#, 6),
        (r#"{ caseStudy: ["sotenas-symbioscentrum"] }"#, 5),
        (&format!(r#"{{ caseStudy: ["{sotenas_id}"] }}"#), 5),
        (r#"{ fromActor: ["orsted"] }"#, 4),
        (r#"{ toActor: ["renahav"] }"#, 3),
        (r#"{ fromActor: ["orsted"], toActor: ["gyproc"] }"#, 1),
        ("{ fromActorKind: [COMPANY] }", 13),
        ("{ fromActorKind: [MUNICIPALITY] }", 0),
        ("{ toActorKind: [COMPANY] }", 8),
        ("{ status: [POTENTIAL] }", 1),
        ("{ hasQuantity: true }", 1),
        ("{ hasQuantity: false }", 12),
        (r#"{ category: [BY_PRODUCT], country: ["SE"] }"#, 3),
        (r#"{ caseStudy: ["no-such-case"] }"#, 0),
    ];
    for (filter, expected) in cases {
        assert_eq!(flow_count(app, filter).await, expected, "{filter}");
    }
    let listed = app
        .graphql(
            r#"{ resourceFlows(filter: { hasQuantity: true }) { edges { node { resource quantity unit from { slug } to { slug } } } } }"#,
            json!({}),
        )
        .await
        .0;
    let gypsum = &data(&listed)["resourceFlows"]["edges"][0]["node"];
    assert_eq!(gypsum["resource"], "Gypsum from flue-gas desulphurisation");
    assert_eq!(gypsum["quantity"], 175_000.0);
    assert_eq!(gypsum["from"]["slug"], "orsted");
    assert_eq!(gypsum["to"]["slug"], "gyproc");

    for (filter, field) in [
        (r#"{ country: ["XX"] }"#, "filter.country"),
        (
            r#"{ resourceContains: "a\u0007b" }"#,
            "filter.resourceContains",
        ),
    ] {
        let query = format!("{{ resourceFlows(filter: {filter}) {{ totalCount }} }}");
        assert_refused(app, &query, field).await;
    }
}

backend_test!(resource_names_are_localized_with_the_original_marked);
async fn resource_names_are_localized_with_the_original_marked(app: &TestApp) {
    let query = r#"{ resourceFlows(filter: { caseStudy: ["kalundborg-symbiosis"], resourceContains: "steam" }) {
        edges { node { resource resourceLang
            sv: resourceName(lang: "sv") { text lang original }
            en: resourceName(lang: "en") { text lang original }
            resourceTranslations { lang text original } } } } }"#;
    let (body, _) = app.graphql(query, json!({})).await;
    let edges = data(&body)["resourceFlows"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 2);
    for edge in edges {
        let flow = &edge["node"];
        assert_eq!(flow["resource"], "Steam");
        assert_eq!(flow["resourceLang"], "en");
        assert_eq!(
            flow["sv"],
            json!({ "text": "Ånga", "lang": "sv", "original": false })
        );
        assert_eq!(
            flow["en"],
            json!({ "text": "Steam", "lang": "en", "original": true })
        );
        let originals: Vec<&Value> = flow["resourceTranslations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|text| text["original"] == true)
            .collect();
        assert_eq!(
            originals,
            [&json!({ "lang": "en", "text": "Steam", "original": true })]
        );
    }
}

/// Walks `resourceFlows` in `order` page by page, forward (`first`/`after`) or backward
/// (`last`/`before`), and gives the ids in list order, checking `totalCount` on each page.
async fn walk(app: &TestApp, order: &str, forward: bool) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let (size, position) = if forward {
            ("first", "after")
        } else {
            ("last", "before")
        };
        let at = cursor
            .as_ref()
            .map(|cursor| format!(", {position}: \"{cursor}\""))
            .unwrap_or_default();
        let query = format!(
            "{{ resourceFlows(orderBy: {order}, {size}: 4{at}) {{ totalCount
                pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
                edges {{ node {{ id }} }} }} }}"
        );
        let (body, _) = app.graphql(&query, json!({})).await;
        let page = &data(&body)["resourceFlows"];
        assert_eq!(page["totalCount"], 13, "{order}");
        let mut page_ids: Vec<String> = texts_at(&page["edges"], "/node/id")
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert!(page_ids.len() <= 4);
        let info = &page["pageInfo"];
        if forward {
            ids.append(&mut page_ids);
            if info["hasNextPage"] != true {
                break;
            }
            cursor = info["endCursor"].as_str().map(str::to_owned);
        } else {
            page_ids.append(&mut ids);
            ids = page_ids;
            if info["hasPreviousPage"] != true {
                break;
            }
            cursor = info["startCursor"].as_str().map(str::to_owned);
        }
        assert!(ids.len() <= 13, "the walk ends");
    }
    ids
}

backend_test!(flows_page_both_ways_in_each_order);
async fn flows_page_both_ways_in_each_order(app: &TestApp) {
    for order in [
        "{ field: RESOURCE }",
        "{ field: RESOURCE, direction: DESC }",
        "{ field: YEAR }",
        "{ field: UPDATED_AT, direction: DESC }",
    ] {
        let forward = walk(app, order, true).await;
        let backward = walk(app, order, false).await;
        assert_eq!(forward.len(), 13, "{order}");
        assert_eq!(forward, backward, "{order}: both directions give one order");
        let mut distinct = forward.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 13, "{order}: no flow twice");
    }
    // Resource order: the first flow by original name, whatever the backend's collation.
    let (body, _) = app
        .graphql(
            "{ resourceFlows(first: 1) { edges { node { resource } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&body)["resourceFlows"]["edges"][0]["node"]["resource"],
        "Biogas"
    );
    assert_refused(
        app,
        "{ resourceFlows(first: 1, last: 1) { totalCount } }",
        "last",
    )
    .await;
}

/// Node slugs, edge ids (with both ends among the nodes) and open-flow ids of a network.
fn network_parts(network: &Value) -> (Vec<String>, Vec<String>, Vec<String>) {
    let nodes = network["nodes"].as_array().unwrap();
    let node_ids: Vec<&str> = nodes
        .iter()
        .map(|node| node["id"].as_str().unwrap())
        .collect();
    let edges = network["edges"].as_array().unwrap();
    for edge in edges {
        for end in ["from", "to"] {
            let id = edge[end]["id"].as_str().unwrap();
            assert!(node_ids.contains(&id), "{end} of {edge} is a node");
        }
    }
    for open in network["openFlows"].as_array().unwrap() {
        assert!(open["to"].is_null(), "{open}");
        assert!(node_ids.contains(&open["from"]["id"].as_str().unwrap()));
    }
    assert_eq!(network["nodeCount"], nodes.len());
    assert_eq!(network["edgeCount"], edges.len());
    let strings = |list: &Value, pointer: &str| -> Vec<String> {
        texts_at(list, pointer)
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    (
        strings(&network["nodes"], "/slug"),
        strings(&network["edges"], "/id"),
        strings(&network["openFlows"], "/id"),
    )
}

const NETWORK_FIELDS: &str = "nodeCount edgeCount nodes { id slug name kind country }
    edges { id resource category quantity unit status from { id } to { id } }
    openFlows { id from { id } to { id } }";

backend_test!(a_case_study_network_is_made_of_its_flows);
async fn a_case_study_network_is_made_of_its_flows(app: &TestApp) {
    let query = format!(
        r#"{{ caseStudy(slug: "kalundborg-symbiosis") {{ flows {{ id }} network {{ {NETWORK_FIELDS} }} }} }}"#
    );
    let (body, _) = app.graphql(&query, json!({})).await;
    let case_study = &data(&body)["caseStudy"];
    let (nodes, edges, open) = network_parts(&case_study["network"]);
    let mut flows: Vec<&str> = texts_at(&case_study["flows"], "/id");
    let mut in_network: Vec<&str> = edges.iter().chain(&open).map(String::as_str).collect();
    flows.sort_unstable();
    in_network.sort_unstable();
    assert_eq!(
        in_network, flows,
        "every flow is an edge or an open flow, once"
    );
    assert_eq!((nodes.len(), edges.len(), open.len()), (5, 4, 3));
    let mut sorted_nodes = nodes.clone();
    sorted_nodes.sort();
    assert_eq!(
        sorted_nodes,
        [
            "gyproc",
            "kalundborg-forsyning",
            "novo-nordisk",
            "novonesis",
            "orsted"
        ]
    );

    let query = format!(r#"{{ network(filter: {{ country: ["DK"] }}) {{ {NETWORK_FIELDS} }} }}"#);
    let (body, _) = app.graphql(&query, json!({})).await;
    assert_eq!(network_parts(&data(&body)["network"]), (nodes, edges, open));

    let query = format!("{{ network {{ {NETWORK_FIELDS} }} }}");
    let (body, _) = app.graphql(&query, json!({})).await;
    let (nodes, edges, open) = network_parts(&data(&body)["network"]);
    assert_eq!((nodes.len(), edges.len(), open.len()), (12, 8, 5));
}

/// `{ metric unit: (total, figures) }` of a `statistics.impacts` list.
fn impact_totals(impacts: &Value) -> BTreeMap<(String, String), (f64, u64)> {
    impacts
        .as_array()
        .unwrap()
        .iter()
        .map(|sum| {
            (
                (
                    sum["metric"].as_str().unwrap().to_owned(),
                    sum["unit"].as_str().unwrap().to_owned(),
                ),
                (
                    sum["total"].as_f64().unwrap(),
                    sum["figures"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

/// `{ value: count }` of a list of counts.
fn counts(list: &Value, key: &str) -> BTreeMap<String, u64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|count| {
            (
                count[key].as_str().unwrap().to_owned(),
                count["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn expected(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs
        .iter()
        .map(|(value, count)| ((*value).to_owned(), *count))
        .collect()
}

const STATISTICS_FIELDS: &str = "caseStudies
    caseStudiesByCountry { value count } caseStudiesByStatus { value count }
    caseStudiesByTheme { theme count } actorsByKind { value count }
    flowsByCategory { value count } impacts { metric unit total figures }";

backend_test!(statistics_add_up_the_bundled_figures_unit_by_unit);
async fn statistics_add_up_the_bundled_figures_unit_by_unit(app: &TestApp) {
    // Two more CO2 figures for Sotenäs, one in another unit: summed apart.
    let editor = app.create_key("editor", Role::Editor, None).await;
    let (body, _) = app
        .graphql(
            r#"{ caseStudy(slug: "sotenas-symbioscentrum") { id } }"#,
            json!({}),
        )
        .await;
    let sotenas = data(&body)["caseStudy"]["id"].clone();
    for (value, unit) in [(5000.0, "t/yr"), (1000.0, "kg/yr")] {
        let (body, _) = app
            .graphql_as(
                &editor,
                "mutation($c: ID!, $v: Float!, $u: String!) { createImpactFigure(input: { caseStudyId: $c, metric: \"co2_saved\", value: $v, unit: $u }) { id } }",
                json!({ "c": sotenas, "v": value, "u": unit }),
            )
            .await;
        data(&body);
    }

    let (body, _) = app
        .graphql(
            &format!("{{ statistics {{ {STATISTICS_FIELDS} }} }}"),
            json!({}),
        )
        .await;
    let all = &data(&body)["statistics"];
    assert_eq!(all["caseStudies"], 5);
    assert_eq!(
        counts(&all["caseStudiesByCountry"], "value"),
        expected(&[("DK", 1), ("NL", 1), ("NO", 2), ("SE", 1)])
    );
    assert_eq!(
        counts(&all["caseStudiesByStatus"], "value"),
        expected(&[("ACTIVE", 5)])
    );
    let themes = counts(&all["caseStudiesByTheme"], "theme");
    assert_eq!(themes["industrial-symbiosis"], 5);
    assert_eq!(themes["waste-heat"], 2);
    assert_eq!(themes["green-chemistry"], 1);
    assert_eq!(themes.values().sum::<u64>(), 34);
    assert_eq!(
        counts(&all["actorsByKind"], "value"),
        expected(&[
            ("CLUSTER", 2),
            ("COMPANY", 32),
            ("CONSULTANCY", 1),
            ("MUNICIPALITY", 4),
            ("NETWORK", 6),
            ("REGION", 3),
            ("RESEARCH_INSTITUTE", 4),
            ("UNIVERSITY", 2),
        ])
    );
    assert_eq!(
        counts(&all["flowsByCategory"], "value"),
        expected(&[
            ("BY_PRODUCT", 6),
            ("ENERGY", 5),
            ("NUTRIENT", 1),
            ("WATER", 1)
        ])
    );
    // FACTS.md: about 635 kt CO2 and DKK 182 million saved per year at Kalundborg.
    let key = |metric: &str, unit: &str| (metric.to_owned(), unit.to_owned());
    assert_eq!(
        impact_totals(&all["impacts"]),
        BTreeMap::from([
            (key("co2_saved", "kg/yr"), (1000.0, 1)),
            (key("co2_saved", "t/yr"), (640_000.0, 2)),
            (key("cost_saved", "DKK/yr"), (182_000_000.0, 1)),
        ])
    );

    let (body, _) = app
        .graphql(
            &format!(
                r#"{{ statistics(filter: {{ country: ["DK"] }}) {{ {STATISTICS_FIELDS} }} }}"#
            ),
            json!({}),
        )
        .await;
    let denmark = &data(&body)["statistics"];
    assert_eq!(denmark["caseStudies"], 1);
    assert_eq!(
        counts(&denmark["actorsByKind"], "value"),
        expected(&[("COMPANY", 8), ("MUNICIPALITY", 1), ("NETWORK", 1)])
    );
    assert_eq!(
        counts(&denmark["flowsByCategory"], "value"),
        expected(&[("BY_PRODUCT", 3), ("ENERGY", 3), ("WATER", 1)])
    );
    assert_eq!(
        impact_totals(&denmark["impacts"]),
        BTreeMap::from([
            (key("co2_saved", "t/yr"), (635_000.0, 1)),
            (key("cost_saved", "DKK/yr"), (182_000_000.0, 1)),
        ])
    );
    assert_refused(
        app,
        r#"{ statistics(filter: { country: ["XX"] }) { caseStudies } }"#,
        "filter.country",
    )
    .await;
}

/// The counts of `needle` in `text`.
fn occurrences(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

backend_test!(network_downloads_hold_the_network);
async fn network_downloads_hold_the_network(app: &TestApp) {
    let kalundborg = "?caseStudy=kalundborg-symbiosis";
    for (extension, media_type, node, edge) in [
        (
            "graphml",
            "application/graphml+xml",
            "<node id=",
            "<edge id=",
        ),
        ("gexf", "application/gexf+xml", "<node id=", "<edge id="),
    ] {
        let response = app
            .get(&format!("/export/network.{extension}{kalundborg}"))
            .await;
        assert_ok_of_type(&response, media_type);
        assert_eq!(
            response.headers()["content-disposition"],
            format!("attachment; filename=\"symbios-network-kalundborg-symbiosis.{extension}\"")
                .as_str()
        );
        let text = response.text().await.unwrap();
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{text}"
        );
        assert_eq!(
            (occurrences(&text, node), occurrences(&text, edge)),
            (5, 4),
            "{text}"
        );
        // Escaped by the writer, never raw.
        assert!(text.contains("Surface water") || extension == "gexf" || !text.contains('&'));
        let all = app.get(&format!("/export/network.{extension}")).await;
        assert_eq!(
            all.headers()["content-disposition"],
            format!("attachment; filename=\"symbios-network.{extension}\"").as_str()
        );
        let text = all.text().await.unwrap();
        assert_eq!(
            (occurrences(&text, node), occurrences(&text, edge)),
            (12, 8)
        );
    }

    let response = app.get(&format!("/export/network.csv{kalundborg}")).await;
    assert_ok_of_type(&response, "text/csv");
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "record,id,slug,name,kind,country,source,target,resource,resource_lang,category,quantity,unit,year,status,case_study"
        )
    );
    let records: Vec<&str> = lines.filter_map(|line| line.split(',').next()).collect();
    let count = |kind: &str| records.iter().filter(|record| **record == kind).count();
    assert_eq!(
        (count("node"), count("edge"), count("open_flow")),
        (5, 4, 3),
        "{csv}"
    );
    assert!(csv.contains("175000,t/yr"), "{csv}");

    let missing = app
        .get("/export/network.graphml?caseStudy=no-such-case")
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    let unknown = app.get("/export/network.json").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let hostile = app.get("/export/network.csv?caseStudy=%00").await;
    assert_eq!(hostile.status(), StatusCode::BAD_REQUEST);
    let body: Value = hostile.json().await.unwrap();
    assert_eq!(body["error"]["code"], "BAD_USER_INPUT");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("caseStudy")
    );
}

backend_test!(the_resource_names_migration_makes_existing_names_originals);
async fn the_resource_names_migration_makes_existing_names_originals(app: &TestApp) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use symbios_entity::{localized_text, resource_flow};

    // Back to the schema before resource names were localized, then forward again: each
    // name becomes the original in the flow's language, and the folded names are filled.
    // Later migrations go down first: count the steps back to this one by name.
    let (applied, _) = symbios::db::migration_status(&app.db).await.unwrap();
    let position = applied
        .iter()
        .position(|name| name == "m20270110_000008_flow_resource_names")
        .unwrap();
    let steps = u32::try_from(applied.len() - position).unwrap();
    symbios::db::migrate_down(&app.db, steps).await.unwrap();
    symbios::db::migrate_up(&app.db).await.unwrap();
    let flows = resource_flow::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(flows.len(), 13);
    for flow in flows {
        assert_eq!(flow.resource_lang, flow.original_lang, "{}", flow.resource);
        assert_eq!(
            flow.resource_folded,
            symbios::service::text::fold(&flow.resource)
        );
        let names = localized_text::Entity::find()
            .filter(localized_text::Column::EntityId.eq(flow.id))
            .filter(localized_text::Column::Field.eq("resource"))
            .all(&app.db)
            .await
            .unwrap();
        let names: Vec<(&str, &str, bool)> = names
            .iter()
            .map(|name| (name.lang.as_str(), name.text.as_str(), name.is_original))
            .collect();
        assert_eq!(
            names,
            [(flow.original_lang.as_str(), flow.resource.as_str(), true)]
        );
    }
    assert_eq!(flow_count(app, r#"{ resourceContains: "steam" }"#).await, 2);
}

backend_test!(a_network_over_its_bound_is_refused_before_loading);
async fn a_network_over_its_bound_is_refused_before_loading(app: &TestApp) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use symbios::service::dataset::{Records, insert_missing_records};
    use symbios::service::resource_flow::MAX_NETWORK_EDGES;
    use symbios_entity::vocabulary::{FlowCategory, FlowStatus};
    use symbios_entity::{actor, case_study, resource_flow};

    let id_of_actor = |slug: &'static str| async move {
        actor::Entity::find()
            .filter(actor::Column::Slug.eq(slug))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (from, to) = (id_of_actor("orsted").await, id_of_actor("gyproc").await);
    let kalundborg = case_study::Entity::find()
        .filter(case_study::Column::Slug.eq("kalundborg-symbiosis"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let now = chrono::Utc::now();
    let flows: Vec<resource_flow::Model> = (0..MAX_NETWORK_EDGES)
        .map(|number| resource_flow::Model {
            id: uuid::Uuid::new_v4(),
            case_study_id: kalundborg,
            from_actor_id: from,
            to_actor_id: Some(to),
            resource: format!("Gypsum lot {number}"),
            resource_lang: "en".to_owned(),
            resource_folded: format!("gypsum lot {number}"),
            category: FlowCategory::ByProduct,
            quantity: None,
            unit: None,
            year: None,
            status: FlowStatus::Historic,
            ewc_code: None,
            original_lang: "en".to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let records = Records {
        flows,
        ..Records::default()
    };
    insert_missing_records(&app.db, &records, now)
        .await
        .unwrap();
    let total = MAX_NETWORK_EDGES + 13;
    assert_eq!(flow_count(app, "{}").await, total);

    for (query, selected) in [
        ("{ network { nodeCount } }", total),
        (
            r#"{ caseStudy(slug: "kalundborg-symbiosis") { network { nodeCount } } }"#,
            MAX_NETWORK_EDGES + 7,
        ),
    ] {
        let body = app.graphql_refused(query, "BAD_USER_INPUT", query).await;
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert_eq!(
            message,
            format!(
                "filter: selects {selected} flows; a network holds at most {MAX_NETWORK_EDGES}: narrow the filter (e.g. caseStudy)"
            ),
            "{query}"
        );
    }
    // A narrower filter is still answered, and so is a list page of the same flows.
    let (body, _) = app
        .graphql(
            r#"{ network(filter: { country: ["SE"] }) { nodeCount edgeCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data(&body)["network"],
        json!({ "nodeCount": 6, "edgeCount": 4 })
    );
    let response = app.get("/export/network.graphml").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "BAD_USER_INPUT");
}

/// Replaces the resource translations of flow `id` (at `version`) with one name.
async fn translate(
    app: &TestApp,
    key: &str,
    id: &Value,
    version: u32,
    (lang, text): (&str, &str),
) -> Value {
    let mutation = "mutation($id: ID!, $v: Int!, $names: [LocalizedTextInput!]) {
        updateResourceFlow(id: $id, expectedVersion: $v, patch: { resourceTranslations: $names }) { version } }";
    let names = json!([{ "lang": lang, "text": text }]);
    let variables = json!({ "id": id, "v": version, "names": names });
    app.graphql_as(key, mutation, variables).await.0
}

backend_test!(resource_names_are_written_through_mutations);
async fn resource_names_are_written_through_mutations(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let ids = app
        .graphql(
            r#"{ caseStudy(slug: "orkanger-industrial-park") { id } actor(slug: "elkem-thamshavn") { id } }"#,
            json!({}),
        )
        .await
        .0;
    let (case_study, actor) = (
        data(&ids)["caseStudy"]["id"].clone(),
        data(&ids)["actor"]["id"].clone(),
    );
    let (body, _) = app
        .graphql_as(
            &editor,
            r#"mutation($c: ID!, $a: ID!) { createResourceFlow(input: { caseStudyId: $c, fromActorId: $a,
                resource: "Tang", resourceLang: "nb", resourceTranslations: [{ lang: "en", text: "Seaweed" }],
                category: NUTRIENT, status: PLANNED, originalLang: "en" }) {
                id resource resourceLang name: resourceName(lang: "en") { text original } } }"#,
            json!({ "c": case_study, "a": actor }),
        )
        .await;
    let created = &data(&body)["createResourceFlow"];
    assert_eq!(created["resourceLang"], "nb");
    assert_eq!(
        created["name"],
        json!({ "text": "Seaweed", "original": false })
    );
    let id = created["id"].clone();
    assert_eq!(
        flow_count(app, r#"{ resourceContains: "seaweed" }"#).await,
        1
    );

    let body = translate(app, &editor, &id, 1, ("sv", "Tång")).await;
    assert_eq!(data(&body)["updateResourceFlow"]["version"], 2);
    assert_eq!(
        flow_count(app, r#"{ resourceContains: "seaweed" }"#).await,
        0
    );
    let (body, _) = app
        .graphql(
            r#"{ resourceFlows(filter: { resourceContains: "TÅNG" }) { edges { node {
                sv: resourceName(lang: "sv") { text original } resourceTranslations { lang } } } } }"#,
            json!({}),
        )
        .await;
    let edges = &data(&body)["resourceFlows"]["edges"];
    assert_eq!(
        edges[0]["node"]["sv"],
        json!({ "text": "Tång", "original": false })
    );
    assert_eq!(
        texts_at(&edges[0]["node"]["resourceTranslations"], "/lang"),
        ["nb", "sv"]
    );

    // A translation in the language of the name itself is refused, naming the field.
    let body = translate(app, &editor, &id, 2, ("nb", "Tare")).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body:#}"
    );
    let fields = body["errors"][0]["extensions"]["fields"].to_string();
    assert!(fields.contains("resourceTranslations"), "{body:#}");
}
