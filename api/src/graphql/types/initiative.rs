//! Initiatives in GraphQL (the walk-through record type of `docs/adding-a-record-type.md`):
//! the `Initiative` object, its filter and order inputs, `initiative` and `initiatives`, and
//! `createInitiative`, `updateInitiative` and `deleteInitiative`.

use async_graphql::{InputObject, Object};
use symbios_entity::initiative;

use crate::graphql::mutation::LocalizedTextInput;
use crate::graphql::mutation::input::record_mutations;
use crate::graphql::records::{order_input, record_object, record_queries};
use crate::service::initiative::{self as initiatives, InitiativeFields, InitiativePatch};
use crate::service::localized_text::field;

record_object! {
    /// A local or regional circular-economy initiative.
    Initiative(initiative) = initiatives::Initiatives;
    /// Human-readable unique key.
    slug;
    #[Object]
    fields {
        /// Name.
        name: &str = |row| &row.name;

        /// ISO 3166-1 alpha-2 country code.
        country: &str = |row| &row.country;

        /// Description in `lang` (else `Accept-Language`, else the original).
        description: localized field::DESCRIPTION;

        versioned;
    }
}

/// Which initiatives to list. Every field is optional; lists match any of their values.
#[derive(InputObject, Debug, Clone, Default)]
pub struct InitiativeFilter {
    /// ISO 3166-1 alpha-2 country codes; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Name contains this text, ignoring case and diacritics.
    pub name_contains: Option<String>,
}

impl From<InitiativeFilter> for initiatives::Filter {
    fn from(filter: InitiativeFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            name_contains: filter.name_contains,
        }
    }
}

order_input! {
    /// How to sort initiatives.
    InitiativeOrder;
    /// What to sort initiatives by.
    InitiativeOrderField {
        /// Name, ignoring case and diacritics.
        #[default]
        Name,
        /// Last change.
        UpdatedAt,
        /// Slug.
        Slug,
    }
}

record_queries! {
    InitiativeQuery: Initiative, InitiativeFilter, InitiativeOrder;
    /// One initiative by `id` or `slug` (give exactly one); null when there is none.
    initiative;
    /// Initiatives, filtered and sorted, in pages.
    initiatives;
}

record_mutations! {
    InitiativeMutation: Initiative = InitiativeFields, InitiativePatch;
    /// A new initiative.
    CreateInitiativeInput {
        /// A client-chosen id (UUID); made up when left out.
        id
    }
    /// Changes to an initiative: fields left out keep their value.
    InitiativePatchInput;
    {
        /// Unique key; a new initiative without one gets one made from its name.
        slug: slug String,
        name: required String,
        /// ISO 3166-1 alpha-2.
        country: required String,
        original_lang: required String,
        description: defaulted Vec<LocalizedTextInput>,
    }
    /// Creates an initiative (editor key).
    create_initiative;
    /// Changes an initiative that is at `expectedVersion` (editor key).
    update_initiative;
    /// Deletes an initiative that is at `expectedVersion` (editor key).
    delete_initiative;
}
