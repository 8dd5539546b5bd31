//! `createCaseStudy`, `updateCaseStudy` and `deleteCaseStudy`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::NaiveDate;
use symbios_entity::case_study;

use super::{
    DeletedRecord, LocalizedTextInput, create, delete, localized, parse_ids, update, written_row,
};
use crate::graphql::types::case_study::CaseStudy;
use crate::graphql::types::enums::{CaseStudyKind, CaseStudyStatus};
use crate::service::write::{CaseStudyFields, CaseStudyPatch, SourceFields};

/// A public source of a case study.
#[derive(InputObject, Debug, Clone)]
pub struct SourceInput {
    /// http(s) URL.
    pub url: String,
    pub title: String,
    /// When the source was read.
    pub accessed: Option<NaiveDate>,
}

fn sources(inputs: Vec<SourceInput>) -> Vec<SourceFields> {
    inputs
        .into_iter()
        .map(|input| SourceFields {
            url: input.url,
            title: input.title,
            accessed: input.accessed,
        })
        .collect()
}

/// A new case study.
#[derive(InputObject, Debug, Clone)]
pub struct CreateCaseStudyInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    /// Unique key; made from the title when left out.
    pub slug: Option<String>,
    pub title: String,
    pub kind: CaseStudyKind,
    pub place: String,
    pub municipality: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub established_year: Option<i32>,
    pub status: CaseStudyStatus,
    pub original_lang: String,
    /// Required, with a text in `originalLang`.
    pub summary: Vec<LocalizedTextInput>,
    pub body: Option<Vec<LocalizedTextInput>>,
    /// Theme slugs; at most 100 different ones.
    pub themes: Option<Vec<String>>,
    /// Projects the case study belongs to; at most 100 different ones.
    pub project_ids: Option<Vec<ID>>,
    /// At most 100 different ones.
    pub sources: Option<Vec<SourceInput>>,
}

/// Changes to a case study: fields left out keep their value; `null` clears an optional one;
/// lists replace the whole list.
#[derive(InputObject, Debug, Clone, Default)]
pub struct CaseStudyPatchInput {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub kind: Option<CaseStudyKind>,
    pub place: Option<String>,
    pub municipality: MaybeUndefined<String>,
    pub region: MaybeUndefined<String>,
    pub country: Option<String>,
    pub latitude: MaybeUndefined<f64>,
    pub longitude: MaybeUndefined<f64>,
    pub established_year: MaybeUndefined<i32>,
    pub status: Option<CaseStudyStatus>,
    pub original_lang: Option<String>,
    pub summary: Option<Vec<LocalizedTextInput>>,
    pub body: Option<Vec<LocalizedTextInput>>,
    /// At most 100 different ones.
    pub themes: Option<Vec<String>>,
    /// At most 100 different ones.
    pub project_ids: Option<Vec<ID>>,
    /// At most 100 different ones.
    pub sources: Option<Vec<SourceInput>>,
}

#[derive(Default)]
pub struct CaseStudyMutation;

#[Object]
impl CaseStudyMutation {
    /// Creates a case study (editor key).
    async fn create_case_study(
        &self,
        ctx: &Context<'_>,
        input: CreateCaseStudyInput,
    ) -> async_graphql::Result<CaseStudy> {
        let record = CaseStudyFields {
            slug: input.slug,
            title: input.title,
            kind: input.kind.into(),
            place: input.place,
            municipality: input.municipality,
            region: input.region,
            country: input.country,
            latitude: input.latitude,
            longitude: input.longitude,
            established_year: input.established_year,
            status: input.status.into(),
            original_lang: input.original_lang,
            summary: localized("input.summary", Some(input.summary))?.unwrap_or_default(),
            body: localized("input.body", input.body)?.unwrap_or_default(),
            themes: input.themes.unwrap_or_default(),
            project_ids: parse_ids("input.projectIds", input.project_ids)?.unwrap_or_default(),
            sources: sources(input.sources.unwrap_or_default()),
        };
        let written = create(ctx, input.id, record).await?;
        Ok(CaseStudy(
            written_row::<case_study::Entity>(ctx, written, "CaseStudy").await?,
        ))
    }

    /// Changes a case study that is at `expectedVersion` (editor key).
    async fn update_case_study(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        patch: CaseStudyPatchInput,
    ) -> async_graphql::Result<CaseStudy> {
        let patch = CaseStudyPatch {
            slug: patch.slug,
            title: patch.title,
            kind: patch.kind.map(Into::into),
            place: patch.place,
            municipality: patch.municipality.into(),
            region: patch.region.into(),
            country: patch.country,
            latitude: patch.latitude.into(),
            longitude: patch.longitude.into(),
            established_year: patch.established_year.into(),
            status: patch.status.map(Into::into),
            original_lang: patch.original_lang,
            summary: localized("patch.summary", patch.summary)?,
            body: localized("patch.body", patch.body)?,
            themes: patch.themes,
            project_ids: parse_ids("patch.projectIds", patch.project_ids)?,
            sources: patch.sources.map(sources),
        };
        let written = update::<CaseStudyFields>(ctx, &id, expected_version, patch).await?;
        Ok(CaseStudy(
            written_row::<case_study::Entity>(ctx, written, "CaseStudy").await?,
        ))
    }

    /// Deletes a case study that is at `expectedVersion`, once its actor roles, flows and
    /// impact figures are deleted (editor key).
    async fn delete_case_study(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> async_graphql::Result<DeletedRecord> {
        delete::<CaseStudyFields>(ctx, &id, expected_version).await
    }
}
