//! Create, update and delete of the versioned relations: participations, fundings, case-study
//! roles, resource flows, impact figures and memberships. They all work alike, so one macro
//! writes their resolvers; each relation supplies its inputs and their conversions.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, MergedObject, Object};
use chrono::NaiveDate;
use symbios_entity::{
    case_study_actor, funding, impact_figure, membership, participation, resource_flow,
};
use uuid::Uuid;

use super::{DeletedRecord, LocalizedTextInput, create, delete, localized, update, written_row};
use crate::graphql::ids::parse_id;
use crate::graphql::types::enums::{CaseStudyRole, FlowCategory, FlowStatus, ParticipationRole};
use crate::graphql::types::relations::{
    CaseStudyActor, Funding, ImpactFigure, Membership, Participation, ResourceFlow,
};
use crate::service::write::{
    CaseStudyActorFields, CaseStudyActorPatch, FlowFields, FlowPatch, FundingFields, FundingPatch,
    ImpactFields, ImpactPatch, MembershipFields, MembershipPatch, ParticipationFields,
    ParticipationPatch,
};

/// Every relation mutation.
#[derive(MergedObject, Default)]
pub struct RelationMutation(
    ParticipationMutation,
    FundingMutation,
    CaseStudyActorMutation,
    ResourceFlowMutation,
    ImpactFigureMutation,
    MembershipMutation,
);

macro_rules! relation_mutation {
    (
        $mutation:ident, $entity:ident, $object:ident, $fields:ident, $name:literal,
        $create:ident($create_input:ident) = $create_doc:literal,
        $update:ident($patch_input:ident) = $update_doc:literal,
        $delete:ident = $delete_doc:literal $(,)?
    ) => {
        #[derive(Default)]
        pub struct $mutation;

        #[Object]
        impl $mutation {
            #[doc = $create_doc]
            async fn $create(
                &self,
                ctx: &Context<'_>,
                input: $create_input,
            ) -> async_graphql::Result<$object> {
                let id = input.id.clone();
                let record = input.into_record()?;
                let written = create(ctx, id, record).await?;
                Ok($object::from(
                    written_row::<$entity::Entity>(ctx, written, $name).await?,
                ))
            }

            #[doc = $update_doc]
            async fn $update(
                &self,
                ctx: &Context<'_>,
                id: ID,
                expected_version: i32,
                patch: $patch_input,
            ) -> async_graphql::Result<$object> {
                let patch = patch.into_patch()?;
                let written = update::<$fields>(ctx, &id, expected_version, patch).await?;
                Ok($object::from(
                    written_row::<$entity::Entity>(ctx, written, $name).await?,
                ))
            }

            #[doc = $delete_doc]
            async fn $delete(
                &self,
                ctx: &Context<'_>,
                id: ID,
                expected_version: i32,
            ) -> async_graphql::Result<DeletedRecord> {
                delete::<$fields>(ctx, &id, expected_version).await
            }
        }
    };
}

fn id(field: &str, id: &ID) -> async_graphql::Result<Uuid> {
    parse_id(field, id)
}

fn optional_id(field: &str, value: Option<ID>) -> async_graphql::Result<Option<Uuid>> {
    value.map(|value| parse_id(field, &value)).transpose()
}

fn patch_id(field: &str, value: Option<ID>) -> async_graphql::Result<Option<Uuid>> {
    optional_id(field, value)
}

/// A new participation of an actor in a project.
#[derive(InputObject, Debug, Clone)]
pub struct CreateParticipationInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    pub project_id: ID,
    pub actor_id: ID,
    pub role: ParticipationRole,
}

impl CreateParticipationInput {
    fn into_record(self) -> async_graphql::Result<ParticipationFields> {
        Ok(ParticipationFields {
            project_id: id("input.projectId", &self.project_id)?,
            actor_id: id("input.actorId", &self.actor_id)?,
            role: self.role.into(),
        })
    }
}

