//! The `Funder` type.

use async_graphql::{Context, Object};
use symbios_entity::funder;

use super::actor::Actor;
use super::eager::Eager;
use super::enums::FunderKind;
use super::localized::{self, LocalizedText};
use super::project::Project;
use super::relation_object::{distinct_targets, rows, target};
use super::relations::Funding;
use crate::graphql::records::record_object;
use crate::service::localized_text::field;
use crate::service::{self, funding};

record_object! {
    /// A funding body: EU fund, national agency, region, municipality, foundation or private.
    Funder(funder) = service::funder::Funders;
    /// Human-readable unique key, e.g. `vinnova`.
    slug;
    #[Object]
    fields {
        /// Name.
        async fn name(&self) -> &str {
            &self.0.name
        }

        /// What kind of funder this is.
        async fn kind(&self) -> FunderKind {
            self.0.kind.into()
        }

        /// ISO 3166-1 alpha-2 country code; `EU` for EU-level funds.
        async fn country(&self) -> &str {
            &self.0.country
        }

        /// Website.
        async fn website(&self) -> Option<&str> {
            self.0.website.as_deref()
        }

        /// Description in `lang` (else `Accept-Language`, else the original).
        async fn description(
            &self,
            ctx: &Context<'_>,
            lang: Option<String>,
        ) -> async_graphql::Result<Option<LocalizedText>> {
            localized::resolve(ctx, self.0.id, field::DESCRIPTION, lang.as_deref()).await
        }

        /// The actor record of this funder, when it also acts in projects or case studies.
        async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
            target(ctx, &None, self.0.actor_id).await
        }

        /// The fundings this funder granted.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn fundings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Eager<Funding>>> {
            rows(ctx, &self.0, funding::FunderId).await
        }

        /// The distinct projects this funder funds.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Eager<Project>>> {
            distinct_targets(ctx, &self.0, (funding::FunderId, funding::ProjectId)).await
        }
    }
    versioned;
}
