//! Files embedded in the binary and served as they are: the explorer's and GraphiQL's pages
//! and assets. A page is revalidated on each visit; an asset changes only with the binary,
//! so caches may keep it for a while.

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};

/// Media type of the scripts.
pub const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
/// Media type of the style sheets.
pub const CSS: &str = "text/css; charset=utf-8";

/// The [`Asset`]s of files embedded from folders (paths relative to `api/src/http/`), each
/// served under its file name: `embedded_assets!("../../graphiql/" { "start.js" => JAVASCRIPT })`.
macro_rules! embedded_assets {
    ($($folder:literal { $($name:literal => $media_type:expr),+ $(,)? })+) => {
        &[$($($crate::http::embedded::Asset {
            name: $name,
            media_type: $media_type,
            bytes: include_bytes!(concat!($folder, $name)),
        },)+)+]
    };
}

pub(crate) use embedded_assets;

/// One embedded file: its name in its folder's route, media type and bytes.
pub struct Asset {
    /// The last path segment it is served under.
    pub name: &'static str,
    /// Its media type.
    pub media_type: &'static str,
    /// Its content.
    pub bytes: &'static [u8],
}

/// An HTML page, revalidated on each visit.
pub fn page(html: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(html)
}

/// The asset of `assets` called `name`, or 404.
pub fn asset(assets: &'static [Asset], name: &str) -> HttpResponse {
    match assets.iter().find(|asset| asset.name == name) {
        Some(asset) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, asset.media_type))
            .insert_header((CACHE_CONTROL, "public, max-age=300"))
            .body(asset.bytes),
        None => HttpResponse::NotFound()
            .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
            .body("no such file"),
    }
}
