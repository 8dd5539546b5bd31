//! GraphQL over WebSocket: the `graphql-transport-ws` protocol (what `graphql-ws`, Apollo
//! and urql speak) on `GET /graphql` with `Upgrade: websocket`.
//!
//! The client sends `connection_init` within `limits.connection_init_timeout_ms` (with the
//! API key as `{"authorization": "Bearer <key>"}` in its payload, or in the upgrade
//! request's `Authorization` header), then `subscribe` messages, each admitted as a
//! `POST /graphql` would be. The server pings every `limits.heartbeat_ms` and closes a
//! connection that stays silent for two intervals, or whose client does not read for
//! `limits.slow_consumer_ms` (close code [`close::SLOW_CONSUMER`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use actix_web::http::header::{HeaderValue, SEC_WEBSOCKET_PROTOCOL};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message, MessageStream, ProtocolError, Session};
use futures_util::StreamExt as _;
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout};
use tracing_actix_web::RequestId;

use super::{Endpoint, Event, SLOW_CONSUMER_REASON, admit, events};
use crate::config::Limits;
use crate::error::ErrorCode;
use crate::graphql::SymbiosSchema;
use crate::http::graphql::{HttpServices, authenticate, authenticate_token, rate_limit};
use crate::http::negotiation::{ResponseFormat, accepted_languages};
use crate::http::refusal::Refusal;
use crate::http::{document, request_params};
use crate::service::access::Principal;
use crate::service::lang::LanguagePreference;

/// The subprotocol spoken.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// Close codes (those of the protocol, and ours).
pub mod close {
    /// A message that is not valid JSON, or not of the protocol.
    pub const BAD_MESSAGE: u16 = 4400;
    /// `subscribe` before `connection_ack`.
    pub const UNAUTHORIZED: u16 = 4401;
    /// The key in `connection_init` is unknown or revoked.
    pub const FORBIDDEN: u16 = 4403;
    /// No `connection_init` in time.
    pub const INIT_TIMEOUT: u16 = 4408;
    /// A `subscribe` with an id already in use.
    pub const DUPLICATE_ID: u16 = 4409;
    /// A second `connection_init`.
    pub const TOO_MANY_INITS: u16 = 4429;
    /// The client did not read for `limits.slow_consumer_ms`: resume from the last cursor.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// The server shuts down.
    pub const GOING_AWAY: u16 = 1001;
    /// The client answered no ping for two heartbeat intervals.
    pub const NO_HEARTBEAT: u16 = 4000;
}

/// Whether `request` asks to upgrade to a WebSocket.
pub fn is_upgrade(request: &actix_web::dev::RequestHead) -> bool {
    request
        .headers()
        .get(actix_web::http::header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

fn offers_protocol(request: &HttpRequest) -> bool {
    request
        .headers()
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|offered| offered.trim() == PROTOCOL)
}

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn upgrade(
    http_request: HttpRequest,
    request_id: RequestId,
    payload: web::Payload,
) -> HttpResponse {
    let Some(Endpoint {
        schema,
        limits,
        services,
    }) = Endpoint::of(&http_request)
    else {
        return HttpResponse::InternalServerError().finish();
    };
    let format = ResponseFormat::Json;
    if let Err(refusal) = rate_limit(&services, &http_request) {
        return refusal.into_response(format);
    }
    if !offers_protocol(&http_request) {
        return Refusal::bad_request(format!(
            "offer the `{PROTOCOL}` subprotocol (Sec-WebSocket-Protocol)"
        ))
        .into_response(format);
    }
    let principal = match authenticate(&services, &http_request, request_id).await {
        Ok(principal) => principal,
        Err(refusal) => return refusal.into_response(format),
    };
    let (mut response, session, stream) = match actix_ws::handle(&http_request, payload) {
        Ok(handled) => handled,
        Err(error) => return error.error_response(),
    };
    response
        .headers_mut()
        .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(PROTOCOL));
    let connection = Connection {
        schema,
        limits,
        services,
        client: Option::None,
        request_id,
        languages: accepted_languages(&http_request),
        principal,
        header_key: super::super::graphql::bearer_token(&http_request).map(str::to_owned),
        subscriptions: HashMap::new(),
    };
    let client = connection.services.client_address.of(&http_request);
    let stream = stream.max_frame_size(limits.max_body_bytes);
    actix_web::rt::spawn(
        Connection {
            client,
            ..connection
        }
        .serve(session, stream),
    );
    response
}

