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
use crate::graphql::types::enums::{
    CaseStudyRole, FlowCategory, FlowStatus, ParticipationRole, ProgrammeKind,
};
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

/// The create and patch inputs of a relation, and their conversions to the write side's
/// fields and patch, from one list of fields. Each field is one of:
/// - `id name("camelName")`: an id; a create needs it, a patch may leave it out;
/// - `optional_id name("camelName")`: an id the record may go without (`null` clears it);
/// - `required name: T`: a value a create needs, a patch may leave out;
/// - `vocabulary name: T`: the same, for a GraphQL enum converted to the stored one;
/// - `optional name: T`: a value the record may go without (`null` clears it);
/// - `optional_vocabulary name: T`: the same, for a GraphQL enum converted to the stored one;
/// - `localized name("camelName")`: texts by language.
///
/// Doc comments on a field describe it in the create input; every create input also takes
/// a client-chosen `id`. Refused ids and texts are named `input.camelName` / `patch.camelName`.
macro_rules! relation_inputs {
    (
        $(#[$create_doc:meta])* $create:ident => $fields:ident;
        $(#[$patch_doc:meta])* $patch:ident => $patch_fields:ident;
        $($rest:tt)*
    ) => {
        relation_inputs!(@field
            [$(#[$create_doc])* $create => $fields; $(#[$patch_doc])* $patch => $patch_fields]
            [] [] []
            $($rest)*
        );
    };

    // One field at a time: its create input field, its patch input field, and how it converts.
    (@field $head:tt $create:tt $patch:tt $conversions:tt
        $(#[$doc:meta])* id $name:ident($camel:literal), $($rest:tt)*
    ) => {
        relation_inputs!(@push $head $create $patch $conversions
            [$(#[$doc])* $name: ID] [$name: Option<ID>] (id $name $camel) $($rest)*);
    };
    (@field $head:tt $create:tt $patch:tt $conversions:tt
        $(#[$doc:meta])* optional_id $name:ident($camel:literal), $($rest:tt)*
    ) => {
        relation_inputs!(@push $head $create $patch $conversions
            [$(#[$doc])* $name: Option<ID>] [$name: MaybeUndefined<ID>] (optional_id $name $camel)
            $($rest)*);
    };
    (@field $head:tt $create:tt $patch:tt $conversions:tt
        $(#[$doc:meta])* required $name:ident: $ty:ty, $($rest:tt)*
    ) => {
        relation_inputs!(@push $head $create $patch $conversions
            [$(#[$doc])* $name: $ty] [$name: Option<$ty>] (required $name) $($rest)*);
    };
    (@field $head:tt $create:tt $patch:tt $conversions:tt
        $(#[$doc:meta])* vocabulary $name:ident: $ty:ty, $($rest:tt)*
    ) => {
        relation_inputs!(@push $head $create $patch $conversions
            [$(#[$doc])* $name: $ty] [$name: Option<$ty>] (vocabulary $name) $($rest)*);
    };
    (@field $head:tt $create:tt $patch:tt $conversions:tt
        $(#[$doc:meta])* optional_vocabulary $name:ident: $ty:ty, $($rest:tt)*
    ) => {
        relation_inputs!(@push $head $create $patch $conversions
            [$(#[$doc])* $name: Option<$ty>] [$name: MaybeUndefined<$ty>]
            (optional_vocabulary $name) $($rest)*);
    };
    (@field $head:tt $create:tt $patch:tt $conversions:tt
        $(#[$doc:meta])* optional $name:ident: $ty:ty, $($rest:tt)*
    ) => {
        relation_inputs!(@push $head $create $patch $conversions
            [$(#[$doc])* $name: Option<$ty>] [$name: MaybeUndefined<$ty>] (optional $name)
            $($rest)*);
    };
    (@field $head:tt $create:tt $patch:tt $conversions:tt
        $(#[$doc:meta])* localized $name:ident($camel:literal), $($rest:tt)*
    ) => {
        relation_inputs!(@push $head $create $patch $conversions
            [$(#[$doc])* $name: Option<Vec<LocalizedTextInput>>]
            [$name: Option<Vec<LocalizedTextInput>>] (localized $name $camel) $($rest)*);
    };
    (@push $head:tt [$($create:tt)*] [$($patch:tt)*] [$($conversions:tt)*]
        [$(#[$doc:meta])* $name:ident: $create_ty:ty] [$patch_name:ident: $patch_ty:ty]
        $conversion:tt $($rest:tt)*
    ) => {
        relation_inputs!(@field $head
            [$($create)* $(#[$doc])* pub $name: $create_ty,]
            [$($patch)* pub $patch_name: $patch_ty,]
            [$($conversions)* $conversion]
            $($rest)*
        );
    };

    // Every field read: the two inputs and their conversions.
    (@field
        [$(#[$create_doc:meta])* $create_input:ident => $fields:ident;
         $(#[$patch_doc:meta])* $patch_input:ident => $patch_fields:ident]
        [$($create:tt)*] [$($patch:tt)*] [$(($kind:ident $name:ident $($camel:literal)?))*]
    ) => {
        $(#[$create_doc])*
        #[derive(InputObject, Debug, Clone)]
        pub struct $create_input {
            /// A client-chosen id (UUID); made up when left out.
            pub id: Option<ID>,
            $($create)*
        }

        impl $create_input {
            fn into_record(self) -> async_graphql::Result<$fields> {
                let input = self;
                Ok($fields {
                    $($name: relation_inputs!(@record input $kind $name $($camel)?),)*
                })
            }
        }

        $(#[$patch_doc])*
        #[derive(InputObject, Debug, Clone, Default)]
        pub struct $patch_input {
            $($patch)*
        }

        impl $patch_input {
            fn into_patch(self) -> async_graphql::Result<$patch_fields> {
                let patch = self;
                Ok($patch_fields {
                    $($name: relation_inputs!(@patch patch $kind $name $($camel)?),)*
                })
            }
        }
    };

    // A create input's field as the record holds it.
    (@record $input:ident id $name:ident $camel:literal) => {
        id(concat!("input.", $camel), &$input.$name)?
    };
    (@record $input:ident optional_id $name:ident $camel:literal) => {
        optional_id(concat!("input.", $camel), $input.$name)?
    };
    (@record $input:ident vocabulary $name:ident) => {
        $input.$name.into()
    };
    (@record $input:ident optional_vocabulary $name:ident) => {
        $input.$name.map(Into::into)
    };
    (@record $input:ident localized $name:ident $camel:literal) => {
        localized(concat!("input.", $camel), $input.$name)?.unwrap_or_default()
    };
    (@record $input:ident $kind:ident $name:ident) => {
        $input.$name
    };

    // A patch input's field as the write side's patch holds it.
    (@patch $patch:ident id $name:ident $camel:literal) => {
        patch_id(concat!("patch.", $camel), $patch.$name)?
    };
    (@patch $patch:ident optional_id $name:ident $camel:literal) => {{
        let value: Option<Option<ID>> = $patch.$name.into();
        value
            .map(|value| optional_id(concat!("patch.", $camel), value))
            .transpose()?
    }};
    (@patch $patch:ident required $name:ident) => {
        $patch.$name
    };
    (@patch $patch:ident vocabulary $name:ident) => {
        $patch.$name.map(Into::into)
    };
    (@patch $patch:ident optional $name:ident) => {
        $patch.$name.into()
    };
    (@patch $patch:ident optional_vocabulary $name:ident) => {{
        let value: Option<Option<_>> = $patch.$name.into();
        value.map(|value| value.map(Into::into))
    }};
    (@patch $patch:ident localized $name:ident $camel:literal) => {
        localized(concat!("patch.", $camel), $patch.$name)?
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

relation_inputs! {
    /// A new participation of an actor in a project.
    CreateParticipationInput => ParticipationFields;
    /// Changes to a participation; fields left out keep their value.
    ParticipationPatchInput => ParticipationPatch;
    id project_id("projectId"),
    id actor_id("actorId"),
    vocabulary role: ParticipationRole,
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

relation_inputs! {
    /// A new funding of a project.
    CreateFundingInput => FundingFields;
    /// Changes to a funding: fields left out keep their value; `null` clears an optional one.
    FundingPatchInput => FundingPatch;
    id funder_id("funderId"),
    id project_id("projectId"),
    /// The programme's name as published, e.g. `Interreg Sverige–Norge 2014–2020`.
    optional programme: String,
    /// What kind of programme `programme` is.
    optional_vocabulary programme_kind: ProgrammeKind,
    /// Non-negative; needs `currency`.
    optional amount: f64,
    /// ISO 4217, e.g. EUR, SEK, NOK.
    optional currency: String,
    optional period_start: NaiveDate,
    optional period_end: NaiveDate,
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

relation_inputs! {
    /// A new role of an actor in a case study.
    CreateCaseStudyActorInput => CaseStudyActorFields;
    /// Changes to a case-study role; fields left out keep their value.
    CaseStudyActorPatchInput => CaseStudyActorPatch;
    id case_study_id("caseStudyId"),
    id actor_id("actorId"),
    vocabulary role: CaseStudyRole,
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

relation_inputs! {
    /// A new resource flow of a case study.
    CreateResourceFlowInput => FlowFields;
    /// Changes to a resource flow: fields left out keep their value; `null` clears an optional one.
    ResourceFlowPatchInput => FlowPatch;
    id case_study_id("caseStudyId"),
    id from_actor_id("fromActorId"),
    optional_id to_actor_id("toActorId"),
    /// The resource's name, in `resourceLang`.
    required resource: String,
    /// The language `resource` is written in, when not `originalLang`.
    optional resource_lang: String,
    /// The resource's name in other languages.
    localized resource_translations("resourceTranslations"),
    vocabulary category: FlowCategory,
    /// Non-negative; needs `unit`.
    optional quantity: f64,
    optional unit: String,
    optional year: i32,
    vocabulary status: FlowStatus,
    /// Six-digit European Waste Catalogue code.
    optional ewc_code: String,
    required original_lang: String,
    localized description("description"),
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

relation_inputs! {
    /// A new impact figure of a case study.
    CreateImpactFigureInput => ImpactFields;
    /// Changes to an impact figure: fields left out keep their value; `null` clears an optional one.
    ImpactFigurePatchInput => ImpactPatch;
    id case_study_id("caseStudyId"),
    /// What is measured, e.g. `co2_avoided`.
    required metric: String,
    required value: f64,
    required unit: String,
    optional year: i32,
    optional note: String,
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

relation_inputs! {
    /// A new membership of a person (an actor of kind `PERSON`) in an organisation.
    CreateMembershipInput => MembershipFields;
    /// Changes to a membership: fields left out keep their value; `null` clears the title.
    MembershipPatchInput => MembershipPatch;
    id person_id("personId"),
    id organisation_id("organisationId"),
    /// The person's title there.
    optional title: String,
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
