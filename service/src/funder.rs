//! Funders: the record type and its filter; the funder record of an actor.
//!
//! Writing funders: the row and the description.

use crate::Error;
use crate::direct_read::SelectAll;
use crate::load::{group_by, rows_where_in};
use crate::localized_text::field;
use crate::record::{Narrowing, list_filter, listed, record_type};
use crate::search_documents::{Indexed, Searchable};
use crate::text::fold;
use crate::validate::{Localized, MAX_NAME, Violations};
use crate::write::input_format::{localized, vocabulary};
use crate::write::{OwnedTexts, Record, Reference, Referrer, Stored, whole_record};
use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseTransaction, Select};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use symbios_entity::vocabulary::{EntityType, FunderKind};
use symbios_entity::{funder, funding};
use uuid::Uuid;

list_filter! {
    /// Which funders a list holds; empty fields do not filter.
    pub struct Filter {
        /// ISO 3166-1 alpha-2 codes (`EU` for EU-level funders), any of.
        pub countries: Vec<String> = countries("country"),
        /// Kinds, any of.
        pub kinds: Vec<FunderKind> = vocabulary("kind"),
        /// Name contains this text, ignoring case and diacritics.
        pub name_contains: Option<String> = text("nameContains"),
    }
}

record_type!(
    /// The funders: a listed record type.
    Funders: funder, "funder"
);
listed!(Funders: funder, Filter, check = Filter::checked, narrow = apply);

impl Searchable for Funders {
    fn indexed(row: &funder::Model) -> Indexed {
        Indexed::named(&row.name, &row.country)
    }
}

fn apply(filter: &Filter, select: Select<funder::Entity>) -> Select<funder::Entity> {
    select
        .any_of(funder::Column::Country, &filter.countries)
        .any_of(funder::Column::Kind, &filter.kinds)
        .folded_contains(funder::Column::NameFolded, filter.name_contains.as_deref())
}

/// The funder record each actor also is, by actor id.
pub async fn by_actor(
    db: &impl SelectAll,
    actor_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<funder::Model>>, Error> {
    let rows = rows_where_in::<funder::Entity, _, _>(
        db,
        funder::Column::ActorId,
        actor_ids,
        funder::Column::Id,
    )
    .await?;
    Ok(group_by(rows, |row| row.actor_id.unwrap_or_default()))
}

whole_record! {
    /// A funder as a whole.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct FunderFields, patched by FunderPatch {
        /// Unique key; made from the name when left out on create.
        #[serde(default)]
        pub slug: Option<String>,
        pub name: String,
        #[serde(with = "vocabulary")]
        pub kind: FunderKind,
        /// ISO 3166-1 alpha-2, or `EU`.
        pub country: String,
        /// The actor this funder also is, if any.
        #[serde(default)]
        pub actor_id: Option<Uuid>,
        #[serde(default)]
        pub website: Option<String>,
        pub original_lang: String,
        #[serde(default, with = "localized")]
        pub description: Localized,
    }
}

impl Record for FunderFields {
    type Patch = FunderPatch;
    type Table = funder::Entity;
    const TYPE: EntityType = EntityType::Funder;
    const NAME: &'static str = "Funder";

    async fn from_row(_db: &DatabaseTransaction, stored: Stored<Self>) -> Result<Self, Error> {
        let Stored { row, mut texts } = stored;
        Ok(FunderFields {
            slug: Some(row.slug),
            name: row.name,
            kind: row.kind,
            country: row.country,
            actor_id: row.actor_id,
            website: row.website,
            original_lang: row.original_lang,
            description: texts.take(field::DESCRIPTION),
        })
    }

    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::of(&self.original_lang).with(field::DESCRIPTION, &self.description)
    }

    fn to_row(&self) -> funder::ActiveModel {
        funder::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            kind: Set(self.kind),
            country: Set(self.country.clone()),
            actor_id: Set(self.actor_id),
            website: Set(self.website.clone()),
            original_lang: Set(self.original_lang.clone()),
            ..Default::default()
        }
    }

    fn apply(&mut self, patch: FunderPatch) {
        self.apply_patch(patch);
    }

    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        Some((&mut self.slug, Some(&self.name)))
    }

    fn validate(&self, violations: &mut Violations) {
        violations.text("name", &self.name, MAX_NAME);
        violations.country("country", &self.country);
        if let Some(website) = &self.website {
            violations.url("website", website);
        }
        violations.lang("originalLang", &self.original_lang);
        violations.localized("description", &self.description, &self.original_lang, false);
    }

    fn references(&self) -> Vec<Reference> {
        let actor = self.actor_id.iter();
        actor
            .map(|id| Reference::new("actorId", EntityType::Actor, *id))
            .collect()
    }

    const BATCHABLE: bool = true;

    fn referrers() -> Vec<Referrer> {
        vec![Referrer::new(funding::Column::FunderId, "fundings")]
    }
}