/// A message from the client.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<serde_json::Value>,
    },
    Subscribe {
        id: String,
        payload: serde_json::Value,
    },
    Complete {
        id: String,
    },
    // Their payloads, if any, are ignored.
    Ping {},
    Pong {},
}

/// What a subscription's task hands the connection.
enum Outgoing {
    /// A message to send.
    Text(String),
    /// The operation `id` ended (after its last message).
    Ended(String),
}

/// Why a connection closes.
struct Closing(u16, String);

impl Closing {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        Self(code, reason.into())
    }
}

struct Connection {
    schema: std::sync::Arc<SymbiosSchema>,
    limits: Limits,
    services: std::sync::Arc<HttpServices>,
    client: Option<IpAddr>,
    request_id: RequestId,
    languages: LanguagePreference,
    principal: Option<Principal>,
    /// The key of the `Authorization` header, counted by the rate limiter.
    header_key: Option<String>,
    /// The running operations, by id.
    subscriptions: HashMap<String, tokio::task::AbortHandle>,
}

impl Connection {
    async fn serve(mut self, mut session: Session, mut stream: MessageStream) {
        let closing = match self.initialise(&mut session, &mut stream).await {
            Ok(()) => self.run(&mut session, &mut stream).await,
            Err(closing) => Some(closing),
        };
        for (_, subscription) in self.subscriptions.drain() {
            subscription.abort();
        }
        if let Some(Closing(code, reason)) = closing {
            let reason = CloseReason {
                code: CloseCode::from(code),
                description: Some(reason),
            };
            // A client that does not read may never take the close frame: bounded.
            let _ = timeout(
                Duration::from_millis(self.limits.slow_consumer_ms),
                session.close(Some(reason)),
            )
            .await;
        }
    }

    /// Waits for `connection_init`, authenticates its key and acknowledges.
    async fn initialise(
        &mut self,
        session: &mut Session,
        stream: &mut MessageStream,
    ) -> Result<(), Closing> {
        let deadline = Duration::from_millis(self.limits.connection_init_timeout_ms);
        let init = timeout(deadline, async {
            loop {
                match stream.recv().await {
                    Some(Ok(Message::Text(text))) => return Ok(text),
                    Some(Ok(Message::Ping(bytes))) => {
                        let _ = session.pong(&bytes).await;
                    }
                    Some(Ok(Message::Pong(_))) => {}
                    Some(Ok(_)) | None => return Err(Closing::new(1000, "closed")),
                    Some(Err(error)) => return Err(protocol_error(&error)),
                }
            }
        })
        .await
        .map_err(|_| Closing::new(close::INIT_TIMEOUT, "Connection initialisation timeout"))??;
        let payload = match parse(&init)? {
            ClientMessage::ConnectionInit { payload } => payload,
            ClientMessage::Subscribe { .. } => {
                return Err(Closing::new(close::UNAUTHORIZED, "Unauthorized"));
            }
            _ => {
                return Err(Closing::new(
                    close::BAD_MESSAGE,
                    "expected connection_init first",
                ));
            }
        };
        if let Some(token) = init_key(payload.as_ref()) {
            match authenticate_token(&self.services, self.client, &token, self.request_id).await {
                Ok(principal) => {
                    self.principal = Some(principal);
                    self.header_key = Some(token);
                }
                Err(refusal) => {
                    return Err(Closing::new(
                        close::FORBIDDEN,
                        format!("Forbidden: {}", refusal.message),
                    ));
                }
            }
        }
        send(
            session,
            r#"{"type":"connection_ack"}"#.to_owned(),
            &self.limits,
        )
        .await
    }

