//! GraphQL over Server-Sent Events (the `graphql-sse` protocol, distinct-connections mode):
//! `POST /graphql` with `Accept: text/event-stream` answers with a stream of `next` events,
//! each a GraphQL result, ended by a `complete` event. Requests refused before they run get
//! the ordinary JSON answer and status. A comment line every `limits.heartbeat_ms` keeps
//! proxies from closing an idle stream.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::header::{ACCEPT, CACHE_CONTROL};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use tracing_actix_web::RequestId;

use super::{Endpoint, Event, SLOW_CONSUMER_REASON, admit, events};
use crate::error::ErrorCode;
use crate::http::graphql::{authenticate, prepare_post};
use crate::http::negotiation::{ResponseFormat, accepted_languages};

/// The media type of the stream.
const EVENT_STREAM: &str = "text/event-stream";

/// Whether the client asks for an event stream.
pub fn is_requested(request: &HttpRequest) -> bool {
    request
        .headers()
        .get_all(ACCEPT)
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains(EVENT_STREAM))
}

/// One event in the stream's wire format.
fn frame(event: &Event) -> Bytes {
    match event {
        Event::Next(result) => Bytes::from(format!("event: next\ndata: {result}\n\n")),
        Event::Error(errors) => {
            Bytes::from(format!("event: next\ndata: {{\"errors\":{errors}}}\n\n"))
        }
        Event::Complete => Bytes::from_static(b"event: complete\ndata:\n\n"),
    }
}

/// `POST /graphql` asking for `text/event-stream`.
pub async fn execute(
    endpoint: Endpoint,
    http_request: HttpRequest,
    request_id: RequestId,
    payload: web::Payload,
) -> HttpResponse {
    let Endpoint {
        schema,
        limits,
        services,
    } = endpoint;
    let format = ResponseFormat::Json;
    let admitted = async {
        let request = prepare_post(&limits, &services, &http_request, payload, format).await?;
        let principal = authenticate(&services, &http_request, request_id).await?;
        admit(
            &services,
            request,
            principal,
            services.client_address.of(&http_request),
            &request_id.to_string(),
            accepted_languages(&http_request),
        )
        .await
    };
    let (request, slot) = match admitted.await {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal.into_response(format),
    };
    let events = events(&schema, request, request_id.to_string());
    let (sender, receiver) = mpsc::channel::<Bytes>(limits.subscription_buffer);
    let last_word = Arc::new(Mutex::new(None));
    let slow = Duration::from_millis(limits.slow_consumer_ms);
    let pump_last_word = Arc::clone(&last_word);
    actix_web::rt::spawn(async move {
        // Held until the operation ends or the client leaves.
        let _slot = slot;
        let mut events = std::pin::pin!(events);
        while let Some(event) = events.next().await {
            match tokio::time::timeout(slow, sender.send(frame(&event))).await {
                Ok(Ok(())) => {}
                // The client left.
                Ok(Err(_)) => return,
                Err(_) => {
                    metrics::counter!(crate::metrics::SLOW_CONSUMERS).increment(1);
                    if let Ok(mut last_word) = pump_last_word.lock() {
                        *last_word = Some(slow_consumer_frame());
                    }
                    return;
                }
            }
        }
    });
    let heartbeat = Duration::from_millis(limits.heartbeat_ms);
    let body = futures_util::stream::unfold(
        (
            receiver,
            last_word,
            tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat),
            false,
        ),
        |(mut receiver, last_word, mut ticks, ended)| async move {
            if ended {
                return None;
            }
            tokio::select! {
                frame = receiver.recv() => match frame {
                    Some(frame) => Some((Ok::<_, actix_web::Error>(frame), (receiver, last_word, ticks, false))),
                    None => {
                        let said = last_word.lock().ok().and_then(|mut word| word.take());
                        said.map(|frame| (Ok(frame), (receiver, last_word, ticks, true)))
                    }
                },
                _ = ticks.tick() => Some((Ok(Bytes::from_static(b":\n\n")), (receiver, last_word, ticks, false))),
            }
        },
    );
    HttpResponse::Ok()
        .content_type(EVENT_STREAM)
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body)
}

/// The last event a slow consumer gets, when it reads again: an error naming the reason.
fn slow_consumer_frame() -> Bytes {
    let errors = serde_json::json!([{
        "message": SLOW_CONSUMER_REASON,
        "extensions": { "code": ErrorCode::SlowConsumer.as_str() },
    }]);
    frame(&Event::Error(errors.to_string()))
}
