//! Projects in GraphQL: the `Project` object, its filter and order inputs, `project` and
//! `projects`.

use async_graphql::{Context, InputObject, Object};
use chrono::NaiveDate;
use symbios_entity::project;

use super::case_study::CaseStudy;
use super::enums::{ProgrammeKind, ProjectStatus};
use super::eu_fields::{Money, MoneyInput};
use super::funder::Funder;
use super::relation_object::{distinct_targets, linked_records, linked_rows, rows};
use super::relations::{Funding, Participation};
use super::theme::Theme;
use crate::graphql::loaders::{CaseStudyIdsOfProject, ThemeIdsOfProject};
use crate::graphql::mutation::LocalizedTextInput;
use crate::graphql::mutation::input::record_mutations;
use crate::graphql::records::{order_input, record_object, record_queries, values};
use crate::service::localized_text::field;
use crate::service::project::{ProjectFields, ProjectPatch};
use crate::service::validate::YearRange;
use crate::service::{self, funding, participation, project as projects};

record_object! {
    /// A funded project (R&D, pilot, network) in which actors participate.
    Project(project) = service::project::Projects;
    /// Human-readable unique key, e.g. `smice`.
    slug;
    #[Object]
    fields {
        /// Name in the original language.
        name: &str = |row| &row.name;

        /// Acronym, e.g. `SMICE`.
        acronym: Option<&str> = |row| row.acronym.as_deref();

        /// Whether the project is running.
        status: ProjectStatus = |row| row.status.into();

        /// First day.
        start_date: Option<NaiveDate> = |row| row.start_date;

        /// Last day.
        end_date: Option<NaiveDate> = |row| row.end_date;

        /// Project website.
        website: Option<&str> = |row| row.website.as_deref();

        /// The whole budget, as published.
        total_budget: Option<Money> = |row| {
            Money::of(row.total_budget_amount, row.total_budget_currency.as_deref())
        };

        /// The part of the budget the EU pays (co-financing), as published.
        eu_contribution: Option<Money> = |row| {
            Money::of(row.eu_contribution_amount, row.eu_contribution_currency.as_deref())
        };

        /// Language the project was described in.
        original_lang: &str = |row| &row.original_lang;

        /// Summary in `lang` (else `Accept-Language`, else the original).
        summary: localized field::SUMMARY;

        /// Every translation of the summary.
        summary_translations: translations field::SUMMARY;

        /// Themes the project is tagged with.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Theme>> {
            linked_records(ctx, ThemeIdsOfProject(self.0.id)).await
        }

        /// Actors taking part, each with its role.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn participants(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<Participation>> {
            linked_rows(ctx, &self.0, (participation::ProjectId, participation::ActorId)).await
        }

        /// Money the project received.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn fundings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Funding>> {
            rows(ctx, &self.0, funding::ProjectId).await
        }

        /// The distinct funders of the project.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn funders(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Funder>> {
            distinct_targets(ctx, &self.0, (funding::ProjectId, funding::FunderId)).await
        }

        /// Case studies that belong to the project.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn case_studies(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<CaseStudy>> {
            linked_records(ctx, CaseStudyIdsOfProject(self.0.id)).await
        }

        versioned;
    }
}

/// Which projects to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Countries (ISO 3166-1 alpha-2) of participating actors; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Statuses.
    pub status: Option<Vec<ProjectStatus>>,
    /// Theme slugs; at most 100 different ones.
    pub theme: Option<Vec<String>>,
    /// NUTS codes (levels 1–3): a participant or a case study of the project lies in one of
    /// these regions or their sub-regions (`SE2` finds `SE232`); at most 300 different codes.
    pub nuts: Option<Vec<String>>,
    /// Kinds of programme the project is funded by.
    pub programme: Option<Vec<ProgrammeKind>>,
    /// Running in or after this year.
    pub year_from: Option<i32>,
    /// Running in or before this year.
    pub year_to: Option<i32>,
    /// Name or acronym contains this text, ignoring case and diacritics: one line of at most
    /// 200 characters.
    pub name_contains: Option<String>,
}

order_input! {
    /// How to sort projects.
    ProjectOrder;
    /// What to sort projects by.
    ProjectOrderField {
        /// Name, ignoring case and diacritics.
        #[default]
        Name,
        /// Start date; unknown starts sort as oldest.
        Year,
        /// Last change.
        UpdatedAt,
        /// Slug: an order that stays put when a name is edited or translated.
        Slug,
    }
}

impl From<ProjectFilter> for projects::Filter {
    fn from(filter: ProjectFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            statuses: values(filter.status),
            themes: filter.theme.unwrap_or_default(),
            years: YearRange::between(filter.year_from, filter.year_to),
            name_contains: filter.name_contains,
            nuts: filter.nuts.unwrap_or_default(),
            programmes: values(filter.programme),
        }
    }
}

record_queries! {
    ProjectQuery: Project, ProjectFilter, ProjectOrder;
    /// One project by `id` or `slug` (give exactly one); null when there is none.
    project;
    /// Projects, filtered and sorted, in pages of `first` (default 20, at most 100) after
    /// `after`, or `last` before `before`.
    projects;
}

record_mutations! {
    ProjectMutation: Project = ProjectFields, ProjectPatch;
    /// A new project.
    CreateProjectInput {
        /// A client-chosen id (UUID); made up when left out.
        id
    }
    /// Changes to a project: fields left out keep their value; `null` clears an optional one;
    /// lists replace the whole list.
    ProjectPatchInput;
    {
        /// Unique key; a new project without one gets one made from its name.
        slug: slug String,
        name: required String,
        acronym: optional String,
        status: required ProjectStatus,
        start_date: optional NaiveDate,
        end_date: optional NaiveDate,
        website: optional String,
        /// The whole budget.
        total_budget: optional MoneyInput,
        /// The part of the budget the EU pays.
        eu_contribution: optional MoneyInput,
        original_lang: required String,
        summary: defaulted Vec<LocalizedTextInput>,
        /// Theme slugs; at most 100 different ones.
        themes: defaulted Vec<String>,
    }
    /// Creates a project (editor key).
    create_project;
    /// Changes a project that is at `expectedVersion` (editor key).
    update_project;
    /// Deletes a project that is at `expectedVersion` and that nothing refers to any more
    /// (editor key).
    delete_project;
}
