//! The `Funder` type.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use symbios_entity::funder;
use uuid::Uuid;

use super::actor::Actor;
use super::eager::{Eager, eager};
use super::enums::FunderKind;
use super::localized::{self, LocalizedText};
use super::project::Project;
use super::relations::Funding;
use super::{load_list, load_one, load_records};
use crate::graphql::loaders::{ActorById, FundingsOfFunder, ProjectById};
use crate::graphql::records::record_object;
use crate::service;
use crate::service::localized_text::field;

record_object! {
    /// A funding body: EU fund, national agency, region, municipality, foundation or private.
    Funder(funder) = service::funder::Funders, loaded by FunderById;
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
            match self.0.actor_id {
                Some(actor_id) => Ok(load_one(ctx, ActorById(actor_id)).await?.map(eager(Actor))),
                None => Ok(None),
            }
        }

        /// The fundings this funder granted.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn fundings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Eager<Funding>>> {
            let rows = load_list(ctx, FundingsOfFunder(self.0.id)).await?;
            Ok(rows.into_iter().map(eager(Funding)).collect())
        }

        /// The distinct projects this funder funds.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Eager<Project>>> {
            let rows = load_list(ctx, FundingsOfFunder(self.0.id)).await?;
            let mut project_ids: Vec<Uuid> = Vec::with_capacity(rows.len());
            for row in rows {
                if !project_ids.contains(&row.project_id) {
                    project_ids.push(row.project_id);
                }
            }
            load_records(ctx, &project_ids, ProjectById, eager(Project)).await
        }

        /// Starts at 1 and grows by one with every change.
        async fn version(&self) -> i32 {
            self.0.version
        }

        /// When the record was created.
        async fn created_at(&self) -> DateTime<Utc> {
            self.0.created_at
        }

        /// When the record last changed.
        async fn updated_at(&self) -> DateTime<Utc> {
            self.0.updated_at
        }
    }
}
