//! EU project fields (issue 18): NUTS regions on case studies and actors and the `nuts` filter
//! (a level-1 code finds its level-3 records; projects through their case studies and
//! participants), programme kinds on fundings and the `programme` filter, project budgets,
//! and the keep.eu-style projects CSV, checked against the bundled dataset
//! (`api/seed/dataset.ndjson`; its NUTS codes and programme kinds as `api/seed/FORMAT.md`
//! derives them from `FACTS.md`).

use reqwest::StatusCode;
use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{TestApp, assert_ok_of_type, data, texts_at};

/// The slugs of `list(filter: FILTER)`, sorted, after checking `totalCount` agrees.
async fn slugs(app: &TestApp, list: &str, filter: &str) -> Vec<String> {
    let query = format!(
        "{{ {list}(filter: {filter}, first: 100) {{ totalCount edges {{ node {{ slug }} }} }} }}"
    );
    let (body, _) = app.graphql(&query, json!({})).await;
    let connection = &data(&body)[list];
    let mut slugs: Vec<String> = texts_at(&connection["edges"], "/node/slug")
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        connection["totalCount"].as_u64(),
        Some(slugs.len() as u64),
        "{query}: {body:#}"
    );
    slugs.sort();
    slugs
}

/// Asserts that `query` is refused with `BAD_USER_INPUT`, its message naming `field`.
async fn assert_refused(app: &TestApp, query: &str, field: &str) {
    let body = app.graphql_refused(query, "BAD_USER_INPUT", query).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with(field), "{query}: {message}");
}

