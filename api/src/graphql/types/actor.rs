//! Actors in GraphQL: the `Actor` object, its filter and order inputs, `actor` and `actors`.

use async_graphql::{Context, InputObject, Object};
use symbios_entity::actor;

use super::enums::ActorKind;
use super::eu_fields::{NutsRegion, nuts_path};
use super::funder::Funder;
use super::load_list;
use super::relation_object::{linked_rows, rows};
use super::relations::{
    CaseStudyActor, ExternalIdentifier, Membership, Participation, ResourceFlow,
};
use crate::graphql::loaders::FunderOfActor;
use crate::graphql::mutation::LocalizedTextInput;
use crate::graphql::mutation::input::{At, FromInput, record_mutations};
use crate::graphql::mutation::upsert_actors::{self, ActorUpsert, UpsertResult};
use crate::graphql::records::{order_input, record_object, record_queries, values};
use crate::service::actor::{ActorFields, ActorPatch, Identifier};
use crate::service::localized_text::field;
use crate::service::{
    self, actor as actors, case_study_actor, external_identifier, membership, participation,
    resource_flow,
};

record_object! {
    /// An organisation (company, municipality, region, university, cluster …) or a person that
    /// takes part in case studies and projects.
    Actor(actor) = service::actor::Actors;
    /// Human-readable unique key, e.g. `novo-nordisk`.
    slug;
    #[Object]
    fields {
        /// Name as the actor writes it.
        name: &str = |row| &row.name;

        /// What kind of actor this is.
        kind: ActorKind = |row| row.kind.into();

        /// ISO 3166-1 alpha-2 country code.
        country: &str = |row| &row.country;

        /// NUTS code of the most specific region known, e.g. `NO060`.
        nuts_code: Option<&str> = |row| row.nuts_code.as_deref();

        /// That NUTS region, then each region containing it up to level 1; empty when not
        /// known.
        nuts: Vec<NutsRegion> = |row| nuts_path(row.nuts_code.as_deref());

        /// Website.
        website: Option<&str> = |row| row.website.as_deref();

        /// Language the actor was described in.
        original_lang: &str = |row| &row.original_lang;

        /// Description in `lang` (else `Accept-Language`, else the original).
        description: localized field::DESCRIPTION;

        /// Every translation of the description.
        description_translations: translations field::DESCRIPTION;

        /// Identifiers in outside registries (org-id.guide schemes such as `NO-BRC`, `wikidata`).
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn identifiers(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<ExternalIdentifier>> {
            rows(ctx, &self.0, external_identifier::ActorId).await
        }

        /// For a person: the organisations they belong to.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn memberships(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<Membership>> {
            rows(ctx, &self.0, membership::PersonId).await
        }

        /// For an organisation: the people who belong to it.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
            rows(ctx, &self.0, membership::OrganisationId).await
        }

        /// Projects the actor takes part in, each with its role.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn projects(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<Participation>> {
            linked_rows(ctx, &self.0, (participation::ActorId, participation::ProjectId)).await
        }

        /// Case studies the actor takes part in, each with its role.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn case_studies(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<CaseStudyActor>> {
            let (actor, case_study) = (case_study_actor::ActorId, case_study_actor::CaseStudyId);
            linked_rows(ctx, &self.0, (actor, case_study)).await
        }

        /// Resources the actor supplies to others.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn flows_out(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<ResourceFlow>> {
            rows(ctx, &self.0, resource_flow::FromActorId).await
        }

        /// Resources the actor receives from others.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn flows_in(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ResourceFlow>> {
            rows(ctx, &self.0, resource_flow::ToActorId).await
        }

        /// The funder record of this actor, when it also funds projects.
        async fn funder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Funder>> {
            let rows = load_list(ctx, FunderOfActor(self.0.id)).await?;
            Ok(rows.into_iter().next().map(Funder))
        }

        versioned;
    }
}

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
    /// NUTS codes (levels 1–3); a code finds its sub-regions (`SE2` finds `SE232`); at most
    /// 300 different codes.
    pub nuts: Option<Vec<String>>,
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
            nuts: filter.nuts.unwrap_or_default(),
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

/// An identifier in an outside registry.
#[derive(InputObject, Debug, Clone)]
pub struct IdentifierInput {
    /// org-id.guide scheme (e.g. `NO-BRC`) or `wikidata`.
    pub scheme: String,
    /// The value in that scheme.
    pub value: String,
}

impl FromInput<IdentifierInput> for Identifier {
    fn from_input(input: IdentifierInput, _at: At) -> async_graphql::Result<Self> {
        Ok(Identifier {
            scheme: input.scheme,
            value: input.value,
        })
    }
}

record_mutations! {
    ActorMutation: Actor = ActorFields, ActorPatch;
    /// A new actor.
    CreateActorInput {
        /// A client-chosen id (UUID), for idempotent retries; made up when left out.
        id
    }
    /// Changes to an actor: fields left out keep their value; `null` clears an optional one;
    /// lists replace the whole list.
    ActorPatchInput;
    {
        /// Unique key; a new actor without one gets one made from its name.
        slug: slug String,
        name: required String,
        kind: required ActorKind,
        /// ISO 3166-1 alpha-2.
        country: required String,
        /// NUTS code (level 1–3) of the most specific region known, in `country`, e.g. `NO060`.
        nuts_code: optional String,
        website: optional String,
        /// Language the description is written in.
        original_lang: required String,
        description: defaulted Vec<LocalizedTextInput>,
        /// Identifiers in outside registries, one per scheme; at most 50.
        identifiers: defaulted Vec<IdentifierInput>,
    }
    /// Creates an actor. Partner keys may create actors only with an identifier in their
    /// own scheme.
    create_actor;
    /// Changes an actor that is at `expectedVersion`.
    update_actor;
    /// Deletes an actor that is at `expectedVersion` and that nothing refers to any more.
    delete_actor;
    more {
        /// Creates or updates up to 1,000 actors of a partner registry, matched by their
        /// identifier in `scheme`. Each item is judged on its own: refused items are reported
        /// and the others written. With an `idempotencyKey` (one line of 1–200 characters),
        /// repeating the call returns the same answer and writes nothing, also when the
        /// repeats arrive at the same time.
        async fn upsert_actors(
            &self,
            ctx: &Context<'_>,
            scheme: String,
            items: Vec<ActorUpsert>,
            idempotency_key: Option<String>,
        ) -> async_graphql::Result<UpsertResult> {
            upsert_actors::upsert_actors(ctx, scheme, items, idempotency_key).await
        }
    }
}
