//! The GraphQL-over-HTTP request parameters (`query`, `operationName`, `variables`,
//! `extensions`) of a GET query string or a POST JSON body, turned into an executable
//! request. The JSON is read within the bounds of [`crate::graphql::variables`] as it is
//! parsed; a persisted query (Apollo's `extensions.persistedQuery`) is looked up or
//! remembered here.

use std::fmt;

use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_TYPE;
use async_graphql::{Value, Variables};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Map;

use super::negotiation::APPLICATION_JSON;
use super::persisted::{PersistedQueries, Resolution};
use super::refusal::{Refusal, Unreadable};
use crate::error::ErrorCode;
use crate::graphql::variables::{self, BoundedValue, Budget};

fn object_parameter(
    name: &str,
    value: Option<serde_json::Value>,
) -> Result<Option<Map<String, serde_json::Value>>, Refusal> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(object)) => Ok(Some(object)),
        Some(_) => Err(Refusal::bad_request(format!(
            "`{name}` must be a JSON object"
        ))),
    }
}

/// Builds an executable request from the GraphQL-over-HTTP parameters; a persisted query
/// (Apollo's `extensions.persistedQuery`) is looked up or remembered first.
fn graphql_request(
    persisted: &PersistedQueries,
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
) -> Result<async_graphql::Request, Refusal> {
    let query = match query {
        Some(serde_json::Value::String(query)) => Some(query),
        None | Some(serde_json::Value::Null) => None,
        Some(_) => return Err(Refusal::bad_request("`query` must be a string")),
    };
    let extensions = object_parameter("extensions", extensions)?;
    let query = match persisted.resolve(query.as_deref(), extensions.as_ref()) {
        Resolution::NotPersisted => {
            query.ok_or_else(|| Refusal::bad_request("the `query` parameter is missing"))?
        }
        Resolution::Query(query) => query,
        // Apollo clients look for this message, then send the query with its hash.
        Resolution::NotFound => {
            return Err(Refusal::before_graphql(
                ErrorCode::PersistedQueryNotFound,
                "PersistedQueryNotFound",
            ));
        }
        Resolution::Invalid(reason) => return Err(Refusal::bad_request(reason)),
    };
    let mut request = async_graphql::Request::new(query);
    match operation_name {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(Refusal::bad_request("`operationName` must be a string")),
    }
    if let Some(variables) = object_parameter("variables", variables)? {
        request = request.variables(Variables::from_json(serde_json::Value::Object(variables)));
    }
    if let Some(extensions) = extensions {
        for (key, value) in extensions {
            if let Ok(value) = Value::from_json(value) {
                request.extensions.insert(key, value);
            }
        }
    }
    Ok(request)
}

/// The request in a GET query string; `max_depth` bounds the nesting of `variables`.
pub fn parse_get(
    request: &HttpRequest,
    persisted: &PersistedQueries,
    max_depth: usize,
) -> Result<async_graphql::Request, Refusal> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(request.query_string())
        .map_err(|_| Refusal::bad_request("the query string is malformed"))?;
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let budget = Budget::new(max_depth);
    let json_parameter = |name: &'static str| -> Result<Option<serde_json::Value>, Refusal> {
        get(name)
            .map(|text| {
                variables::parse(&text, name, &budget).map_err(|_| match budget.refusal() {
                    Some(refusal) => Refusal::bad_request(refusal.to_string()),
                    None => Refusal::bad_request(format!("`{name}` is not valid JSON")),
                })
            })
            .transpose()
    };
    graphql_request(
        persisted,
        get("query").map(serde_json::Value::String),
        get("operationName").map(serde_json::Value::String),
        json_parameter("variables")?,
        json_parameter("extensions")?,
    )
}

/// The parameters of a POST body, each read within the request's [`Budget`]; other members
/// are read within it too, and dropped.
#[derive(Debug, Default)]
struct BodyParameters {
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

/// Reads a POST body's one JSON object into [`BodyParameters`].
struct BodyReader<'a> {
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for BodyReader<'_> {
    type Value = BodyParameters;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<BodyParameters, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BodyReader<'_> {
    type Value = BodyParameters;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("one JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BodyParameters, A::Error> {
        let mut parameters = BodyParameters::default();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(BoundedValue::parameter(self.budget, &key))?;
            let slot = match key.as_str() {
                "query" => &mut parameters.query,
                "operationName" => &mut parameters.operation_name,
                "variables" => &mut parameters.variables,
                "extensions" => &mut parameters.extensions,
                // Other members are read within the same bounds, then dropped.
                _ => continue,
            };
            *slot = Some(value);
        }
        Ok(parameters)
    }
}

/// Refuses a POST whose body is not `application/json` (a cross-site form can send only
/// other types), before the body is read.
pub fn require_json(request: &HttpRequest) -> Result<(), Refusal> {
    let media_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if media_type.as_deref() != Some(APPLICATION_JSON) {
        return Err(Refusal::unreadable(
            Unreadable::UnsupportedMediaType,
            "send the request as Content-Type: application/json",
        ));
    }
    Ok(())
}

/// The request in a POST body (checked by [`require_json`]); `max_depth` bounds the nesting
/// of `variables`.
pub fn parse_post(
    body: &[u8],
    persisted: &PersistedQueries,
    max_depth: usize,
) -> Result<async_graphql::Request, Refusal> {
    let budget = Budget::new(max_depth);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parameters = BodyReader { budget: &budget }
        .deserialize(&mut deserializer)
        .and_then(|parameters| deserializer.end().map(|()| parameters))
        .map_err(|error| match budget.refusal() {
            Some(refusal) => Refusal::bad_request(refusal.to_string()),
            None if error.classify() == serde_json::error::Category::Data => Refusal::bad_request(
                "the request body must be one JSON object (batches are not accepted)",
            ),
            None => Refusal::bad_request("the request body is not valid JSON"),
        })?;
    graphql_request(
        persisted,
        parameters.query,
        parameters.operation_name,
        parameters.variables,
        parameters.extensions,
    )
}
