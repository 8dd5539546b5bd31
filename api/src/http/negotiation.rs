//! What a client accepts, from its typed `Accept` and `Accept-Language` headers (actix-web
//! parses the lists and their q-values): the media type of a GraphQL response, as the
//! GraphQL-over-HTTP specification says, and the languages texts are served in.

use actix_web::HttpMessage;
use actix_web::http::header::{ACCEPT, Accept, AcceptLanguage, Header, Preference, Quality};

use crate::service::lang::LanguagePreference;

/// The media type of the official GraphQL response format.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
/// The media type older clients accept.
pub const APPLICATION_JSON: &str = "application/json";

/// How to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    /// `application/graphql-response+json`: request errors get status 400.
    GraphqlResponseJson,
    /// `application/json`: well-formed requests get status 200, errors in the body.
    Json,
}

impl ResponseFormat {
    /// The `Content-Type` of the response.
    pub fn content_type(self) -> &'static str {
        match self {
            ResponseFormat::GraphqlResponseJson => {
                "application/graphql-response+json; charset=utf-8"
            }
            ResponseFormat::Json => "application/json; charset=utf-8",
        }
    }

    fn of_media_type(essence: &str) -> Option<Self> {
        match essence {
            GRAPHQL_RESPONSE_JSON => Some(ResponseFormat::GraphqlResponseJson),
            APPLICATION_JSON | "*/*" | "application/*" => Some(ResponseFormat::Json),
            _ => None,
        }
    }
}

/// The format for the request's `Accept`; `None` when nothing acceptable is offered. No
/// header (or one that is not text), `*/*` and `application/*` get `application/json`, which
/// every client understands. Of the media types served, the one with the highest q-value
/// wins, the first listed among equals; a media range at q=0 is refused.
pub fn negotiate(request: &impl HttpMessage) -> Option<ResponseFormat> {
    let Ok(accept) = Accept::parse(request) else {
        return Some(ResponseFormat::Json);
    };
    if accept.is_empty() {
        // Nothing parsed: no header at all is fine, a header of only unreadable ranges is
        // not acceptable.
        let names_something = request
            .headers()
            .get_all(ACCEPT)
            .any(|value| value.to_str().is_ok_and(|text| !text.trim().is_empty()));
        return (!names_something).then_some(ResponseFormat::Json);
    }
    let mut best: Option<(Quality, ResponseFormat)> = None;
    for range in accept.iter().filter(|range| range.quality > Quality::ZERO) {
        let Some(format) = ResponseFormat::of_media_type(range.item.essence_str()) else {
            continue;
        };
        if best.is_none_or(|(quality, _)| range.quality > quality) {
            best = Some((range.quality, format));
        }
    }
    best.map(|(_, format)| format)
}

/// The languages of the request's `Accept-Language`, best first; `*`, tags at q=0 and parts
/// that do not parse are left out, since a header is no place to fail a request.
pub fn accepted_languages(request: &impl HttpMessage) -> LanguagePreference {
    let Ok(accept_language) = AcceptLanguage::parse(request) else {
        return LanguagePreference::default();
    };
    let wanted = AcceptLanguage(
        accept_language
            .0
            .into_iter()
            .filter(|tag| tag.quality > Quality::ZERO)
            .collect(),
    );
    LanguagePreference::from_ranked_tags(wanted.ranked().iter().filter_map(|tag| match tag {
        Preference::Specific(tag) => Some(tag.as_str()),
        Preference::Any => None,
    }))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::ACCEPT_LANGUAGE;
    use actix_web::test::TestRequest;

    use super::*;

    fn with_accept(accept: &str) -> Option<ResponseFormat> {
        negotiate(
            &TestRequest::default()
                .insert_header((ACCEPT, accept))
                .to_http_request(),
        )
    }

    #[test]
    fn negotiates_like_the_specification() {
        assert_eq!(
            negotiate(&TestRequest::default().to_http_request()),
            Some(ResponseFormat::Json)
        );
        assert_eq!(with_accept(""), Some(ResponseFormat::Json));
        assert_eq!(with_accept("*/*"), Some(ResponseFormat::Json));
        assert_eq!(
            with_accept(GRAPHQL_RESPONSE_JSON),
            Some(ResponseFormat::GraphqlResponseJson)
        );
        assert_eq!(
            with_accept("application/graphql-response+json, application/json;q=0.9"),
            Some(ResponseFormat::GraphqlResponseJson)
        );
        assert_eq!(
            with_accept("application/json, application/graphql-response+json;q=0.5"),
            Some(ResponseFormat::Json)
        );
        assert_eq!(
            with_accept("application/json; charset=utf-8"),
            Some(ResponseFormat::Json)
        );
        assert_eq!(
            with_accept("application/graphql-response+json; charset=utf-8; foo=bar"),
            Some(ResponseFormat::GraphqlResponseJson)
        );
        assert_eq!(with_accept("Application/JSON"), Some(ResponseFormat::Json));
        // Equal q-values: the first listed wins, however specific the other.
        assert_eq!(
            with_accept("*/*, application/graphql-response+json"),
            Some(ResponseFormat::Json)
        );
        assert_eq!(with_accept("text/html"), None);
        assert_eq!(with_accept(" , "), None);
        assert_eq!(with_accept("application/json;q=0"), None);
        assert_eq!(
            with_accept("application/xml;q=1, application/json;q=0"),
            None
        );
    }

    fn languages(header: &str) -> Vec<&'static str> {
        let request = TestRequest::default()
            .insert_header((ACCEPT_LANGUAGE, header))
            .to_http_request();
        accepted_languages(&request).languages().to_vec()
    }

    #[test]
    fn accept_language_is_ranked_by_q_value() {
        assert_eq!(
            languages("en;q=0.5, de-DE, fr;q=0.9, xx!!, sv;q=0.7"),
            ["de", "sv", "en"]
        );
        assert_eq!(languages("nb, en;q=0.5"), ["nb", "en"]);
        assert_eq!(languages("da;q=0.2, da-DK;q=0.8"), ["da"]);
        assert!(languages("*;q=0, ;;,").is_empty());
        assert!(languages("sv;q=0").is_empty());
        assert!(
            accepted_languages(&TestRequest::default().to_http_request())
                .languages()
                .is_empty()
        );
    }
}