backend_test!(a_nuts_code_finds_its_sub_regions_in_each_list);
async fn a_nuts_code_finds_its_sub_regions_in_each_list(app: &TestApp) {
    let cases: [(&str, &str, &[&str]); 12] = [
        // Level 1 finds level 3: Sotenäs is in SE232 Västra Götalands län.
        (
            "caseStudies",
            r#"{ nuts: ["SE2"] }"#,
            &["sotenas-symbioscentrum"],
        ),
        (
            "caseStudies",
            r#"{ nuts: ["NO0"] }"#,
            &["nce-blue-legasea", "orkanger-industrial-park"],
        ),
        (
            "caseStudies",
            r#"{ nuts: ["no06"] }"#,
            &["orkanger-industrial-park"],
        ),
        (
            "caseStudies",
            r#"{ nuts: ["DK0", "NL1"], country: ["DK"] }"#,
            &["kalundborg-symbiosis"],
        ),
        (
            "actors",
            r#"{ nuts: ["SE2"] }"#,
            &[
                "region-kalmar-lan",
                "region-kronoberg",
                "sotenas-kommun",
                "vastra-gotalandsregionen",
            ],
        ),
        (
            "actors",
            r#"{ nuts: ["SE232"] }"#,
            &["sotenas-kommun", "vastra-gotalandsregionen"],
        ),
        (
            "actors",
            r#"{ nuts: ["SE3"] }"#,
            &["region-jamtland-harjedalen"],
        ),
        // Projects lie where their case studies and participants lie.
        (
            "projects",
            r#"{ nuts: ["SE2"] }"#,
            &[
                "cirkulara-kronoberg-och-kalmar-lan",
                "sotenas-symbioscentrum-utveckling",
            ],
        ),
        ("projects", r#"{ nuts: ["SE3"] }"#, &["smice"]),
        (
            "projects",
            r#"{ nuts: ["NO06"] }"#,
            &["bis", "bsr-stars-s3", "smice"],
        ),
        (
            "projects",
            r#"{ nuts: ["NL13"] }"#,
            &["stofstromenstudie-emmen", "taskforce-groene-chemie-bbe"],
        ),
        ("projects", r#"{ nuts: ["DK0"] }"#, &[]),
    ];
    for (list, filter, expected) in cases {
        assert_eq!(slugs(app, list, filter).await, expected, "{list} {filter}");
    }

    let (body, _) = app
        .graphql(
            r#"{ caseStudy(slug: "sotenas-symbioscentrum") { location { nutsCode nuts { code level name } } }
                 actor(slug: "trondelag-fylkeskommune") { nutsCode nuts { code level } }
                 other: actor(slug: "orsted") { nutsCode nuts { code } } }"#,
            json!({}),
        )
        .await;
    let location = &data(&body)["caseStudy"]["location"];
    assert_eq!(location["nutsCode"], "SE232");
    assert_eq!(
        location["nuts"],
        json!([
            { "code": "SE232", "level": 3, "name": "Västra Götalands län" },
            { "code": "SE23", "level": 2, "name": "Västsverige" },
            { "code": "SE2", "level": 1, "name": "Södra Sverige" },
        ])
    );
    assert_eq!(
        data(&body)["actor"],
        json!({ "nutsCode": "NO060", "nuts": [
            { "code": "NO060", "level": 3 }, { "code": "NO06", "level": 2 }, { "code": "NO0", "level": 1 },
        ] })
    );
    // Nothing in the facts places a company: no region rather than a guess.
    assert_eq!(
        data(&body)["other"],
        json!({ "nutsCode": null, "nuts": [] })
    );
}

backend_test!(an_unknown_nuts_code_is_refused_naming_the_field);
async fn an_unknown_nuts_code_is_refused_naming_the_field(app: &TestApp) {
    for list in ["caseStudies", "projects", "actors"] {
        for code in ["SE9", "SEZZZ", "XX1", "", "SE2%"] {
            let query = format!(r#"{{ {list}(filter: {{ nuts: ["{code}"] }}) {{ totalCount }} }}"#);
            assert_refused(app, &query, "filter.nuts").await;
        }
    }
    let many: Vec<String> = (0..301).map(|index| format!("\"X{index}\"")).collect();
    let query = format!(
        "{{ caseStudies(filter: {{ nuts: [{}] }}) {{ totalCount }} }}",
        many.join(",")
    );
    let body = app
        .graphql_refused(&query, "BAD_USER_INPUT", "301 codes")
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("at most 300"), "{message}");
}

backend_test!(the_programme_filter_finds_funded_projects_and_their_case_studies);
async fn the_programme_filter_finds_funded_projects_and_their_case_studies(app: &TestApp) {
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "projects",
            "{ programme: [INTERREG] }",
            &["bsr-stars-s3", "smice"],
        ),
        (
            "projects",
            "{ programme: [ERDF] }",
            &[
                "cirkular-kraftsamling-ostergotland-orebro",
                "cirkulara-kronoberg-och-kalmar-lan",
            ],
        ),
        (
            "projects",
            "{ programme: [NATIONAL_AGENCY, LIFE] }",
            &["sotenas-symbioscentrum-utveckling"],
        ),
        ("projects", "{ programme: [HORIZON_EUROPE] }", &[]),
        (
            "projects",
            r#"{ programme: [ERDF], nuts: ["SE21"] }"#,
            &["cirkulara-kronoberg-och-kalmar-lan"],
        ),
        (
            "caseStudies",
            "{ programme: [INTERREG] }",
            &["orkanger-industrial-park"],
        ),
        ("caseStudies", "{ programme: [ERDF] }", &[]),
    ];
    for (list, filter, expected) in cases {
        assert_eq!(slugs(app, list, filter).await, expected, "{list} {filter}");
    }
    let (body, _) = app
        .graphql(
            r#"{ project(slug: "smice") { totalBudget { amount currency } euContribution { amount }
                 fundings { programme programmeKind funder { slug } } } }"#,
            json!({}),
        )
        .await;
    let smice = &data(&body)["project"];
    assert_eq!(
        smice["totalBudget"],
        json!({ "amount": 2_946_044.0, "currency": "EUR" })
    );
    // The facts give no EU contribution for SMICE.
    assert_eq!(smice["euContribution"], Value::Null);
    let kinds: Vec<(&str, &str)> = smice["fundings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|funding| {
            (
                funding["funder"]["slug"].as_str().unwrap(),
                funding["programmeKind"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("interreg-sverige-norge", "INTERREG")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("trondelag-fylkeskommune", "REGIONAL_OR_LOCAL")),
        "{kinds:?}"
    );
}

