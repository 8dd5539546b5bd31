//! Case studies in GraphQL: the `CaseStudy` object, its filter and order inputs, `caseStudy`
//! and `caseStudies`.

use async_graphql::{Context, InputObject, Object};
use symbios_entity::case_study;

use super::enums::{CaseStudyKind, CaseStudyStatus, ProgrammeKind};
use super::eu_fields::{NutsRegion, nuts_path};
use super::flows::{Network, network_of};
use super::project::Project;
use super::relation_object::{linked_records, linked_rows, relation_object, rows};
use super::relations::{CaseStudyActor, ImpactFigure, ResourceFlow, Source};
use super::theme::Theme;
use crate::graphql::loaders::{ProjectIdsOfCaseStudy, ThemeIdsOfCaseStudy};
use crate::graphql::mutation::LocalizedTextInput;
use crate::graphql::mutation::input::{At, FromInput, record_mutations};
use crate::graphql::records::{order_input, record_object, record_queries, values};
use crate::service::case_study::{CaseStudyFields, CaseStudyPatch, SourceFields};
use crate::service::localized_text::field;
use crate::service::validate::YearRange;
use crate::service::{
    self, case_study as case_studies, case_study_actor, impact_figure, resource_flow, source,
};
use async_graphql::ID;
use chrono::NaiveDate;

relation_object! {
    /// Where a case study is.
    Location over case_study::Model;
    fields {
        /// Town or site, e.g. `Kungshamn`.
        place: &str = |row| &row.place;
        /// Municipality, e.g. `Sotenäs kommun`.
        municipality: Option<&str> = |row| row.municipality.as_deref();
        /// Region, e.g. `Västra Götaland`.
        region: Option<&str> = |row| row.region.as_deref();
        /// ISO 3166-1 alpha-2 country code.
        country: &str = |row| &row.country;
        /// NUTS code of the most specific region known, e.g. `SE232`.
        nuts_code: Option<&str> = |row| row.nuts_code.as_deref();
        /// That NUTS region, then each region containing it up to level 1 (`SE232` Västra
        /// Götalands län, `SE23` Västsverige, `SE2` Södra Sverige); empty when not known.
        nuts: Vec<NutsRegion> = |row| nuts_path(row.nuts_code.as_deref());
        /// WGS 84 latitude.
        latitude: Option<f64> = |row| row.latitude;
        /// WGS 84 longitude.
        longitude: Option<f64> = |row| row.longitude;
    }
}

record_object! {
    /// A documented industrial-symbiosis or circular-economy case: where it is, who takes part,
    /// what flows between them and what it achieves.
    CaseStudy(case_study) = service::case_study::CaseStudies;
    /// Human-readable unique key, e.g. `kalundborg-symbiosis`.
    slug;
    #[Object]
    fields {
        /// Title in the original language.
        title: &str = |row| &row.title;

        /// What kind of case this is.
        kind: CaseStudyKind = |row| row.kind.into();

        /// Whether the case is running.
        status: CaseStudyStatus = |row| row.status.into();

        /// Where the case is.
        location: Location = |row| Location(row.clone());

        /// ISO 3166-1 alpha-2 country code (same as `location.country`).
        country: &str = |row| &row.country;

        /// Year the collaboration began.
        established_year: Option<i32> = |row| row.established_year;

        /// Language the case study was written in.
        original_lang: &str = |row| &row.original_lang;

        /// Short summary in `lang` (else `Accept-Language`, else the original).
        summary: localized field::SUMMARY;

        /// Full description in `lang` (else `Accept-Language`, else the original); paragraphs
        /// are separated by blank lines.
        body: localized field::BODY;

        /// Every translation of the summary.
        summary_translations: translations field::SUMMARY;

        /// Themes the case is tagged with.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Theme>> {
            linked_records(ctx, ThemeIdsOfCaseStudy(self.0.id)).await
        }

        /// Actors taking part, each with its role.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn actors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CaseStudyActor>> {
            let (case_study, actor) = (case_study_actor::CaseStudyId, case_study_actor::ActorId);
            linked_rows(ctx, &self.0, (case_study, actor)).await
        }

        /// Projects the case belongs to.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Project>> {
            linked_records(ctx, ProjectIdsOfCaseStudy(self.0.id)).await
        }

        /// Resources exchanged between the actors.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn flows(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ResourceFlow>> {
            rows(ctx, &self.0, resource_flow::CaseStudyId).await
        }

        /// The actors (nodes) and resource flows (edges) of the case study as a graph.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn network(&self, ctx: &Context<'_>) -> async_graphql::Result<Network> {
            let filter = resource_flow::Filter {
                case_studies: vec![self.0.id.to_string()],
                ..Default::default()
            };
            network_of(ctx, filter).await
        }

        /// Published impact figures.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn impacts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ImpactFigure>> {
            rows(ctx, &self.0, impact_figure::CaseStudyId).await
        }

        /// Public sources the case study is based on.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
            rows(ctx, &self.0, source::CaseStudyId).await
        }

        versioned;
    }
}