/// Changes to a participation; fields left out keep their value.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ParticipationPatchInput {
    pub project_id: Option<ID>,
    pub actor_id: Option<ID>,
    pub role: Option<ParticipationRole>,
}

impl ParticipationPatchInput {
    fn into_patch(self) -> async_graphql::Result<ParticipationPatch> {
        Ok(ParticipationPatch {
            project_id: patch_id("patch.projectId", self.project_id)?,
            actor_id: patch_id("patch.actorId", self.actor_id)?,
            role: self.role.map(Into::into),
        })
    }
}

relation_mutation!(
    ParticipationMutation,
    participation,
    Participation,
    ParticipationFields,
    "Participation",
    create_participation(CreateParticipationInput) = "Adds an actor to a project (editor key).",
    update_participation(ParticipationPatchInput) =
        "Changes a participation that is at `expectedVersion` (editor key).",
    delete_participation = "Removes a participation that is at `expectedVersion` (editor key).",
);

/// A new funding of a project.
#[derive(InputObject, Debug, Clone)]
pub struct CreateFundingInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    pub funder_id: ID,
    pub project_id: ID,
    pub programme: Option<String>,
    /// Non-negative; needs `currency`.
    pub amount: Option<f64>,
    /// ISO 4217, e.g. EUR, SEK, NOK.
    pub currency: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

impl CreateFundingInput {
    fn into_record(self) -> async_graphql::Result<FundingFields> {
        Ok(FundingFields {
            funder_id: id("input.funderId", &self.funder_id)?,
            project_id: id("input.projectId", &self.project_id)?,
            programme: self.programme,
            amount: self.amount,
            currency: self.currency,
            period_start: self.period_start,
            period_end: self.period_end,
        })
    }
}

/// Changes to a funding: fields left out keep their value; `null` clears an optional one.
#[derive(InputObject, Debug, Clone, Default)]
pub struct FundingPatchInput {
    pub funder_id: Option<ID>,
    pub project_id: Option<ID>,
    pub programme: MaybeUndefined<String>,
    pub amount: MaybeUndefined<f64>,
    pub currency: MaybeUndefined<String>,
    pub period_start: MaybeUndefined<NaiveDate>,
    pub period_end: MaybeUndefined<NaiveDate>,
}

impl FundingPatchInput {
    fn into_patch(self) -> async_graphql::Result<FundingPatch> {
        Ok(FundingPatch {
            funder_id: patch_id("patch.funderId", self.funder_id)?,
            project_id: patch_id("patch.projectId", self.project_id)?,
            programme: self.programme.into(),
            amount: self.amount.into(),
            currency: self.currency.into(),
            period_start: self.period_start.into(),
            period_end: self.period_end.into(),
        })
    }
}

relation_mutation!(
    FundingMutation,
    funding,
    Funding,
    FundingFields,
    "Funding",
    create_funding(CreateFundingInput) = "Records a funder's grant to a project (editor key).",
    update_funding(FundingPatchInput) =
        "Changes a funding that is at `expectedVersion` (editor key).",
    delete_funding = "Removes a funding that is at `expectedVersion` (editor key).",
);

/// A new role of an actor in a case study.
#[derive(InputObject, Debug, Clone)]
pub struct CreateCaseStudyActorInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    pub case_study_id: ID,
    pub actor_id: ID,
    pub role: CaseStudyRole,
}

impl CreateCaseStudyActorInput {
    fn into_record(self) -> async_graphql::Result<CaseStudyActorFields> {
        Ok(CaseStudyActorFields {
            case_study_id: id("input.caseStudyId", &self.case_study_id)?,
            actor_id: id("input.actorId", &self.actor_id)?,
            role: self.role.into(),
        })
    }
}

