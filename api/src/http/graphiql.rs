//! GraphiQL at `GET /graphql` (for a browser asking for HTML) and its files under
//! `/graphiql/`, all embedded in the binary from `api/graphiql/`: GraphiQL, React and the
//! explorer plugin at pinned versions (`api/graphiql/vendor/`, fetched by
//! `api/graphiql/vendor.sh`), so the page loads nothing from outside the server.
//!
//! Invariant: with `limits.introspection` off there is no GraphiQL, page or files (404): the
//! page cannot work without introspection, and an operator who keeps the schema private does
//! not want it advertised.

use actix_web::{HttpResponse, web};

use super::embedded::{self, Asset, CSS, JAVASCRIPT, embedded_assets};
use super::graphql::schema_not_published;
use crate::config::Limits;

const PAGE: &[u8] = include_bytes!("../../graphiql/index.html");

const ASSETS: &[Asset] = embedded_assets!(
    "../../graphiql/" {
        "start.js" => JAVASCRIPT,
        "page.css" => CSS,
    }
    "../../graphiql/vendor/" {
        "react.production.min.js" => JAVASCRIPT,
        "react-dom.production.min.js" => JAVASCRIPT,
        "graphiql.min.js" => JAVASCRIPT,
        "graphiql.min.css" => CSS,
        "plugin-explorer.umd.js" => JAVASCRIPT,
        "plugin-explorer.css" => CSS,
    }
);

/// The GraphiQL page, or 404 when introspection is off.
pub fn page(limits: &Limits) -> HttpResponse {
    if !limits.introspection {
        return schema_not_published();
    }
    embedded::page(PAGE)
}

/// `GET /graphiql/{name}`: an embedded file; unknown names are 404.
pub async fn asset(name: web::Path<String>, limits: web::Data<Limits>) -> HttpResponse {
    if !limits.introspection {
        return schema_not_published();
    }
    embedded::asset(ASSETS, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file the page names is embedded, and the page names nothing outside the server.
    #[test]
    fn the_page_loads_only_embedded_files() {
        let page = std::str::from_utf8(PAGE).expect("UTF-8 page");
        let mut named = Vec::new();
        for attribute in ["src=\"", "href=\""] {
            for rest in page.split(attribute).skip(1) {
                let (url, _) = rest.split_once('"').expect("quoted attribute");
                named.push(url);
            }
        }
        assert!(named.len() >= 8, "{named:?}");
        for url in named {
            if url == "data:," {
                continue;
            }
            let name = url
                .strip_prefix("/graphiql/")
                .unwrap_or_else(|| panic!("{url} is not one of the server's files"));
            assert!(
                ASSETS.iter().any(|asset| asset.name == name),
                "{url} is not embedded"
            );
        }
    }
}