backend_test!(budgets_nuts_codes_and_programme_kinds_are_written_and_checked);
async fn budgets_nuts_codes_and_programme_kinds_are_written_and_checked(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let write = |query: &'static str, variables: Value| {
        let editor = editor.clone();
        async move { app.graphql_as(&editor, query, variables).await.0 }
    };
    let body = write(
        "mutation($input: CreateProjectInput!) { createProject(input: $input) {
            id version totalBudget { amount currency } euContribution { amount currency } } }",
        json!({ "input": {
            "name": "Heat Link", "status": "ONGOING", "originalLang": "en",
            "totalBudget": { "amount": 1_200_000.5, "currency": "EUR" },
            "euContribution": { "amount": 840_000, "currency": "EUR" },
        } }),
    )
    .await;
    let created = &data(&body)["createProject"];
    assert_eq!(
        (&created["totalBudget"], &created["euContribution"]),
        (
            &json!({ "amount": 1_200_000.5, "currency": "EUR" }),
            &json!({ "amount": 840_000.0, "currency": "EUR" })
        )
    );
    let body = write(
        "mutation($id: ID!, $version: Int!) { updateProject(id: $id, expectedVersion: $version,
            patch: { euContribution: null, totalBudget: { amount: 9, currency: \"SEK\" } }) {
            totalBudget { amount currency } euContribution { amount } } }",
        json!({ "id": created["id"], "version": created["version"] }),
    )
    .await;
    assert_eq!(
        data(&body)["updateProject"],
        json!({ "totalBudget": { "amount": 9.0, "currency": "SEK" }, "euContribution": null })
    );

    let body = write(
        "mutation { createProject(input: { name: \"Bad budget\", status: ONGOING, originalLang: \"en\",
            totalBudget: { amount: -1, currency: \"EURO\" } }) { id } }",
        json!({}),
    )
    .await;
    let fields = texts_at(&body["errors"][0]["extensions"]["fields"], "/field");
    assert!(fields.contains(&"totalBudget.amount"), "{body:#}");
    assert!(fields.contains(&"totalBudget.currency"), "{body:#}");

    // A NUTS code is upper-cased, checked against the list and the record's country.
    let body = write(
        "mutation { createActor(input: { name: \"Tangverket AS\", kind: COMPANY, country: \"NO\",
            originalLang: \"nb\", nutsCode: \"no0a3\" }) { nutsCode nuts { code } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        data(&body)["createActor"],
        json!({ "nutsCode": "NO0A3", "nuts": [{ "code": "NO0A3" }, { "code": "NO0A" }, { "code": "NO0" }] })
    );
    for (code, reason) in [("SE999", "not a NUTS 2024 code"), ("SE232", "outside")] {
        let query = format!(
            r#"mutation {{ createCaseStudy(input: {{ title: "Nowhere", kind: INDUSTRIAL_SYMBIOSIS_NETWORK,
                place: "X", country: "NO", status: ACTIVE, originalLang: "nb", nutsCode: "{code}",
                summary: [{{ lang: "nb", text: "X" }}] }}) {{ id }} }}"#
        );
        let (body, _) = app.graphql_as(&editor, &query, json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body:#}"
        );
        let error = &body["errors"][0]["extensions"]["fields"][0];
        assert_eq!(error["field"], "nutsCode", "{body:#}");
        assert!(
            error["reason"].as_str().unwrap().contains(reason),
            "{body:#}"
        );
    }

    let (funder, _) = app
        .graphql(r#"{ funder(slug: "vinnova") { id } }"#, json!({}))
        .await;
    let body = write(
        r#"mutation($project: ID!, $funder: ID!) { createFunding(input: { projectId: $project,
            funderId: $funder, programme: "LIFE Climate", programmeKind: LIFE }) {
            id version programme programmeKind } }"#,
        json!({ "project": created["id"], "funder": data(&funder)["funder"]["id"] }),
    )
    .await;
    let funding = &data(&body)["createFunding"];
    assert_eq!(funding["programmeKind"], "LIFE");
    let body = write(
        "mutation($id: ID!, $version: Int!) { updateFunding(id: $id, expectedVersion: $version,
            patch: { programmeKind: null }) { programme programmeKind } }",
        json!({ "id": funding["id"], "version": funding["version"] }),
    )
    .await;
    assert_eq!(
        data(&body)["updateFunding"],
        json!({ "programme": "LIFE Climate", "programmeKind": null })
    );
    assert_eq!(
        slugs(app, "projects", "{ programme: [LIFE] }").await,
        Vec::<String>::new()
    );
}

/// The CSV's rows as maps from column to cell, after checking the header.
fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "slug",
            "acronym",
            "name",
            "status",
            "programme",
            "programme_kind",
            "start_date",
            "end_date",
            "total_budget",
            "total_budget_currency",
            "eu_contribution",
            "eu_contribution_currency",
            "lead_partner",
            "lead_partner_country",
            "partners",
            "funders",
            "nuts",
            "website",
        ]
    );
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// A cell's `; `-separated items, sorted.
fn items(cell: &str) -> Vec<&str> {
    let mut items: Vec<&str> = cell.split("; ").filter(|item| !item.is_empty()).collect();
    items.sort_unstable();
    items
}