/// Changes to a case-study role; fields left out keep their value.
#[derive(InputObject, Debug, Clone, Default)]
pub struct CaseStudyActorPatchInput {
    pub case_study_id: Option<ID>,
    pub actor_id: Option<ID>,
    pub role: Option<CaseStudyRole>,
}

impl CaseStudyActorPatchInput {
    fn into_patch(self) -> async_graphql::Result<CaseStudyActorPatch> {
        Ok(CaseStudyActorPatch {
            case_study_id: patch_id("patch.caseStudyId", self.case_study_id)?,
            actor_id: patch_id("patch.actorId", self.actor_id)?,
            role: self.role.map(Into::into),
        })
    }
}

relation_mutation!(
    CaseStudyActorMutation,
    case_study_actor,
    CaseStudyActor,
    CaseStudyActorFields,
    "CaseStudyActor",
    create_case_study_actor(CreateCaseStudyActorInput) =
        "Gives an actor a role in a case study (editor key).",
    update_case_study_actor(CaseStudyActorPatchInput) =
        "Changes a case-study role that is at `expectedVersion` (editor key).",
    delete_case_study_actor =
        "Removes a case-study role that is at `expectedVersion` (editor key).",
);

/// A new resource flow of a case study.
#[derive(InputObject, Debug, Clone)]
pub struct CreateResourceFlowInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    pub case_study_id: ID,
    pub from_actor_id: ID,
    pub to_actor_id: Option<ID>,
    pub resource: String,
    pub category: FlowCategory,
    /// Non-negative; needs `unit`.
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub status: FlowStatus,
    /// Six-digit European Waste Catalogue code.
    pub ewc_code: Option<String>,
    pub original_lang: String,
    pub description: Option<Vec<LocalizedTextInput>>,
}

impl CreateResourceFlowInput {
    fn into_record(self) -> async_graphql::Result<FlowFields> {
        Ok(FlowFields {
            case_study_id: id("input.caseStudyId", &self.case_study_id)?,
            from_actor_id: id("input.fromActorId", &self.from_actor_id)?,
            to_actor_id: optional_id("input.toActorId", self.to_actor_id)?,
            resource: self.resource,
            category: self.category.into(),
            quantity: self.quantity,
            unit: self.unit,
            year: self.year,
            status: self.status.into(),
            ewc_code: self.ewc_code,
            original_lang: self.original_lang,
            description: localized("input.description", self.description)?.unwrap_or_default(),
        })
    }
}

/// Changes to a resource flow: fields left out keep their value; `null` clears an optional one.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ResourceFlowPatchInput {
    pub case_study_id: Option<ID>,
    pub from_actor_id: Option<ID>,
    pub to_actor_id: MaybeUndefined<ID>,
    pub resource: Option<String>,
    pub category: Option<FlowCategory>,
    pub quantity: MaybeUndefined<f64>,
    pub unit: MaybeUndefined<String>,
    pub year: MaybeUndefined<i32>,
    pub status: Option<FlowStatus>,
    pub ewc_code: MaybeUndefined<String>,
    pub original_lang: Option<String>,
    pub description: Option<Vec<LocalizedTextInput>>,
}

impl ResourceFlowPatchInput {
    fn into_patch(self) -> async_graphql::Result<FlowPatch> {
        let to_actor_id: Option<Option<ID>> = self.to_actor_id.into();
        Ok(FlowPatch {
            case_study_id: patch_id("patch.caseStudyId", self.case_study_id)?,
            from_actor_id: patch_id("patch.fromActorId", self.from_actor_id)?,
            to_actor_id: to_actor_id
                .map(|value| optional_id("patch.toActorId", value))
                .transpose()?,
            resource: self.resource,
            category: self.category.map(Into::into),
            quantity: self.quantity.into(),
            unit: self.unit.into(),
            year: self.year.into(),
            status: self.status.map(Into::into),
            ewc_code: self.ewc_code.into(),
            original_lang: self.original_lang,
            description: localized("patch.description", self.description)?,
        })
    }
}

