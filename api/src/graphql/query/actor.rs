//! `actor` and `actors`.

use async_graphql::InputObject;

use crate::graphql::records::{order_input, record_queries, values};
use crate::graphql::types::actor::Actor;
use crate::graphql::types::enums::ActorKind;
use crate::service::actor as actors;

/// Which actors to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ActorFilter {
    /// ISO 3166-1 alpha-2 country codes; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Kinds of actor.
    pub kind: Option<Vec<ActorKind>>,
    /// Identifier schemes the actor has an identifier in, e.g. `NO-BRC`; at most 100
    /// different ones.
    pub scheme: Option<Vec<String>>,
    /// Name contains this text, ignoring case and diacritics (`orsted` finds Ørsted): one
    /// line of at most 200 characters.
    pub name_contains: Option<String>,
}

order_input! {
    /// How to sort actors.
    ActorOrder;
    /// What to sort actors by.
    ActorOrderField {
        /// Name, ignoring case and diacritics.
        #[default]
        Name,
        /// Last change.
        UpdatedAt,
        /// Slug: an order that stays put when a name is edited or translated.
        Slug,
    }
}

impl From<ActorFilter> for actors::Filter {
    fn from(filter: ActorFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            kinds: values(filter.kind),
            schemes: filter.scheme.unwrap_or_default(),
            name_contains: filter.name_contains,
        }
    }
}

record_queries! {
    ActorQuery: Actor, ActorFilter, ActorOrder;
    /// One actor by `id` or `slug` (give exactly one); null when there is none.
    actor;
    /// Actors, filtered and sorted, in pages of `first` (default 20, at most 100) after
    /// `after`, or `last` before `before`.
    actors;
}