    /// Serves the acknowledged connection; returns why it closes (`None`: the client left).
    async fn run(&mut self, session: &mut Session, stream: &mut MessageStream) -> Option<Closing> {
        let (sender, mut receiver) = mpsc::channel::<Outgoing>(self.limits.subscription_buffer);
        let interval = Duration::from_millis(self.limits.heartbeat_ms);
        let mut heartbeat = tokio::time::interval_at(Instant::now() + interval, interval);
        let mut heard = Instant::now();
        let closed = self.services.changes.closed();
        let mut closed = std::pin::pin!(closed);
        loop {
            tokio::select! {
                () = &mut closed => {
                    return Some(Closing::new(close::GOING_AWAY, "the server is shutting down: connect again (to another replica) and resume from the last cursor"));
                }
                message = stream.recv() => {
                    heard = Instant::now();
                    match message {
                        None | Some(Ok(Message::Close(_))) => return None,
                        Some(Ok(Message::Text(text))) => {
                            if let Err(closing) = self.on_text(&text, session, &sender).await {
                                return Some(closing);
                            }
                        }
                        Some(Ok(Message::Ping(bytes))) => {
                            if let Err(closing) = pong(session, &bytes, &self.limits).await {
                                return Some(closing);
                            }
                        }
                        Some(Ok(Message::Pong(_) | Message::Nop)) => {}
                        Some(Ok(Message::Binary(_) | Message::Continuation(_))) => {
                            return Some(Closing::new(close::BAD_MESSAGE, "binary messages are not part of the protocol"));
                        }
                        Some(Err(error)) => return Some(protocol_error(&error)),
                    }
                }
                Some(outgoing) = receiver.recv() => match outgoing {
                    Outgoing::Text(text) => {
                        if let Err(closing) = send(session, text, &self.limits).await {
                            return Some(closing);
                        }
                    }
                    Outgoing::Ended(id) => {
                        self.subscriptions.remove(&id);
                    }
                },
                _ = heartbeat.tick() => {
                    if heard.elapsed() > interval * 2 {
                        return Some(Closing::new(close::NO_HEARTBEAT, "no answer to pings for two heartbeat intervals"));
                    }
                    if let Err(closing) = within_patience(session.ping(b""), &self.limits).await {
                        return Some(closing);
                    }
                }
            }
        }
    }

