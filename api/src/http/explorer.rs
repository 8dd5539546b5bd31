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

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.js",
        media_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../../explorer/app.js"),
    },
    Asset {
        name: "i18n.js",
        media_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../../explorer/i18n.js"),
    },
    Asset {
        name: "map.js",
        media_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../../explorer/map.js"),
    },
    Asset {
        name: "style.css",
        media_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../../explorer/style.css"),
    },
    Asset {
        name: "countries.json",
        media_type: "application/json",
        bytes: include_bytes!("../../../explorer/countries.json"),
    },
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
