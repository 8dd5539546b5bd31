//! `funder` and `funders`.

use async_graphql::InputObject;

use crate::graphql::records::{order_input, record_queries, values};
use crate::graphql::types::enums::FunderKind;
use crate::graphql::types::funder::Funder;
use crate::service::funder as funders;

/// Which funders to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct FunderFilter {
    /// ISO 3166-1 alpha-2 country codes (`EU` for EU-level funds); at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Kinds of funder.
    pub kind: Option<Vec<FunderKind>>,
    /// Name contains this text, ignoring case and diacritics (`vastra` finds Västra
    /// Götalandsregionen): one line of at most 200 characters.
    pub name_contains: Option<String>,
}

order_input! {
    /// How to sort funders.
    FunderOrder;
    /// What to sort funders by.
    FunderOrderField {
        /// Name, ignoring case and diacritics.
        #[default]
        Name,
        /// Last change.
        UpdatedAt,
        /// Slug: an order that stays put when a name is edited or translated.
        Slug,
    }
}

impl From<FunderFilter> for funders::Filter {
    fn from(filter: FunderFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            kinds: values(filter.kind),
            name_contains: filter.name_contains,
        }
    }
}

record_queries! {
    FunderQuery: Funder, FunderFilter, FunderOrder;
    /// One funder by `id` or `slug` (give exactly one); null when there is none.
    funder;
    /// Funders, filtered and sorted, in pages of `first` (default 20, at most 100) after
    /// `after`, or `last` before `before`.
    funders;
}
