//! What caches may do with an answer (RFC 9111) and conditional GETs (RFC 9110 §13).
//!
//! A `GET /graphql` answer is stored for `http.cache_max_age_seconds` only when it can be
//! the same for everyone who sends the same URL and the same `Accept` and `Accept-Language`:
//! no `Authorization` header, a 2xx status, no error in the body. Everything else the
//! endpoint answers (refusals, rate-limited requests, errors, answers to keys) is
//! `no-store`, so that a cache never replays a 429 or one key's answer. A stored answer
//! carries a strong `ETag`, and `If-None-Match` with it (or `*`) gets `304 Not Modified`.

use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, ETag, EntityTag, Header, HeaderValue, IfNoneMatch,
    VARY,
};
use actix_web::{HttpRequest, HttpResponse};

use crate::service::digest::sha256_hex;

/// The request headers a `GET /graphql` answer depends on: the media type, the language of
/// the texts, and the key (answers to a key are not stored, and a stored anonymous answer
/// must not stand in for one).
pub const GRAPHQL_VARY: &str = "Accept, Accept-Language, Authorization";

/// For answers no cache may keep: probes, metrics, refusals, errors, answers to keys.
pub const NO_STORE: &str = "no-store";

/// For answers a cache may keep but must check (with the `ETag`) before each use.
pub const REVALIDATE: &str = "no-cache";

/// Whether a `GET /graphql` answer with `status` and (when `has_errors`) errors in its body
/// may be stored by a cache.
pub fn is_cacheable(request: &HttpRequest, status: StatusCode, has_errors: bool) -> bool {
    status.is_success() && !has_errors && !request.headers().contains_key(AUTHORIZATION)
}

/// `max-age=N` for a cacheable `GET /graphql` answer. Not `public`: a shared cache then
/// keeps the rule that answers to requests with `Authorization` are not stored.
pub fn max_age(seconds: u32) -> String {
    format!("max-age={seconds}")
}

/// A 200 answer of `content_type` with `body`, which caches may keep as `cache_control`
/// says, with a strong `ETag`; `304 Not Modified` without a body when the request's
/// `If-None-Match` matches it.
pub fn validated<B>(
    request: &HttpRequest,
    cache_control: &str,
    content_type: &str,
    body: B,
) -> HttpResponse
where
    B: MessageBody + AsRef<[u8]> + 'static,
{
    let etag = entity_tag(content_type, body.as_ref());
    let not_modified = none_match_matches(request, &etag);
    let mut builder = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder
        .insert_header(ETag(etag))
        .insert_header((CACHE_CONTROL, cache_control.to_owned()));
    if not_modified {
        return builder.finish();
    }
    builder.insert_header((CONTENT_TYPE, content_type.to_owned()));
    builder.body(body)
}

/// Adds `Vary` with the headers a `/graphql` answer depends on, and `no-store` when nothing
/// has said how the answer may be cached.
pub fn finish_graphql_get(response: &mut HttpResponse) {
    let headers = response.headers_mut();
    headers.insert(VARY, HeaderValue::from_static(GRAPHQL_VARY));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
    }
}

/// A strong entity tag for a representation: the SHA-256 of its media type and bytes (two
/// media types with the same bytes are different representations).
fn entity_tag(content_type: &str, body: &[u8]) -> EntityTag {
    let mut representation = Vec::with_capacity(content_type.len() + 1 + body.len());
    representation.extend_from_slice(content_type.as_bytes());
    representation.push(b'\n');
    representation.extend_from_slice(body);
    EntityTag::new_strong(sha256_hex(representation))
}

/// Whether the request's `If-None-Match` (actix-web's typed header) is `*` or holds `etag`
/// by weak comparison (RFC 9110 §13.1.2: `W/"x"` matches `"x"`). A header that does not
/// parse is ignored.
fn none_match_matches(request: &HttpRequest, etag: &EntityTag) -> bool {
    match IfNoneMatch::parse(request) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(etag)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn header_of(response: &HttpResponse, name: actix_web::http::header::HeaderName) -> String {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_default()
    }

    fn answer_to(if_none_match: Option<&str>) -> HttpResponse {
        let mut request = TestRequest::get();
        if let Some(value) = if_none_match {
            request = request.insert_header((actix_web::http::header::IF_NONE_MATCH, value));
        }
        validated(
            &request.to_http_request(),
            &max_age(60),
            "application/json",
            b"{}".to_vec(),
        )
    }

    #[test]
    fn matching_tags_get_304_others_200() {
        let etag = header_of(&answer_to(None), actix_web::http::header::ETAG);
        assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
        for (header, status) in [
            (etag.clone(), StatusCode::NOT_MODIFIED),
            (format!("W/{etag}"), StatusCode::NOT_MODIFIED),
            (format!(r#""other", {etag}"#), StatusCode::NOT_MODIFIED),
            ("*".to_owned(), StatusCode::NOT_MODIFIED),
            (r#""other""#.to_owned(), StatusCode::OK),
            (etag.trim_matches('"').to_owned(), StatusCode::OK),
        ] {
            let response = answer_to(Some(&header));
            assert_eq!(response.status(), status, "If-None-Match: {header}");
            assert_eq!(header_of(&response, actix_web::http::header::ETAG), etag);
            assert_eq!(header_of(&response, CACHE_CONTROL), "max-age=60");
        }
    }

    #[test]
    fn the_media_type_is_part_of_the_tag() {
        assert_ne!(
            entity_tag("application/json", b"{}"),
            entity_tag("application/graphql-response+json", b"{}")
        );
    }
}
