//! `GET /records/{id}.jsonld`, and `GET /records/{id}` with `Accept: application/ld+json`:
//! a record as JSON-LD in schema.org terms (`service::linked_data`). `{id}` is the record's
//! id as the API gives it (a UUID, already fit for a URL).
//!
//! The IRIs in the document are built on the request's own base URL: the host the client
//! asked for (`Host`, or the authority of an HTTP/2 request), checked to be a host name or
//! address with an optional port, and `https` only when a trusted proxy
//! (`trusted_proxies`) says so in `X-Forwarded-Proto`: no other header a client writes
//! reaches the document.

use actix_web::http::StatusCode;
use actix_web::http::header::{Accept, HOST, Header, Quality, VARY};
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::caching;
use super::export::refusal;
use super::graphql::HttpServices;
use crate::error::{ErrorCode, code_of};
use crate::service::linked_data;

/// The media type of JSON-LD.
pub const JSON_LD: &str = "application/ld+json";
/// The suffix of the address that always answers JSON-LD.
const SUFFIX: &str = ".jsonld";
/// Longest host (with its port) taken into an IRI: a DNS name's 253 characters and a port.
const MAX_HOST: usize = 260;
/// Header a proxy says the client's scheme in.
const FORWARDED_PROTO: &str = "x-forwarded-proto";

/// The record as JSON-LD.
pub async fn record(
    services: web::Data<HttpServices>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let segment = path.into_inner();
    let (id, negotiated) = match segment.strip_suffix(SUFFIX) {
        Some(id) => (id.to_owned(), false),
        None => (segment, true),
    };
    let mut response = answer(&services, &request, &id, negotiated).await;
    if negotiated {
        // The same address answers JSON-LD or 406 by `Accept`.
        response.headers_mut().insert(
            VARY,
            actix_web::http::header::HeaderValue::from_static("Accept"),
        );
    }
    response
}

async fn answer(
    services: &HttpServices,
    request: &HttpRequest,
    id: &str,
    negotiated: bool,
) -> HttpResponse {
    if negotiated && !accepts_json_ld(request) {
        return refusal(
            StatusCode::NOT_ACCEPTABLE,
            ErrorCode::BadUserInput,
            "a record is served as application/ld+json: send that in Accept, or ask for /records/{id}.jsonld",
        );
    }
    let Ok(id) = Uuid::parse_str(id) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            "id: must be a record id as the API gives it (a UUID such as 6f1c…-…)",
        );
    };
    let Some(base) = base_url(services, request) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            "Host: must name the server (a host name or address with an optional port)",
        );
    };
    match linked_data::document(&services.db, id, &base).await {
        Ok(Some(document)) => match serde_json::to_vec(&document) {
            Ok(body) => caching::validated(
                request,
                &caching::max_age(services.http.cache_max_age_seconds),
                JSON_LD,
                body,
            ),
            Err(error) => internal(&error.to_string()),
        },
        Ok(None) => refusal(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no record has this id",
        ),
        Err(error) => match code_of(&error) {
            ErrorCode::Internal => internal(&error.to_string()),
            code => refusal(StatusCode::BAD_REQUEST, code, &error.to_string()),
        },
    }
}

fn internal(message: &str) -> HttpResponse {
    tracing::error!(error = %message, "linked data failed");
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        message,
    )
}

/// Whether `Accept` admits JSON-LD: no header, `application/ld+json`, `application/json`
/// (JSON-LD is JSON), `application/*` or `*/*`, at a q-value above 0.
fn accepts_json_ld(request: &HttpRequest) -> bool {
    if !request
        .headers()
        .contains_key(actix_web::http::header::ACCEPT)
    {
        return true;
    }
    let Ok(accept) = Accept::parse(request) else {
        return false;
    };
    accept.iter().any(|range| {
        range.quality > Quality::ZERO
            && matches!(
                range.item.essence_str(),
                JSON_LD | "application/json" | "application/*" | "*/*"
            )
    })
}

/// `scheme://host[:port]` of the request, or `None` when the host is missing or is not a
/// host name, IPv4 or bracketed IPv6 address with an optional port.
fn base_url(services: &HttpServices, request: &HttpRequest) -> Option<String> {
    let host = match request.uri().authority() {
        Some(authority) => authority.as_str().to_owned(),
        None => request.headers().get(HOST)?.to_str().ok()?.to_owned(),
    };
    if !is_host(&host) {
        return None;
    }
    let https = services.client_address.peer_is_trusted(request)
        && request
            .headers()
            .get(FORWARDED_PROTO)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    let scheme = if https { "https" } else { "http" };
    Some(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// A host name (letters, digits, `-`, `.`), an IPv4 address or a bracketed IPv6 address,
/// with an optional port of digits.
fn is_host(host: &str) -> bool {
    if host.len() > MAX_HOST {
        return false;
    }
    let (name, port) = match host.rfind(']') {
        // `[address]` and what follows it.
        Some(end) => host.split_at(end + 1),
        None => match host.find(':') {
            Some(colon) => host.split_at(colon),
            None => (host, ""),
        },
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|digits| {
            (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        });
    let name_ok = match name.strip_prefix('[') {
        Some(bracketed) => bracketed
            .strip_suffix(']')
            .is_some_and(|address| address.parse::<std::net::Ipv6Addr>().is_ok()),
        None => {
            !name.is_empty()
                && !name.starts_with(['.', '-'])
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
    };
    port_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::is_host;

    #[test]
    fn hosts_are_names_or_addresses_with_a_port() {
        for good in [
            "example.org",
            "127.0.0.1:8080",
            "[::1]",
            "[2001:db8::1]:443",
            "kb.symbios.example",
        ] {
            assert!(is_host(good), "{good}");
        }
        for bad in [
            "",
            "example.org:",
            "exa mple.org",
            "evil.org/path",
            "user@evil.org",
            "[::1",
            "[nothost]:80",
            "host:80:80",
            "host:123456",
            ".example.org",
            "<script>",
        ] {
            assert!(!is_host(bad), "{bad}");
        }
    }
}