backend_test!(the_projects_csv_has_keep_eu_columns_and_the_seed_values);
async fn the_projects_csv_has_keep_eu_columns_and_the_seed_values(app: &TestApp) {
    let response = app.get("/export/projects.csv").await;
    assert_ok_of_type(&response, "text/csv");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"symbios-projects.csv\""
    );
    let rows = csv_rows(&response.text().await.unwrap());
    let slugs: Vec<&str> = rows.iter().map(|row| row["slug"].as_str()).collect();
    assert_eq!(slugs.len(), 9, "{slugs:?}");
    let smice = rows.iter().find(|row| row["slug"] == "smice").unwrap();
    let cell = |column: &str| smice[column].as_str();
    assert_eq!(cell("acronym"), "SMICE");
    assert_eq!(cell("status"), "COMPLETED");
    assert_eq!(cell("programme"), "Interreg Sverige–Norge 2014–2020");
    assert_eq!(
        items(cell("programme_kind")),
        ["INTERREG", "REGIONAL_OR_LOCAL"]
    );
    assert_eq!(
        (cell("start_date"), cell("end_date")),
        ("2017-05-17", "2020-12-31")
    );
    assert_eq!(
        (cell("total_budget"), cell("total_budget_currency")),
        ("2946044", "EUR")
    );
    assert_eq!(
        (cell("eu_contribution"), cell("eu_contribution_currency")),
        ("", "")
    );
    assert_eq!(
        cell("lead_partner"),
        "Region Jämtland Härjedalen; Trøndelag fylkeskommune"
    );
    assert_eq!(cell("lead_partner_country"), "SE; NO");
    let partners = items(cell("partners"));
    assert_eq!(partners.len(), 9, "{partners:?}");
    assert!(partners.contains(&"Region Jämtland Härjedalen (SE, LEAD)"));
    assert!(partners.contains(&"Washington Mills (NO, STEERING_GROUP)"));
    assert!(partners.contains(&"SINTEF (NO, RESEARCH)"));
    assert_eq!(
        items(cell("funders")),
        ["Interreg Sverige–Norge", "Trøndelag fylkeskommune"]
    );
    assert_eq!(cell("nuts"), "NO060; SE322");

    let filtered = app
        .get("/export/projects.csv?nuts=SE2,NO06&programme=INTERREG,erdf")
        .await;
    assert_ok_of_type(&filtered, "text/csv");
    let rows = csv_rows(&filtered.text().await.unwrap());
    let mut slugs: Vec<&str> = rows.iter().map(|row| row["slug"].as_str()).collect();
    slugs.sort_unstable();
    assert_eq!(
        slugs,
        [
            "bsr-stars-s3",
            "cirkulara-kronoberg-och-kalmar-lan",
            "smice"
        ]
    );

    for (query, parameter) in [
        ("nuts=SE9", "nuts"),
        ("programme=ERASMUS", "programme"),
        ("country=Sweden", "country"),
    ] {
        let response = app.get(&format!("/export/projects.csv?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "BAD_USER_INPUT", "{query}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(parameter), "{query}: {message}");
    }
}

backend_test!(csv_cells_that_a_spreadsheet_would_run_are_guarded);
async fn csv_cells_that_a_spreadsheet_would_run_are_guarded(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let (body, _) = app
        .graphql_as(
            &editor,
            r#"mutation { createProject(input: { slug: "formula", name: "=HYPERLINK(\"http://example.org\")",
                acronym: "@SUM", status: ONGOING, originalLang: "en",
                totalBudget: { amount: 5, currency: "EUR" } }) { id } }"#,
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body:#}");
    let text = app.get("/export/projects.csv").await.text().await.unwrap();
    let rows = csv_rows(&text);
    let row = rows.iter().find(|row| row["slug"] == "formula").unwrap();
    assert_eq!(row["name"], "'=HYPERLINK(\"http://example.org\")");
    assert_eq!(row["acronym"], "'@SUM");
    assert_eq!(row["total_budget"], "5");
    // RFC 4180: the quote inside the cell is doubled in a quoted field.
    assert!(
        text.contains(r#""'=HYPERLINK(""http://example.org"")""#),
        "{text}"
    );
}

backend_test!(the_eu_fields_migration_goes_down_and_up);
async fn the_eu_fields_migration_goes_down_and_up(app: &TestApp) {
    let (applied, _) = symbios::db::migration_status(&app.db).await.unwrap();
    let position = applied
        .iter()
        .position(|name| name == "m20270115_000009_eu_project_fields")
        .unwrap();
    let steps = u32::try_from(applied.len() - position).unwrap();
    symbios::db::migrate_down(&app.db, steps).await.unwrap();
    symbios::db::migrate_up(&app.db).await.unwrap();
    // The columns come back empty: the values went with them.
    assert_eq!(
        slugs(app, "caseStudies", r#"{ nuts: ["SE2"] }"#).await,
        Vec::<String>::new()
    );
    let (body, _) = app
        .graphql(
            r#"{ project(slug: "smice") { totalBudget { amount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["project"]["totalBudget"], Value::Null);
}