relation_mutation!(
    ResourceFlowMutation,
    resource_flow,
    ResourceFlow,
    FlowFields,
    "ResourceFlow",
    create_resource_flow(CreateResourceFlowInput) =
        "Records a resource exchanged in a case study (editor key).",
    update_resource_flow(ResourceFlowPatchInput) =
        "Changes a resource flow that is at `expectedVersion` (editor key).",
    delete_resource_flow = "Removes a resource flow that is at `expectedVersion` (editor key).",
);

/// A new impact figure of a case study.
#[derive(InputObject, Debug, Clone)]
pub struct CreateImpactFigureInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    pub case_study_id: ID,
    /// What is measured, e.g. `co2_avoided`.
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub year: Option<i32>,
    pub note: Option<String>,
}

impl CreateImpactFigureInput {
    fn into_record(self) -> async_graphql::Result<ImpactFields> {
        Ok(ImpactFields {
            case_study_id: id("input.caseStudyId", &self.case_study_id)?,
            metric: self.metric,
            value: self.value,
            unit: self.unit,
            year: self.year,
            note: self.note,
        })
    }
}

/// Changes to an impact figure: fields left out keep their value; `null` clears an optional one.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ImpactFigurePatchInput {
    pub case_study_id: Option<ID>,
    pub metric: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub year: MaybeUndefined<i32>,
    pub note: MaybeUndefined<String>,
}

impl ImpactFigurePatchInput {
    fn into_patch(self) -> async_graphql::Result<ImpactPatch> {
        Ok(ImpactPatch {
            case_study_id: patch_id("patch.caseStudyId", self.case_study_id)?,
            metric: self.metric,
            value: self.value,
            unit: self.unit,
            year: self.year.into(),
            note: self.note.into(),
        })
    }
}

relation_mutation!(
    ImpactFigureMutation,
    impact_figure,
    ImpactFigure,
    ImpactFields,
    "ImpactFigure",
    create_impact_figure(CreateImpactFigureInput) =
        "Records a measured effect of a case study (editor key).",
    update_impact_figure(ImpactFigurePatchInput) =
        "Changes an impact figure that is at `expectedVersion` (editor key).",
    delete_impact_figure = "Removes an impact figure that is at `expectedVersion` (editor key).",
);

/// A new membership of a person (an actor of kind `PERSON`) in an organisation.
#[derive(InputObject, Debug, Clone)]
pub struct CreateMembershipInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    pub person_id: ID,
    pub organisation_id: ID,
    /// The person's title there.
    pub title: Option<String>,
}

impl CreateMembershipInput {
    fn into_record(self) -> async_graphql::Result<MembershipFields> {
        Ok(MembershipFields {
            person_id: id("input.personId", &self.person_id)?,
            organisation_id: id("input.organisationId", &self.organisation_id)?,
            title: self.title,
        })
    }
}

/// Changes to a membership: fields left out keep their value; `null` clears the title.
#[derive(InputObject, Debug, Clone, Default)]
pub struct MembershipPatchInput {
    pub person_id: Option<ID>,
    pub organisation_id: Option<ID>,
    pub title: MaybeUndefined<String>,
}

impl MembershipPatchInput {
    fn into_patch(self) -> async_graphql::Result<MembershipPatch> {
        Ok(MembershipPatch {
            person_id: patch_id("patch.personId", self.person_id)?,
            organisation_id: patch_id("patch.organisationId", self.organisation_id)?,
            title: self.title.into(),
        })
    }
}

relation_mutation!(
    MembershipMutation,
    membership,
    Membership,
    MembershipFields,
    "Membership",
    create_membership(CreateMembershipInput) =
        "Records that a person belongs to an organisation (editor key).",
    update_membership(MembershipPatchInput) =
        "Changes a membership that is at `expectedVersion` (editor key).",
    delete_membership = "Removes a membership that is at `expectedVersion` (editor key).",
);
