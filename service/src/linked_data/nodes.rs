//! The pieces every document is made of: IRIs under the base URL, language-tagged texts and
//! references to other records.

use serde_json::{Value, json};
use symbios_entity::theme;
use uuid::Uuid;

use crate::lang::Translation;

/// IRIs of records and their parts under one base URL.
pub struct Iris {
    base: String,
}

impl Iris {
    /// IRIs under `base` (a trailing slash is dropped).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The record's IRI, which is also where its JSON-LD is served (by content negotiation).
    pub fn record(&self, id: Uuid) -> String {
        format!("{}/records/{id}", self.base)
    }

    /// A part of a record (its place, address, coordinates): the record's IRI and a fragment.
    pub fn part(&self, id: Uuid, fragment: &str) -> String {
        format!("{}#{fragment}", self.record(id))
    }
}

/// A text in language `lang`.
pub fn text(text: &str, lang: &str) -> Value {
    json!({ "@value": text, "@language": lang })
}

/// Every translation as a language-tagged text, in the order given.
pub fn texts(translations: &[Translation]) -> Value {
    Value::Array(
        translations
            .iter()
            .map(|translation| text(&translation.text, &translation.lang))
            .collect(),
    )
}

/// Another record as a node of its own: IRI, type and name, so that a reader can show the
/// link without fetching it.
pub fn reference(iris: &Iris, id: Uuid, kind: &str, name: &str, lang: &str) -> Value {
    json!({ "@id": iris.record(id), "@type": kind, "name": text(name, lang) })
}

/// A theme as a `DefinedTerm`, known by its slug.
pub fn theme_reference(iris: &Iris, theme: &theme::Model) -> Value {
    json!({ "@id": iris.record(theme.id), "@type": "DefinedTerm", "termCode": theme.slug })
}
