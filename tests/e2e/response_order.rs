//! Response keys follow the selection order (GraphQL specification §7.2.2) at every level:
//! fields, aliases, fragments, inline fragments and `__typename`, in lists, connections and
//! search. The bodies are read as text, so the order the server wrote is the order checked.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::json;

use crate::backend_test;
use crate::common::TestApp;

/// A JSON value that keeps its object keys in the order they were written.
#[derive(Debug)]
enum Written {
    Object(Vec<(String, Written)>),
    List(Vec<Written>),
    Scalar,
}

impl<'de> Deserialize<'de> for Written {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WrittenVisitor;
        impl<'de> Visitor<'de> for WrittenVisitor {
            type Value = Written;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Written, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Written>()? {
                    fields.push((key, value));
                }
                Ok(Written::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Written, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Written>()? {
                    items.push(item);
                }
                Ok(Written::List(items))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Written, E> {
                Ok(Written::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Written, E> {
                Ok(Written::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Written, E> {
                Ok(Written::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Written, E> {
                Ok(Written::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Written, E> {
                Ok(Written::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Written, E> {
                Ok(Written::Scalar)
            }
        }
        deserializer.deserialize_any(WrittenVisitor)
    }
}

impl Written {
    /// The value at a `/`-separated path of keys; a list stands for each of its items, and
    /// the first item is followed (the checks below ask every item separately).
    fn keys_at(&self, path: &str) -> Vec<Vec<&str>> {
        let mut found = Vec::new();
        self.collect_keys(path.split('/').filter(|step| !step.is_empty()), &mut found);
        found
    }

    fn collect_keys<'a, 'p>(
        &'a self,
        mut path: impl Iterator<Item = &'p str> + Clone,
        found: &mut Vec<Vec<&'a str>>,
    ) {
        match self {
            Written::List(items) => {
                for item in items {
                    item.collect_keys(path.clone(), found);
                }
            }
            Written::Object(fields) => match path.next() {
                None => found.push(fields.iter().map(|(key, _)| key.as_str()).collect()),
                Some(step) => {
                    if let Some((_, value)) = fields.iter().find(|(key, _)| key == step) {
                        value.collect_keys(path, found);
                    }
                }
            },
            Written::Scalar => {}
        }
    }
}

/// Posts `query` and asserts, for each `(path, keys)`, that every object at `path` (lists
/// stand for each item; at least one object must be there) has exactly `keys`, in order.
async fn assert_key_order(app: &TestApp, query: &str, expected: &[(&str, &[&str])]) {
    let response = app.post_query(query).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    let body: Written = serde_json::from_str(&text).expect("JSON body");
    assert_eq!(
        body.keys_at(""),
        vec![vec!["data"]],
        "no errors expected: {text}"
    );
    for (path, keys) in expected {
        let found = body.keys_at(&format!("data/{path}"));
        assert!(!found.is_empty(), "nothing at {path} in {text}");
        for object in found {
            assert_eq!(&object, keys, "keys at {path} in {text}");
        }
    }
}

backend_test!(root_and_nested_fields_in_selection_order);
async fn root_and_nested_fields_in_selection_order(app: &TestApp) {
    // Relations resolved through loaders finish after plain fields: they used to come first
    // or last depending on timing.
    let query = r#"{
      caseStudy(slug: "kalundborg-symbiosis") {
        title flows { status resource from { slug name } category } impacts { unit metric }
        id actors { actor { kind slug } role } slug
      }
      caseStudies(first: 3, orderBy: { field: SLUG }) {
        totalCount
        pageInfo { endCursor hasNextPage startCursor hasPreviousPage }
        edges { node { themes { slug } title actors { role } slug } cursor }
      }
    }"#;
    assert_key_order(
        app,
        query,
        &[
            ("", &["caseStudy", "caseStudies"]),
            (
                "caseStudy",
                &["title", "flows", "impacts", "id", "actors", "slug"],
            ),
            (
                "caseStudy/flows",
                &["status", "resource", "from", "category"],
            ),
            ("caseStudy/flows/from", &["slug", "name"]),
            ("caseStudy/impacts", &["unit", "metric"]),
            ("caseStudy/actors", &["actor", "role"]),
            ("caseStudy/actors/actor", &["kind", "slug"]),
            ("caseStudies", &["totalCount", "pageInfo", "edges"]),
            (
                "caseStudies/pageInfo",
                &["endCursor", "hasNextPage", "startCursor", "hasPreviousPage"],
            ),
            ("caseStudies/edges", &["node", "cursor"]),
            (
                "caseStudies/edges/node",
                &["themes", "title", "actors", "slug"],
            ),
        ],
    )
    .await;
}

backend_test!(aliases_fragments_and_typename_in_selection_order);
async fn aliases_fragments_and_typename_in_selection_order(app: &TestApp) {
    let query = r#"
      query Ordered {
        second: actors(first: 2, orderBy: { field: SLUG }) { ...ActorPage }
        first: caseStudies(first: 2) {
          nodes {
            __typename
            ... on CaseStudy { projects { acronym name: slug __typename } }
            label: title
            ...CaseFields
            id
          }
        }
      }
      fragment ActorPage on ActorConnection {
        nodes { name __typename kind ...ActorMore }
        totalCount
      }
      fragment ActorMore on Actor { projects { project { slug } role } slug name }
      fragment CaseFields on CaseStudy { country slug label: title }
    "#;
    assert_key_order(
        app,
        query,
        &[
            ("", &["second", "first"]),
            ("second", &["nodes", "totalCount"]),
            (
                "second/nodes",
                &["name", "__typename", "kind", "projects", "slug"],
            ),
            (
                "first/nodes",
                &["__typename", "projects", "label", "country", "slug", "id"],
            ),
        ],
    )
    .await;
    // Each relation's own objects too, when there are any.
    let response = app.post_query(query).await;
    let body: Written = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    for object in body.keys_at("data/first/nodes/projects") {
        assert_eq!(object, ["acronym", "name", "__typename"]);
    }
    for object in body.keys_at("data/second/nodes/projects") {
        assert_eq!(object, ["project", "role"]);
    }
}

backend_test!(search_hits_in_selection_order);
async fn search_hits_in_selection_order(app: &TestApp) {
    app.wait_indexed().await;
    let query = r#"{
      search(query: "kalundborg", first: 5) {
        pageInfo { hasNextPage endCursor }
        edges {
          node {
            highlights { fragment field }
            entity {
              ... on Actor { slug __typename name }
              ... on CaseStudy { title slug __typename }
              __typename
            }
            score
          }
          cursor
        }
        facets { country { count value } type { value count } }
        totalCount
      }
    }"#;
    assert_key_order(
        app,
        query,
        &[
            ("search", &["pageInfo", "edges", "facets", "totalCount"]),
            ("search/pageInfo", &["hasNextPage", "endCursor"]),
            ("search/edges", &["node", "cursor"]),
            ("search/edges/node", &["highlights", "entity", "score"]),
            ("search/facets", &["country", "type"]),
            ("search/facets/country", &["count", "value"]),
            ("search/facets/type", &["value", "count"]),
        ],
    )
    .await;
    // Union members: the keys of whichever member each hit is, in that member's order.
    let response = app.post_query(query).await;
    let body: Written = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let entities = body.keys_at("data/search/edges/node/entity");
    assert!(entities.len() >= 2, "{entities:?}");
    for entity in entities {
        assert!(
            entity == ["slug", "__typename", "name"]
                || entity == ["title", "slug", "__typename"]
                || entity == ["__typename"],
            "{entity:?}"
        );
    }
    let _ = json!(null);
}
