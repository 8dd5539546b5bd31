//! Initiatives: the record type, its filter, what the search index takes from it, and
//! writing them (the walk-through record type of `docs/adding-a-record-type.md`).

use sea_orm::{ActiveValue::Set, DatabaseTransaction, Select};
use serde::{Deserialize, Serialize};
use symbios_entity::initiative;
use symbios_entity::vocabulary::EntityType;

use crate::Error;
use crate::localized_text::field;
use crate::record::{Narrowing, list_filter, listed, record_type};
use crate::search_documents::{Indexed, Searchable};
use crate::text::fold;
use crate::validate::{Localized, MAX_NAME, Violations};
use crate::write::input_format::localized;
use crate::write::{OwnedTexts, Record, Stored, whole_record};

list_filter! {
    /// Which initiatives a list holds; empty fields do not filter.
    pub struct Filter {
        /// ISO 3166-1 alpha-2 codes, any of.
        pub countries: Vec<String> = countries("country"),
        /// Name contains this text, ignoring case and diacritics.
        pub name_contains: Option<String> = text("nameContains"),
    }
}

record_type!(
    /// The initiatives: a listed record type.
    Initiatives: initiative, "initiative"
);
listed!(Initiatives: initiative, Filter, check = Filter::checked, narrow = apply);

impl Searchable for Initiatives {
    fn indexed(row: &initiative::Model) -> Indexed {
        Indexed::named(&row.name, &row.country)
    }
}

fn apply(filter: &Filter, select: Select<initiative::Entity>) -> Select<initiative::Entity> {
    select
        .any_of(initiative::Column::Country, &filter.countries)
        .folded_contains(
            initiative::Column::NameFolded,
            filter.name_contains.as_deref(),
        )
}

whole_record! {
    /// An initiative as a whole.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct InitiativeFields, patched by InitiativePatch {
        /// Unique key; made from the name when left out on create.
        #[serde(default)]
        pub slug: Option<String>,
        pub name: String,
        /// ISO 3166-1 alpha-2.
        pub country: String,
        pub original_lang: String,
        #[serde(default, with = "localized")]
        pub description: Localized,
    }
}

impl Record for InitiativeFields {
    type Patch = InitiativePatch;
    type Table = initiative::Entity;
    const TYPE: EntityType = EntityType::Initiative;
    const NAME: &'static str = "Initiative";

    async fn from_row(_db: &DatabaseTransaction, stored: Stored<Self>) -> Result<Self, Error> {
        let Stored { row, mut texts } = stored;
        Ok(InitiativeFields {
            slug: Some(row.slug),
            name: row.name,
            country: row.country,
            original_lang: row.original_lang,
            description: texts.take(field::DESCRIPTION),
        })
    }

    fn texts(&self) -> OwnedTexts<'_> {
        OwnedTexts::of(&self.original_lang).with(field::DESCRIPTION, &self.description)
    }

    fn to_row(&self) -> initiative::ActiveModel {
        initiative::ActiveModel {
            slug: Set(self.slug.clone().unwrap_or_default()),
            name: Set(self.name.clone()),
            name_folded: Set(fold(&self.name)),
            country: Set(self.country.clone()),
            original_lang: Set(self.original_lang.clone()),
            ..Default::default()
        }
    }

    fn apply(&mut self, patch: InitiativePatch) {
        self.apply_patch(patch);
    }

    fn slug_and_name(&mut self) -> Option<(&mut Option<String>, Option<&str>)> {
        Some((&mut self.slug, Some(&self.name)))
    }

    fn validate(&self, violations: &mut Violations) {
        violations.text("name", &self.name, MAX_NAME);
        violations.country("country", &self.country);
        violations.lang("originalLang", &self.original_lang);
        violations.localized("description", &self.description, &self.original_lang, false);
    }
}
