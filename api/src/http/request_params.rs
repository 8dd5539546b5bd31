//! The GraphQL-over-HTTP request parameters (`query`, `operationName`, `variables`,
//! `extensions`) of a GET query string or a POST JSON body, turned into an executable
//! request. The JSON is read within the bounds of [`crate::graphql::variables`] as it is
//! parsed; a persisted query (Apollo's `extensions.persistedQuery`) is looked up or
//! remembered here.

use std::fmt;

use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_TYPE;
use async_graphql::{Value, Variables};
use sea_orm::DatabaseConnection;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Map;

use super::negotiation::APPLICATION_JSON;
use super::persisted::{PersistedQueries, Resolution};
use super::refusal::{Refusal, Unreadable};
use super::trusted::TrustedDocuments;
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

/// A request sent by a document's id whose text is still to be looked up among the trusted
/// documents ([`resolve_by_id`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ById {
    id: String,
    /// Sent as an automatic persisted query's hash (not as `documentId`).
    persisted_query: bool,
}

/// A request read from its parameters; its text may still be to be looked up by id.
#[derive(Debug)]
pub struct Parsed {
    /// The request; its `query` is empty while `by_id` is set.
    pub request: async_graphql::Request,
    /// The id to look the text up by.
    pub by_id: Option<ById>,
}

fn string_parameter(
    name: &str,
    value: Option<serde_json::Value>,
) -> Result<Option<String>, Refusal> {
    match value {
        Some(serde_json::Value::String(value)) => Ok(Some(value)),
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(_) => Err(Refusal::bad_request(format!("`{name}` must be a string"))),
    }
}

/// The GraphQL-over-HTTP parameters, and `documentId` (what Relay and GraphQL Code
/// Generator clients send for a trusted document).
#[derive(Debug, Default)]
struct Parameters {
    query: Option<serde_json::Value>,
    document_id: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

/// Builds an executable request from the GraphQL-over-HTTP parameters; a persisted query
/// (Apollo's `extensions.persistedQuery`) is looked up or remembered first, and a hash it
/// does not know, or a `documentId`, is left to look up among the trusted documents.
fn graphql_request(
    persisted: &PersistedQueries,
    parameters: Parameters,
) -> Result<Parsed, Refusal> {
    let query = string_parameter("query", parameters.query)?;
    let document_id = string_parameter("documentId", parameters.document_id)?;
    let extensions = object_parameter("extensions", parameters.extensions)?;
    let (query, by_id) = match (document_id, query) {
        (Some(_), Some(_)) => {
            return Err(Refusal::bad_request(
                "send either `query` or `documentId`, not both",
            ));
        }
        (Some(id), None) => (
            String::new(),
            Some(ById {
                id,
                persisted_query: false,
            }),
        ),
        (None, query) => match persisted.resolve(query.as_deref(), extensions.as_ref()) {
            Resolution::NotPersisted => (
                query.ok_or_else(|| Refusal::bad_request("the `query` parameter is missing"))?,
                None,
            ),
            Resolution::Query(query) => (query, None),
            Resolution::NotFound(hash) => (
                String::new(),
                Some(ById {
                    id: hash,
                    persisted_query: true,
                }),
            ),
            Resolution::Invalid(reason) => return Err(Refusal::bad_request(reason)),
        },
    };
    let (operation_name, variables) = (parameters.operation_name, parameters.variables);
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
    Ok(Parsed { request, by_id })
}

/// Fills in the text of a request sent by id from the trusted documents; an unknown id is
/// `PERSISTED_QUERY_NOT_FOUND`.
pub async fn resolve_by_id(
    parsed: Parsed,
    trusted: &TrustedDocuments,
    db: &DatabaseConnection,
) -> Result<async_graphql::Request, Refusal> {
    let Parsed {
        mut request,
        by_id: Some(by_id),
    } = parsed
    else {
        return Ok(parsed.request);
    };
    match trusted.text_of(db, &by_id.id).await {
        Ok(Some(text)) => {
            request.query = text;
            Ok(request)
        }
        // Apollo clients look for this message, then send the query with its hash.
        Ok(None) if by_id.persisted_query => Err(Refusal::before_graphql(
            ErrorCode::PersistedQueryNotFound,
            "PersistedQueryNotFound",
        )),
        Ok(None) => Err(Refusal::before_graphql(
            ErrorCode::PersistedQueryNotFound,
            format!(
                "no trusted document has the id `{}`; add its manifest with `symbios documents add`",
                by_id.id
            ),
        )),
        Err(error) => {
            tracing::error!(error = %error, "looking up a trusted document failed");
            Err(Refusal::before_graphql(
                ErrorCode::Internal,
                "looking up the document failed",
            ))
        }
    }
}

/// The request in a GET query string; `max_depth` bounds the nesting of `variables`.
pub fn parse_get(
    request: &HttpRequest,
    persisted: &PersistedQueries,
    max_depth: usize,
) -> Result<Parsed, Refusal> {
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
        Parameters {
            query: get("query").map(serde_json::Value::String),
            document_id: get("documentId").map(serde_json::Value::String),
            operation_name: get("operationName").map(serde_json::Value::String),
            variables: json_parameter("variables")?,
            extensions: json_parameter("extensions")?,
        },
    )
}

/// Reads a POST body's one JSON object into [`Parameters`].
struct BodyReader<'a> {
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for BodyReader<'_> {
    type Value = Parameters;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Parameters, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BodyReader<'_> {
    type Value = Parameters;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("one JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parameters, A::Error> {
        let mut parameters = Parameters::default();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(BoundedValue::parameter(self.budget, &key))?;
            let slot = match key.as_str() {
                "query" => &mut parameters.query,
                "documentId" => &mut parameters.document_id,
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
) -> Result<Parsed, Refusal> {
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
    graphql_request(persisted, parameters)
}
