//! Trusted documents: the GraphQL documents a portal registered from its manifest (the JSON
//! object `{ "<id>": "<document text>" }` that GraphQL Code Generator's client preset writes
//! as `persisted-documents.json` and Relay's compiler as `persisted_queries.json`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use symbios_entity::trusted_document;

use super::Error;
use super::digest::sha256_hex;

/// Longest document id accepted (a SHA-256 in hex is 64 characters; Relay's ids are shorter).
pub const MAX_ID_CHARS: usize = 200;

/// The documents of a manifest, by id, as its text holds them.
pub fn parse_manifest(json: &str) -> Result<BTreeMap<String, String>, Error> {
    let invalid = |reason: String| Error::Invalid {
        field: "manifest".to_owned(),
        reason,
    };
    let value: serde_json::Value = serde_json::from_str(json).map_err(|error| {
        invalid(format!(
            "is not JSON (line {}, column {})",
            error.line(),
            error.column()
        ))
    })?;
    let serde_json::Value::Object(entries) = value else {
        return Err(invalid(
            "must be one JSON object of document ids to document texts".to_owned(),
        ));
    };
    let mut documents = BTreeMap::new();
    for (id, text) in entries {
        if id.trim().is_empty() || id.chars().count() > MAX_ID_CHARS {
            return Err(invalid(format!(
                "the id `{id}` must be 1 to {MAX_ID_CHARS} characters"
            )));
        }
        let serde_json::Value::String(text) = text else {
            return Err(invalid(format!("the document `{id}` must be a string")));
        };
        if text.trim().is_empty() {
            return Err(invalid(format!("the document `{id}` is empty")));
        }
        documents.insert(id, text);
    }
    Ok(documents)
}

/// What [`add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Added {
    /// Documents stored now.
    pub added: usize,
    /// Documents stored already, with the same text.
    pub unchanged: usize,
}

/// Stores `documents` (by id) from the manifest named `source`, all or none: an id stored
/// already with another text is refused, since clients that send it expect the old text.
pub async fn add(
    db: &sea_orm::DatabaseConnection,
    source: &str,
    documents: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Added, Error> {
    let transaction = db.begin().await?;
    let mut added = Added::default();
    for (id, text) in documents {
        match trusted_document::Entity::find_by_id(id.clone())
            .one(&transaction)
            .await?
        {
            Some(stored) if stored.text == *text => added.unchanged += 1,
            Some(stored) => {
                return Err(Error::Invalid {
                    field: format!("manifest: `{id}`"),
                    reason: format!(
                        "is trusted already with another text (from `{}`); give the new \
                         document a new id",
                        stored.source
                    ),
                });
            }
            None => {
                trusted_document::Entity::insert(trusted_document::ActiveModel {
                    id: Set(id.clone()),
                    text: Set(text.clone()),
                    text_sha256: Set(sha256_hex(text)),
                    source: Set(source.to_owned()),
                    created_at: Set(now),
                })
                .exec_without_returning(&transaction)
                .await?;
                added.added += 1;
            }
        }
    }
    transaction.commit().await?;
    Ok(added)
}

/// The text of the document registered as `id`.
pub async fn text_of(db: &impl ConnectionTrait, id: &str) -> Result<Option<String>, Error> {
    Ok(trusted_document::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .map(|document| document.text))
}

/// Whether a document whose text has this SHA-256 (hex) is registered.
pub async fn has_text_sha256(db: &impl ConnectionTrait, sha256: &str) -> Result<bool, Error> {
    Ok(trusted_document::Entity::find()
        .filter(trusted_document::Column::TextSha256.eq(sha256))
        .select_only()
        .column(trusted_document::Column::Id)
        .into_tuple::<String>()
        .one(db)
        .await?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_of_codegen_and_relay_parse() {
        let codegen = r#"{ "b5a1…": "query A { themes { slug } }" }"#;
        assert_eq!(parse_manifest(codegen).map(|d| d.len()).ok(), Some(1));
        for bad in [
            "[]",
            r#"{ "a": 1 }"#,
            r#"{ "": "{ a }" }"#,
            r#"{ "a": " " }"#,
            "{",
        ] {
            let error = parse_manifest(bad).err().map(|e| e.to_string());
            assert!(
                error.as_deref().is_some_and(|e| e.starts_with("manifest")),
                "{bad}: {error:?}"
            );
        }
    }
}
