//! Funders in GraphQL: the `Funder` object, its filter and order inputs, `funder` and
//! `funders`.

use async_graphql::{Context, InputObject, Object};
use symbios_entity::funder;

use super::actor::Actor;
use super::enums::FunderKind;
use super::project::Project;
use super::relation_object::{distinct_targets, rows, target};
use super::relations::Funding;
use crate::graphql::mutation::LocalizedTextInput;
use crate::graphql::mutation::input::record_mutations;
use crate::graphql::records::{order_input, record_object, record_queries, values};
use crate::service::funder::{FunderFields, FunderPatch};
use crate::service::localized_text::field;
use crate::service::{self, funder as funders, funding};
use async_graphql::ID;

record_object! {
    /// A funding body: EU fund, national agency, region, municipality, foundation or private.
    Funder(funder) = service::funder::Funders;
    /// Human-readable unique key, e.g. `vinnova`.
    slug;
    #[Object]
    fields {
        /// Name.
        name: &str = |row| &row.name;

        /// What kind of funder this is.
        kind: FunderKind = |row| row.kind.into();

        /// ISO 3166-1 alpha-2 country code; `EU` for EU-level funds.
        country: &str = |row| &row.country;

        /// Website.
        website: Option<&str> = |row| row.website.as_deref();

        /// Description in `lang` (else `Accept-Language`, else the original).
        description: localized field::DESCRIPTION;

        /// The actor record of this funder, when it also acts in projects or case studies.
        async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Actor>> {
            target(ctx, &None, self.0.actor_id).await
        }

        /// The fundings this funder granted.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn fundings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Funding>> {
            rows(ctx, &self.0, funding::FunderId).await
        }

        /// The distinct projects this funder funds.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Project>> {
            distinct_targets(ctx, &self.0, (funding::FunderId, funding::ProjectId)).await
        }

        versioned;
    }
}

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

record_mutations! {
    FunderMutation: Funder = FunderFields, FunderPatch;
    /// A new funder.
    CreateFunderInput {
        /// A client-chosen id (UUID); made up when left out.
        id
    }
    /// Changes to a funder: fields left out keep their value; `null` clears an optional one.
    FunderPatchInput;
    {
        /// Unique key; a new funder without one gets one made from its name.
        slug: slug String,
        name: required String,
        kind: required FunderKind,
        /// ISO 3166-1 alpha-2, or `EU`.
        country: required String,
        /// The actor this funder also is.
        actor_id: optional ID,
        website: optional String,
        original_lang: required String,
        description: defaulted Vec<LocalizedTextInput>,
    }
    /// Creates a funder (editor key).
    create_funder;
    /// Changes a funder that is at `expectedVersion` (editor key).
    update_funder;
    /// Deletes a funder that is at `expectedVersion` and has no fundings (editor key).
    delete_funder;
}
