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
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH, VARY,
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
        .insert_header((ETAG, etag))
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
fn entity_tag(content_type: &str, body: &[u8]) -> String {
    let mut representation = Vec::with_capacity(content_type.len() + 1 + body.len());
    representation.extend_from_slice(content_type.as_bytes());
    representation.push(b'\n');
    representation.extend_from_slice(body);
    format!("\"{}\"", sha256_hex(representation))
}

/// Whether the request's `If-None-Match` matches `etag` by weak comparison (RFC 9110
/// §13.1.2: `W/"x"` matches `"x"`), or is `*`. A header that does not parse is ignored.
fn none_match_matches(request: &HttpRequest, etag: &str) -> bool {
    let ours = opaque_tag(etag);
    request
        .headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .filter_map(entity_tags)
        .flatten()
        .any(|tag| tag == "*" || Some(tag) == ours)
}

/// The opaque tag (quotes included) of an entity tag, without its weakness mark.
fn opaque_tag(tag: &str) -> Option<&str> {
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    (tag.len() >= 2 && tag.starts_with('"') && tag.ends_with('"')).then_some(tag)
}

/// The tags of an `If-None-Match` value: `*`, or a comma-separated list of entity tags
/// (`"x"`, `W/"x"`; an opaque tag may itself hold commas); each opaque tag with its quotes,
/// without its weakness mark. `None` when the value does not parse.
fn entity_tags(value: &str) -> Option<Vec<&str>> {
    if value.trim() == "*" {
        return Some(vec!["*"]);
    }
    let mut tags = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Some(tags);
        }
        rest = rest.strip_prefix("W/").unwrap_or(rest);
        let after_open = rest.strip_prefix('"')?;
        let close = after_open.find('"')?;
        let (tag, after) = rest.split_at(close + 2);
        tags.push(tag);
        rest = after;
        if !(rest.is_empty() || rest.starts_with([' ', '\t', ','])) {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn entity_tag_lists_parse() {
        assert_eq!(entity_tags("*"), Some(vec!["*"]));
        assert_eq!(
            entity_tags(r#""a", W/"b","c,d" "#),
            Some(vec![r#""a""#, r#""b""#, r#""c,d""#])
        );
        assert_eq!(entity_tags(""), Some(vec![]));
        assert_eq!(entity_tags(r#""a"x"#), None);
        assert_eq!(entity_tags(r#"a"#), None);
        assert_eq!(entity_tags(r#""unterminated"#), None);
    }

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
            request = request.insert_header((IF_NONE_MATCH, value));
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
        let etag = header_of(&answer_to(None), ETAG);
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
            assert_eq!(header_of(&response, ETAG), etag);
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
