//! The `Project` type.

use async_graphql::{Context, Object};
use chrono::NaiveDate;
use symbios_entity::project;

use super::case_study::CaseStudy;
use super::eager::Eager;
use super::enums::ProjectStatus;
use super::funder::Funder;
use super::localized::{self, LocalizedText, Translation};
use super::relation_object::{distinct_targets, linked_records, linked_rows, rows};
use super::relations::{Funding, Participation};
use super::theme::Theme;
use crate::graphql::loaders::{CaseStudyIdsOfProject, ThemeIdsOfProject};
use crate::graphql::records::record_object;
use crate::service::localized_text::field;
use crate::service::{self, funding, participation};

record_object! {
    /// A funded project (R&D, pilot, network) in which actors participate.
    Project(project) = service::project::Projects;
    /// Human-readable unique key, e.g. `smice`.
    slug;
    #[Object]
    fields {
        /// Name in the original language.
        async fn name(&self) -> &str {
            &self.0.name
        }

        /// Acronym, e.g. `SMICE`.
        async fn acronym(&self) -> Option<&str> {
            self.0.acronym.as_deref()
        }

        /// Whether the project is running.
        async fn status(&self) -> ProjectStatus {
            self.0.status.into()
        }

        /// First day.
        async fn start_date(&self) -> Option<NaiveDate> {
            self.0.start_date
        }

        /// Last day.
        async fn end_date(&self) -> Option<NaiveDate> {
            self.0.end_date
        }

        /// Project website.
        async fn website(&self) -> Option<&str> {
            self.0.website.as_deref()
        }

        /// Language the project was described in.
        async fn original_lang(&self) -> &str {
            &self.0.original_lang
        }

        /// Summary in `lang` (else `Accept-Language`, else the original).
        async fn summary(
            &self,
            ctx: &Context<'_>,
            lang: Option<String>,
        ) -> async_graphql::Result<Option<LocalizedText>> {
            localized::resolve(ctx, self.0.id, field::SUMMARY, lang.as_deref()).await
        }

        /// Every translation of the summary.
        async fn summary_translations(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<Translation>> {
            localized::all(ctx, self.0.id, field::SUMMARY).await
        }

        /// Themes the project is tagged with.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Eager<Theme>>> {
            linked_records(ctx, ThemeIdsOfProject(self.0.id)).await
        }

        /// Actors taking part, each with its role.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn participants(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<Eager<Participation>>> {
            linked_rows(ctx, &self.0, (participation::ProjectId, participation::ActorId)).await
        }

        /// Money the project received.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn fundings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Eager<Funding>>> {
            rows(ctx, &self.0, funding::ProjectId).await
        }

        /// The distinct funders of the project.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn funders(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Eager<Funder>>> {
            distinct_targets(ctx, &self.0, (funding::ProjectId, funding::FunderId)).await
        }

        /// Case studies that belong to the project.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn case_studies(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<Eager<CaseStudy>>> {
            linked_records(ctx, CaseStudyIdsOfProject(self.0.id)).await
        }
    }
    versioned;
}