    async fn on_text(
        &mut self,
        text: &str,
        session: &mut Session,
        sender: &mpsc::Sender<Outgoing>,
    ) -> Result<(), Closing> {
        match parse(text)? {
            ClientMessage::ConnectionInit { .. } => Err(Closing::new(
                close::TOO_MANY_INITS,
                "Too many initialisation requests",
            )),
            ClientMessage::Ping { .. } => {
                send(session, r#"{"type":"pong"}"#.to_owned(), &self.limits).await
            }
            ClientMessage::Pong { .. } => Ok(()),
            ClientMessage::Complete { id } => {
                if let Some(subscription) = self.subscriptions.remove(&id) {
                    subscription.abort();
                }
                Ok(())
            }
            ClientMessage::Subscribe { id, payload } => {
                if self.subscriptions.contains_key(&id) {
                    return Err(Closing::new(
                        close::DUPLICATE_ID,
                        format!("Subscriber for {id} already exists"),
                    ));
                }
                match self.start(&id, payload, sender).await {
                    Ok(()) => Ok(()),
                    Err(refusal) => {
                        send(
                            session,
                            error_message(&id, &refusal.errors().to_string()),
                            &self.limits,
                        )
                        .await
                    }
                }
            }
        }
    }

    /// Admits and starts the operation `id`.
    async fn start(
        &mut self,
        id: &str,
        payload: serde_json::Value,
        sender: &mpsc::Sender<Outgoing>,
    ) -> Result<(), Refusal> {
        if self.subscriptions.len() >= self.limits.subscriptions_per_connection {
            return Err(Refusal::before_graphql(
                ErrorCode::RateLimited,
                format!(
                    "too many operations on this connection: at most {} (limits.subscriptions_per_connection)",
                    self.limits.subscriptions_per_connection
                ),
            ));
        }
        self.services
            .rate_limits
            .check(self.client, self.header_key.as_deref())
            .map_err(|retry_after| Refusal {
                retry_after: Some(retry_after),
                ..Refusal::before_graphql(
                    ErrorCode::RateLimited,
                    format!("too many requests; retry after {retry_after} s"),
                )
            })?;
        let body = serde_json::to_vec(&payload)
            .map_err(|_| Refusal::bad_request("the subscribe payload is not a JSON object"))?;
        let parsed = request_params::parse_post(
            &body,
            &self.services.persisted,
            self.limits.max_recursive_depth,
        )?;
        let mut request =
            request_params::resolve_by_id(parsed, &self.services.trusted, &self.services.db)
                .await?;
        document::prepare(
            &mut request,
            &self.limits,
            &self.services.parsed,
            ResponseFormat::Json,
        )?;
        let (request, slot) = admit(
            &self.services,
            request,
            self.principal.clone(),
            self.client,
            &self.request_id.to_string(),
            self.languages.clone(),
        )
        .await?;
        let events = events(&self.schema, request, self.request_id.to_string());
        let sender = sender.clone();
        let id = id.to_owned();
        let key = id.clone();
        // The task waits for room in the connection's buffer before reading on, so a slow
        // client slows its subscriptions down rather than growing a queue.
        let task = actix_web::rt::spawn(async move {
            let _slot = slot;
            let mut events = std::pin::pin!(events);
            while let Some(event) = events.next().await {
                let text = match event {
                    Event::Next(result) => format!(
                        r#"{{"id":{},"type":"next","payload":{result}}}"#,
                        json_string(&id)
                    ),
                    Event::Error(errors) => error_message(&id, &errors),
                    Event::Complete => {
                        format!(r#"{{"id":{},"type":"complete"}}"#, json_string(&id))
                    }
                };
                if sender.send(Outgoing::Text(text)).await.is_err() {
                    return;
                }
            }
            let _ = sender.send(Outgoing::Ended(id)).await;
        });
        self.subscriptions.insert(key, task.abort_handle());
        Ok(())
    }
}

/// The key a `connection_init` payload carries: `authorization` (or `Authorization`) as
/// `Bearer <key>` or the bare key.
fn init_key(payload: Option<&serde_json::Value>) -> Option<String> {
    let payload = payload?;
    let value = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))?
        .as_str()?;
    let key = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value)
        .trim();
    (!key.is_empty()).then(|| key.to_owned())
}

fn parse(text: &str) -> Result<ClientMessage, Closing> {
    serde_json::from_str(text).map_err(|error| {
        Closing::new(
            close::BAD_MESSAGE,
            format!("Invalid message received: {error}"),
        )
    })
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

fn error_message(id: &str, errors: &str) -> String {
    format!(
        r#"{{"id":{},"type":"error","payload":{errors}}}"#,
        json_string(id)
    )
}

fn slow_consumer() -> Closing {
    metrics::counter!(crate::metrics::SLOW_CONSUMERS).increment(1);
    Closing::new(close::SLOW_CONSUMER, SLOW_CONSUMER_REASON)
}

fn protocol_error(error: &ProtocolError) -> Closing {
    match error {
        ProtocolError::Overflow => Closing::new(1009, "the message is over limits.max_body_bytes"),
        _ => Closing::new(
            close::BAD_MESSAGE,
            format!("Invalid message received: {error}"),
        ),
    }
}

/// Sends `text`, waiting at most `limits.slow_consumer_ms` for the client to make room.
async fn send(session: &mut Session, text: String, limits: &Limits) -> Result<(), Closing> {
    within_patience(session.text(text), limits).await
}

async fn pong(session: &mut Session, bytes: &[u8], limits: &Limits) -> Result<(), Closing> {
    within_patience(session.pong(bytes), limits).await
}

/// Runs a write to the client, waiting at most `limits.slow_consumer_ms` for it to make room.
async fn within_patience(
    write: impl Future<Output = Result<(), actix_ws::Closed>>,
    limits: &Limits,
) -> Result<(), Closing> {
    match timeout(Duration::from_millis(limits.slow_consumer_ms), write).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(Closing::new(1000, "closed")),
        Err(_) => Err(slow_consumer()),
    }
}