/// Which case studies to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct CaseStudyFilter {
    /// ISO 3166-1 alpha-2 country codes; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Kinds of case.
    pub kind: Option<Vec<CaseStudyKind>>,
    /// Statuses.
    pub status: Option<Vec<CaseStudyStatus>>,
    /// Theme slugs, e.g. `industrial-symbiosis`; at most 100 different ones.
    pub theme: Option<Vec<String>>,
    /// NUTS codes (levels 1–3); a code finds its sub-regions (`SE2` finds `SE232`); at most
    /// 300 different codes.
    pub nuts: Option<Vec<String>>,
    /// Kinds of programme funding one of the case study's projects.
    pub programme: Option<Vec<ProgrammeKind>>,
    /// Established in or after this year.
    pub year_from: Option<i32>,
    /// Established in or before this year.
    pub year_to: Option<i32>,
    /// Title contains this text, ignoring case and diacritics (`sotenas` finds Sotenäs):
    /// one line of at most 200 characters.
    pub name_contains: Option<String>,
}

order_input! {
    /// How to sort case studies.
    CaseStudyOrder;
    /// What to sort case studies by.
    CaseStudyOrderField {
        /// Title, ignoring case and diacritics.
        #[default]
        Name,
        /// Year established; unknown years sort as oldest.
        Year,
        /// Last change.
        UpdatedAt,
        /// Slug: an order that stays put when a name is edited or translated.
        Slug,
    }
}

impl From<CaseStudyFilter> for case_studies::Filter {
    fn from(filter: CaseStudyFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            kinds: values(filter.kind),
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
    CaseStudyQuery: CaseStudy, CaseStudyFilter, CaseStudyOrder;
    /// One case study by `id` or `slug` (give exactly one); null when there is none.
    case_study;
    /// Case studies, filtered and sorted, in pages of `first` (default 20, at most 100)
    /// after `after`, or `last` before `before`.
    case_studies;
}

/// A public source of a case study.
#[derive(InputObject, Debug, Clone)]
pub struct SourceInput {
    /// http(s) URL.
    pub url: String,
    pub title: String,
    /// When the source was read.
    pub accessed: Option<NaiveDate>,
}

impl FromInput<SourceInput> for SourceFields {
    fn from_input(input: SourceInput, _at: At) -> async_graphql::Result<Self> {
        Ok(SourceFields {
            url: input.url,
            title: input.title,
            accessed: input.accessed,
        })
    }
}

record_mutations! {
    CaseStudyMutation: CaseStudy = CaseStudyFields, CaseStudyPatch;
    /// A new case study.
    CreateCaseStudyInput {
        /// A client-chosen id (UUID); made up when left out.
        id
    }
    /// Changes to a case study: fields left out keep their value; `null` clears an optional one;
    /// lists replace the whole list.
    CaseStudyPatchInput;
    {
        /// Unique key; a new case study without one gets one made from its title.
        slug: slug String,
        title: required String,
        kind: required CaseStudyKind,
        place: required String,
        municipality: optional String,
        region: optional String,
        /// ISO 3166-1 alpha-2.
        country: required String,
        /// NUTS code (level 1–3) of the most specific region known, in `country`, e.g. `SE232`.
        nuts_code: optional String,
        latitude: optional f64,
        longitude: optional f64,
        established_year: optional i32,
        status: required CaseStudyStatus,
        original_lang: required String,
        /// Must hold a text in `originalLang`.
        summary: required Vec<LocalizedTextInput>,
        body: defaulted Vec<LocalizedTextInput>,
        /// Theme slugs; at most 100 different ones.
        themes: defaulted Vec<String>,
        /// Projects the case study belongs to; at most 100 different ones.
        project_ids: defaulted Vec<ID>,
        /// At most 100 different ones.
        sources: defaulted Vec<SourceInput>,
    }
    /// Creates a case study (editor key).
    create_case_study;
    /// Changes a case study that is at `expectedVersion` (editor key).
    update_case_study;
    /// Deletes a case study that is at `expectedVersion`, once its actor roles, flows and
    /// impact figures are deleted (editor key).
    delete_case_study;
}
