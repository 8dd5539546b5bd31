//! Localized descriptive texts: one row per record, field and language.

use std::collections::HashMap;

use sea_orm::{EntityTrait, QueryFilter, QueryOrder};
use symbios_entity::localized_text;
use uuid::Uuid;

use super::Error;
use super::lang::Translation;
use crate::direct_read::SelectAll;

/// Field names used in `localized_text.field`.
pub mod field {
    /// Case-study and project summaries.
    pub const SUMMARY: &str = "summary";
    /// Case-study bodies.
    pub const BODY: &str = "body";
    /// Actor, funder and resource-flow descriptions.
    pub const DESCRIPTION: &str = "description";
    /// Theme labels.
    pub const LABEL: &str = "label";
    /// Resource names of flows.
    pub const RESOURCE: &str = "resource";
}

/// The texts of one record, by field.
pub type FieldTexts = HashMap<String, Vec<Translation>>;

/// The texts of each record, by record id and field. Record ids are UUIDs and so unique
/// across record types.
pub async fn by_records(
    db: &impl SelectAll,
    record_ids: &[Uuid],
) -> Result<HashMap<Uuid, FieldTexts>, Error> {
    if record_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let select = localized_text::Entity::find()
        .filter(crate::load::id_among(
            db.get_database_backend(),
            localized_text::Column::EntityId,
            record_ids,
        ))
        .order_by_asc(localized_text::Column::EntityId)
        .order_by_asc(localized_text::Column::Field)
        .order_by_asc(localized_text::Column::Lang);
    let rows = db.select_all(select).await?;
    let mut texts: HashMap<Uuid, FieldTexts> = HashMap::new();
    for row in rows {
        texts
            .entry(row.entity_id)
            .or_default()
            .entry(row.field)
            .or_default()
            .push(Translation {
                lang: row.lang,
                text: row.text,
                is_original: row.is_original,
            });
    }
    Ok(texts)
}
