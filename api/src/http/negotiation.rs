//! Which media type a GraphQL response is sent in, from the request's `Accept` header, as the
//! GraphQL-over-HTTP specification says.

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
}

/// The format for `accept` (the raw header, if any); `None` when nothing acceptable is offered.
/// A missing header, `*/*` and `application/*` get `application/json`, which every client
/// understands.
pub fn negotiate(accept: Option<&str>) -> Option<ResponseFormat> {
    let Some(accept) = accept.filter(|header| !header.trim().is_empty()) else {
        return Some(ResponseFormat::Json);
    };
    let mut best: Option<(u16, usize, ResponseFormat)> = None;
    for (position, range) in accept.split(',').take(32).enumerate() {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if !(quality > 0.0 && quality <= 1.0) {
            continue;
        }
        let format = match media.as_str() {
            GRAPHQL_RESPONSE_JSON => ResponseFormat::GraphqlResponseJson,
            APPLICATION_JSON | "*/*" | "application/*" => ResponseFormat::Json,
            _ => continue,
        };
        let weight = (quality * 1000.0).round() as u16;
        let better = match best {
            None => true,
            Some((best_weight, _, _)) => weight > best_weight,
        };
        if better {
            best = Some((weight, position, format));
        }
    }
    best.map(|(_, _, format)| format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_like_the_specification() {
        assert_eq!(negotiate(None), Some(ResponseFormat::Json));
        assert_eq!(negotiate(Some("*/*")), Some(ResponseFormat::Json));
        assert_eq!(
            negotiate(Some(GRAPHQL_RESPONSE_JSON)),
            Some(ResponseFormat::GraphqlResponseJson)
        );
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(ResponseFormat::GraphqlResponseJson)
        );
        assert_eq!(
            negotiate(Some(
                "application/json, application/graphql-response+json;q=0.5"
            )),
            Some(ResponseFormat::Json)
        );
        assert_eq!(
            negotiate(Some("application/json; charset=utf-8")),
            Some(ResponseFormat::Json)
        );
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(
            negotiate(Some("application/xml;q=1, application/json;q=0")),
            None
        );
    }
}
