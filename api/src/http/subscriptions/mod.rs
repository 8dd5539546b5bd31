//! GraphQL over a stream: subscriptions (and any other operation) over WebSocket with the
//! `graphql-transport-ws` protocol ([`ws`]) and over Server-Sent Events with the
//! `graphql-sse` protocol in distinct-connections mode ([`sse`]).
//!
//! Both transports admit an operation as `POST /graphql` does (rate limit, key, document
//! limits, trusted documents), plus a [`SubscriptionSlots`] place per subscription. Each
//! connection writes through a buffer of `limits.subscription_buffer` messages; the
//! subscription reads the next page of the change log only when there is room, so the server
//! never buffers without bound, and a client that does not read for `limits.slow_consumer_ms`
//! is disconnected with a reason (it resumes from the last cursor it received).

mod slots;
pub mod sse;
pub mod ws;

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::{HttpRequest, web};

use async_graphql::Request;
use futures_util::{Stream, StreamExt as _};

pub use slots::{Slot, SubscriptionSlots};

use super::graphql::{HttpServices, check_trusted, classify_errors, is_request_error};
use super::refusal::Refusal;
use crate::config::Limits;
use crate::graphql::SymbiosSchema;
use crate::graphql::request::{Caller, RequestLanguages};
use crate::service::access::Principal;
use crate::service::lang::LanguagePreference;

/// The reason given to a client disconnected for reading too slowly.
pub const SLOW_CONSUMER_REASON: &str = "slow consumer: the client did not read for limits.slow_consumer_ms; resume from the last cursor";

/// The app's shared data a streaming handler works with.
pub struct Endpoint {
    pub schema: Arc<SymbiosSchema>,
    pub limits: Limits,
    pub services: Arc<HttpServices>,
}

impl Endpoint {
    /// The data `symbios_http_app!` registered, as `request` sees it.
    pub fn of(request: &HttpRequest) -> Option<Self> {
        Some(Self {
            schema: request
                .app_data::<web::Data<SymbiosSchema>>()?
                .clone()
                .into_inner(),
            limits: ***request.app_data::<web::Data<Limits>>()?,
            services: request
                .app_data::<web::Data<HttpServices>>()?
                .clone()
                .into_inner(),
        })
    }
}

/// What an operation sends its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A result (`{data, errors?}` as JSON).
    Next(String),
    /// The operation was refused before it ran: the GraphQL errors as a JSON array. Nothing
    /// follows.
    Error(String),
    /// The operation ended.
    Complete,
}

/// Admits `request` from the caller `principal` at `client`: trusted documents and, for a
/// subscription, a slot; gives the request its caller and languages.
pub(super) async fn admit(
    services: &HttpServices,
    mut request: Request,
    principal: Option<Principal>,
    client: Option<IpAddr>,
    request_id: &str,
    languages: LanguagePreference,
) -> Result<(Request, Option<Slot>), Refusal> {
    check_trusted(services, principal.is_some(), &request.query).await?;
    let is_subscription = request.parsed_query().is_ok_and(|document| {
        document.operations.iter().any(|(_, operation)| {
            operation.node.ty == async_graphql::parser::types::OperationType::Subscription
        })
    });
    let slot = if is_subscription {
        Some(services.subscriptions.take(principal.as_ref(), client)?)
    } else {
        None
    };
    let caller = Caller {
        principal,
        request_id: Some(request_id.to_owned()),
    };
    Ok((request.data(RequestLanguages(languages)).data(caller), slot))
}

/// The events of `request`: a [`Event::Next`] per result (or one [`Event::Error`] when it is
/// refused before it runs), then [`Event::Complete`]; errors coded as on `POST /graphql`.
pub(super) fn events(
    schema: &SymbiosSchema,
    request: Request,
    request_id: String,
) -> impl Stream<Item = Event> + Send + 'static + use<> {
    let responses = schema.execute_stream(request);
    responses
        .map(move |mut response| {
            let request_error = is_request_error(&response);
            classify_errors(&mut response, &request_id, request_error);
            if request_error {
                Event::Error(
                    serde_json::to_string(&response.errors).unwrap_or_else(|_| "[]".to_owned()),
                )
            } else {
                Event::Next(serde_json::to_string(&response).unwrap_or_else(|_| {
                    r#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#
                        .to_owned()
                }))
            }
        })
        .chain(futures_util::stream::iter([Event::Complete]))
        .scan(false, |ended, event| {
            // Nothing follows an error, not even `Complete`.
            if *ended {
                return std::future::ready(None);
            }
            *ended = matches!(event, Event::Error(_));
            std::future::ready(Some(event))
        })
}
