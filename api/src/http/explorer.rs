//! The explorer: the reference portal page at `/` and its assets under `/explorer/`, embedded
//! in the binary (from `explorer/` at the repository root) so that `symbios serve` needs no
//! files beside it. The page talks to the server only through `/graphql`.

use actix_web::{HttpResponse, web};

use super::embedded::{self, Asset, CSS, JAVASCRIPT, embedded_assets};

const INDEX: &[u8] = include_bytes!("../../../explorer/index.html");

const ASSETS: &[Asset] = embedded_assets!(
    "../../../explorer/" {
        "app.js" => JAVASCRIPT,
        "i18n.js" => JAVASCRIPT,
        "map.js" => JAVASCRIPT,
        "network.js" => JAVASCRIPT,
        "csv.js" => JAVASCRIPT,
        "cite.js" => JAVASCRIPT,
        "style.css" => CSS,
        "countries.json" => "application/json",
    }
);

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
    "Flows",
    "Statistics",
    "SearchExport",
];

/// The explorer's documents, as `app.js` sends them: each `const Q_… = \`…\`` template with
/// `${LOCALIZED}` filled in and its whitespace collapsed (what `gql()` does before sending).
/// Read from the embedded `app.js` itself, so the manifest cannot drift from the page.
pub fn documents() -> Vec<String> {
    let app = ASSETS
        .iter()
        .find(|asset| asset.name == "app.js")
        .map(|asset| String::from_utf8_lossy(asset.bytes).into_owned())
        .unwrap_or_default();
    let localized = app
        .split_once("const LOCALIZED = \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(fragment, _)| fragment);
    app.split("\nconst Q_")
        .skip(1)
        .filter_map(|rest| rest.split_once('`'))
        .filter_map(|(_, rest)| rest.split_once('`'))
        .map(|(template, _)| {
            template
                .replace("${LOCALIZED}", localized)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `GET /`: the explorer page.
pub async fn index() -> HttpResponse {
    embedded::page(INDEX)
}

/// `GET /explorer/{name}`: an embedded asset; unknown names are 404.
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    embedded::asset(ASSETS, &name)
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
    fn every_operation_has_one_complete_document() {
        let documents = documents();
        assert_eq!(documents.len(), OPERATION_NAMES.len());
        for (document, name) in documents.iter().zip(OPERATION_NAMES) {
            assert!(document.starts_with(&format!("query {name}")), "{document}");
            assert!(!document.contains("${"), "unfilled template: {document}");
            let parsed = async_graphql::parser::parse_query(document);
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
        }
    }

    #[test]
    fn operation_names_are_those_of_app_js() {
        assert_eq!(operation_names_in_app_js(), OPERATION_NAMES);
    }
}
