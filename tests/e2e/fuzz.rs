//! Random and mutated GraphQL documents over HTTP: whatever arrives, the server answers with
//! a well-formed GraphQL response (or a 4xx refusal), never a 500, never a dropped
//! connection. Cases come from proptest strategies with a fixed seed, so a failure repeats.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use crate::common::{Backend, spawn_app};

/// Valid documents to start from, touching every root field kind.
const SEEDS: &[&str] = &[
    "{ caseStudy(slug: \"kalundborg-symbiosis\") { title actors { role actor { name } } flows { resource } } }",
    "query Q($after: String) { actors(first: 5, after: $after, filter: {country: [\"NO\"]}) { totalCount edges { cursor node { name } } } }",
    "{ search(query: \"industriell symbios\", lang: \"sv\") { totalCount facets { type { value count } } edges { node { score highlights { fragment } } } } }",
    "{ suggest(prefix: \"kal\") { text } }",
    "{ changes(first: 3) { edges { node { seq op entity { __typename } } } pageInfo { endCursor } } }",
    "fragment A on Actor { name projects { role } } { actors(first: 2) { nodes { ...A } } }",
    "mutation { createActor(input: {name: \"X\", kind: COMPANY, country: \"NO\", originalLang: \"nb\"}) { id } }",
    "{ node(id: \"0b7f6a0e-4c1e-5c6b-9d3e-000000000000\") { id ... on CaseStudy { title } } }",
];

/// Characters that matter to a GraphQL lexer, plus some that should not appear at all.
const ALPHABET: &[char] = &[
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    ':',
    '$',
    '@',
    '!',
    '.',
    ',',
    '"',
    '\\',
    '#',
    '=',
    '|',
    '&',
    ' ',
    '\n',
    '\t',
    'a',
    'Z',
    '_',
    '0',
    '9',
    '-',
    'é',
    'ø',
    '\u{0}',
    '\u{200b}',
    '\u{1f600}',
];

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Delete(usize),
    Replace(usize, char),
    Repeat(usize, usize, usize),
}

fn apply(document: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = document.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match *edit {
            Edit::Insert(at, c) => chars.insert(at % (chars.len() + 1), c),
            Edit::Delete(at) if !chars.is_empty() => {
                chars.remove(at % len);
            }
            Edit::Replace(at, c) if !chars.is_empty() => chars[at % len] = c,
            Edit::Repeat(at, span, times) if !chars.is_empty() => {
                let start = at % len;
                let end = (start + span).min(chars.len());
                let piece: Vec<char> = chars[start..end].to_vec();
                for _ in 0..times {
                    chars.splice(end..end, piece.iter().copied());
                }
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    let c = proptest::sample::select(ALPHABET);
    prop_oneof![
        (any::<usize>(), c.clone()).prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), c).prop_map(|(at, c)| Edit::Replace(at, c)),
        (any::<usize>(), 1usize..40, 1usize..30)
            .prop_map(|(at, span, n)| Edit::Repeat(at, span, n)),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (proptest::sample::select(SEEDS), proptest::collection::vec(edit(), 1..12))
            .prop_map(|(seed, edits)| apply(seed, &edits)),
        1 => proptest::collection::vec(proptest::sample::select(ALPHABET), 0..300)
            .prop_map(|chars| chars.into_iter().collect()),
        1 => ".{0,200}",
    ]
}

fn variables() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!({ "after": "not-a-cursor" })),
        Just(json!({ "after": 12 })),
        Just(json!([1, 2, 3])),
        Just(json!("variables as a string")),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_and_mutated_documents_never_get_a_500() {
    let app = spawn_app(Backend::Sqlite).await;
    let config = Config {
        cases: 400,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = (document(), variables(), any::<bool>());
    for case in 0..400 {
        let (query, variables, use_get) = strategy.new_tree(&mut runner).expect("a case").current();
        let request = if use_get {
            app.client.get(format!("{}/graphql", app.base_url)).query(&[
                ("query", query.as_str()),
                ("variables", &variables.to_string()),
            ])
        } else {
            app.client
                .post(format!("{}/graphql", app.base_url))
                .json(&json!({ "query": query, "variables": variables }))
        };
        let response = request
            .header("accept", "application/graphql-response+json")
            .send()
            .await
            .unwrap_or_else(|error| panic!("case {case}: no answer to {query:?}: {error}"));
        let status = response.status();
        assert!(
            status.is_success() || status.is_client_error(),
            "case {case}: {status} for {query:?}"
        );
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|error| panic!("case {case}: not JSON for {query:?}: {error}"));
        assert!(
            body.get("data").is_some() || body["errors"].is_array(),
            "case {case}: neither data nor errors for {query:?}: {body}"
        );
        if let Some(errors) = body["errors"].as_array() {
            for error in errors {
                assert_ne!(
                    error["extensions"]["code"], "INTERNAL",
                    "case {case}: internal error for {query:?}: {body}"
                );
            }
        }
    }
    app.stop().await;
}
