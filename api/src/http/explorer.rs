//! The explorer: the reference portal page at `/` and its assets under `/explorer/`, embedded
//! in the binary (from `explorer/` at the repository root) so that `symbios serve` needs no
//! files beside it. The page talks to the server only through `/graphql`.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

/// One embedded file: its path under `/explorer/`, media type and bytes.
struct Asset {
    name: &'static str,
    media_type: &'static str,
    bytes: &'static [u8],
}

const INDEX: &[u8] = include_bytes!("../../../explorer/index.html");

/// An [`Asset`] for the file `explorer/<name>`: the name is written once, for the route and
/// the embedded path.
macro_rules! asset {
    ($name:literal, $media_type:expr) => {
        Asset {
            name: $name,
            media_type: $media_type,
            bytes: include_bytes!(concat!("../../../explorer/", $name)),
        }
    };
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

const ASSETS: &[Asset] = &[
    asset!("app.js", JAVASCRIPT),
    asset!("i18n.js", JAVASCRIPT),
    asset!("map.js", JAVASCRIPT),
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("countries.json", "application/json"),
];

/// The names of the explorer's GraphQL operations (in `app.js`): each is a label value of
/// the request metrics.
pub const OPERATION_NAMES: &[&str] = &[
    "Home",
    "Themes",
    "Suggest",
    "Search",
    "CaseStudy",
    "Actor",
    "Project",
    "Funder",
];

/// `GET /`: the explorer page.
pub async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(INDEX)
}

/// `GET /explorer/{name}`: an embedded asset; unknown names are 404.
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|asset| asset.name == name.as_str()) {
        Some(asset) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, asset.media_type))
            // The page is revalidated on each visit; assets change only with the binary.
            .insert_header((CACHE_CONTROL, "public, max-age=300"))
            .body(asset.bytes),
        None => HttpResponse::NotFound()
            .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
            .body("no such file"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the operations `app.js` sends (`query Name`), in order.
    fn operation_names_in_app_js() -> Vec<String> {
        let app = ASSETS
            .iter()
            .find(|asset| asset.name == "app.js")
            .map(|asset| String::from_utf8_lossy(asset.bytes).into_owned())
            .unwrap_or_default();
        app.split("query ")
            .skip(1)
            .filter_map(|rest| {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let is_operation = rest[name.len()..].trim_start().starts_with(['(', '{']);
                (!name.is_empty() && is_operation).then_some(name)
            })
            .collect()
    }

    #[test]
    fn operation_names_are_those_of_app_js() {
        assert_eq!(operation_names_in_app_js(), OPERATION_NAMES);
    }
}
