//! Reads a request body within a size limit and a deadline. actix-web's `Bytes` extractor
//! enforces the size but waits for the bytes as long as the client keeps the connection
//! open, so a client sending a byte every few seconds held a connection (and its buffers)
//! for ever; here the whole body must arrive within `limits.body_timeout_ms`.

use std::time::Duration;

use actix_web::web::{self, Bytes, BytesMut};
use futures_util::StreamExt;

use super::refusal::{Refusal, Unreadable};

/// Reads `payload` whole. A declared `Content-Length` over `max_bytes` is refused before
/// anything is read.
pub async fn read(
    mut payload: web::Payload,
    content_length: Option<usize>,
    max_bytes: usize,
    timeout: Duration,
) -> Result<Bytes, Refusal> {
    let too_large = || {
        Refusal::unreadable(
            Unreadable::BodyTooLarge,
            format!("the request body is larger than {max_bytes} bytes (limits.max_body_bytes)"),
        )
    };
    if content_length.is_some_and(|length| length > max_bytes) {
        return Err(too_large());
    }
    let mut body = BytesMut::with_capacity(content_length.unwrap_or(0));
    let reading = async {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| {
                Refusal::bad_request("the request body could not be read to its end")
            })?;
            if body.len() + chunk.len() > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(())
    };
    match tokio::time::timeout(timeout, reading).await {
        Ok(read) => read.map(|()| body.freeze()),
        Err(_) => Err(Refusal::unreadable(
            Unreadable::BodyTimeout,
            format!(
                "the request body did not arrive within {} ms (limits.body_timeout_ms)",
                timeout.as_millis()
            ),
        )),
    }
}
