//! Types that link records: roles, fundings, flows, figures, sources, identifiers, memberships.

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use symbios_entity::{
    actor, case_study, case_study_actor, external_identifier, funding, impact_figure, membership,
    participation, project, resource_flow, source,
};

use super::actor::Actor;
use super::case_study::CaseStudy;
use super::eager::{Eager, eager};
use super::enums::{CaseStudyRole, FlowCategory, FlowStatus, ParticipationRole};
use super::funder::Funder;
use super::localized::{self, LocalizedText};
use super::project::Project;
use super::{Preloaded, link_list, load_one, preloaded_or_load};
use crate::graphql::loaders::{
    ActorById, ActorsOfCaseStudy, ActorsOfCaseStudyWithActors, CaseStudiesOfActor,
    CaseStudiesOfActorWithCaseStudies, CaseStudyById, FunderById, ParticipationsOfActor,
    ParticipationsOfActorWithProjects, ParticipationsOfProject, ParticipationsOfProjectWithActors,
    ProjectById,
};
use crate::service::localized_text::field;

/// An actor's role in a case study.
#[derive(Debug, Clone)]
pub struct CaseStudyActor {
    row: case_study_actor::Model,
    actor: Preloaded<actor::Model>,
    case_study: Preloaded<case_study::Model>,
}

impl From<case_study_actor::Model> for CaseStudyActor {
    fn from(row: case_study_actor::Model) -> Self {
        Self {
            row,
            actor: None,
            case_study: None,
        }
    }
}

impl CaseStudyActor {
    /// The roles of the case study `parent`, with their actors when the selection asks for
    /// them (loaded in the same round as the roles).
    pub(crate) async fn of_case_study(
        ctx: &Context<'_>,
        parent: &case_study::Model,
    ) -> async_graphql::Result<Vec<Eager<Self>>> {
        let keys = (
            "actor",
            ActorsOfCaseStudyWithActors(parent.id),
            ActorsOfCaseStudy(parent.id),
        );
        link_list(
            ctx,
            keys,
            ("caseStudy", parent),
            |row, actor, case_study| Self {
                row,
                actor,
                case_study,
            },
        )
        .await
    }

    /// The case-study roles of the actor `parent`, with their case studies when the selection
    /// asks for them (loaded in the same round as the roles).
    pub(crate) async fn of_actor(
        ctx: &Context<'_>,
        parent: &actor::Model,
    ) -> async_graphql::Result<Vec<Eager<Self>>> {
        let keys = (
            "caseStudy",
            CaseStudiesOfActorWithCaseStudies(parent.id),
            CaseStudiesOfActor(parent.id),
        );
        link_list(ctx, keys, ("actor", parent), |row, case_study, actor| {
            Self {
                row,
                actor,
                case_study,
            }
        })
        .await
    }
}

#[Object]
impl CaseStudyActor {
    /// Id of this role record.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// The role.
    async fn role(&self) -> CaseStudyRole {
        self.row.role.into()
    }

    /// The actor.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
        Ok(
            preloaded_or_load(ctx, &self.actor, ActorById(self.row.actor_id))
                .await?
                .map(eager(Actor)),
        )
    }

    /// The case study.
    async fn case_study(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Eager<CaseStudy>>> {
        Ok(
            preloaded_or_load(ctx, &self.case_study, CaseStudyById(self.row.case_study_id))
                .await?
                .map(eager(CaseStudy)),
        )
    }

    /// Version, for `expectedVersion` in updates and deletes.
    async fn version(&self) -> i32 {
        self.row.version
    }
}

/// An actor's role in a project.
#[derive(Debug, Clone)]
pub struct Participation {
    row: participation::Model,
    actor: Preloaded<actor::Model>,
    project: Preloaded<project::Model>,
}

impl From<participation::Model> for Participation {
    fn from(row: participation::Model) -> Self {
        Self {
            row,
            actor: None,
            project: None,
        }
    }
}

impl Participation {
    /// The participations of the project `parent`, with their actors when the selection asks
    /// for them (loaded in the same round as the participations).
    pub(crate) async fn of_project(
        ctx: &Context<'_>,
        parent: &project::Model,
    ) -> async_graphql::Result<Vec<Eager<Self>>> {
        let keys = (
            "actor",
            ParticipationsOfProjectWithActors(parent.id),
            ParticipationsOfProject(parent.id),
        );
        link_list(ctx, keys, ("project", parent), |row, actor, project| Self {
            row,
            actor,
            project,
        })
        .await
    }

    /// The participations of the actor `parent`, with their projects when the selection asks
    /// for them (loaded in the same round as the participations).
    pub(crate) async fn of_actor(
        ctx: &Context<'_>,
        parent: &actor::Model,
    ) -> async_graphql::Result<Vec<Eager<Self>>> {
        let keys = (
            "project",
            ParticipationsOfActorWithProjects(parent.id),
            ParticipationsOfActor(parent.id),
        );
        link_list(ctx, keys, ("actor", parent), |row, project, actor| Self {
            row,
            actor,
            project,
        })
        .await
    }
}

#[Object]
impl Participation {
    /// Id of this participation.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// The role.
    async fn role(&self) -> ParticipationRole {
        self.row.role.into()
    }

    /// The actor.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
        Ok(
            preloaded_or_load(ctx, &self.actor, ActorById(self.row.actor_id))
                .await?
                .map(eager(Actor)),
        )
    }

    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Project>>> {
        Ok(
            preloaded_or_load(ctx, &self.project, ProjectById(self.row.project_id))
                .await?
                .map(eager(Project)),
        )
    }

    /// Starts at 1 and grows by one with every change.
    async fn version(&self) -> i32 {
        self.row.version
    }
}

/// Relation objects that are their row and nothing more; the relation mutations build every
/// relation object with `From`.
macro_rules! from_row {
    ($($object:ident => $entity:ident),* $(,)?) => {
        $(impl From<$entity::Model> for $object {
            fn from(row: $entity::Model) -> Self {
                Self(row)
            }
        })*
    };
}

from_row!(
    Funding => funding,
    ResourceFlow => resource_flow,
    ImpactFigure => impact_figure,
    Membership => membership,
);

/// Money from a funder to a project.
#[derive(Debug, Clone)]
pub struct Funding(pub funding::Model);

#[Object]
impl Funding {
    /// Id of this funding.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The funder.
    async fn funder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Funder>>> {
        Ok(load_one(ctx, FunderById(self.0.funder_id))
            .await?
            .map(eager(Funder)))
    }

    /// The funded project.
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Project>>> {
        Ok(load_one(ctx, ProjectById(self.0.project_id))
            .await?
            .map(eager(Project)))
    }

    /// Programme or scheme, e.g. `Interreg Sverige–Norge 2014–2020`, `Skaparkraft`.
    async fn programme(&self) -> Option<&str> {
        self.0.programme.as_deref()
    }

    /// Amount as published, in `currency`.
    async fn amount(&self) -> Option<f64> {
        self.0.amount
    }

    /// ISO 4217 currency code.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }

    /// First day of the funded period.
    async fn period_start(&self) -> Option<NaiveDate> {
        self.0.period_start
    }

    /// Last day of the funded period.
    async fn period_end(&self) -> Option<NaiveDate> {
        self.0.period_end
    }

    /// Starts at 1 and grows by one with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A resource moving from one actor to another within a case study.
#[derive(Debug, Clone)]
pub struct ResourceFlow(pub resource_flow::Model);

#[Object]
impl ResourceFlow {
    /// Id of this flow.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The case study the flow belongs to.
    async fn case_study(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Eager<CaseStudy>>> {
        Ok(load_one(ctx, CaseStudyById(self.0.case_study_id))
            .await?
            .map(eager(CaseStudy)))
    }

    /// The supplying actor.
    async fn from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
        Ok(load_one(ctx, ActorById(self.0.from_actor_id))
            .await?
            .map(eager(Actor)))
    }

    /// The receiving actor, when there is a single one.
    async fn to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
        match self.0.to_actor_id {
            Some(actor_id) => Ok(load_one(ctx, ActorById(actor_id)).await?.map(eager(Actor))),
            None => Ok(None),
        }
    }

    /// What flows, e.g. `gypsum`, `steam`, `surface water`.
    async fn resource(&self) -> &str {
        &self.0.resource
    }

    /// Material, energy, water, nutrient or by-product.
    async fn category(&self) -> FlowCategory {
        self.0.category.into()
    }

    /// Quantity per `unit`.
    async fn quantity(&self) -> Option<f64> {
        self.0.quantity
    }

    /// Unit of `quantity`, e.g. `t/yr`.
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// Year the quantity refers to.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }

    /// Whether the flow runs.
    async fn status(&self) -> FlowStatus {
        self.0.status.into()
    }

    /// European Waste Catalogue code, when known.
    async fn ewc_code(&self) -> Option<&str> {
        self.0.ewc_code.as_deref()
    }

    /// Description in `lang` (else `Accept-Language`, else the original).
    async fn description(
        &self,
        ctx: &Context<'_>,
        lang: Option<String>,
    ) -> async_graphql::Result<Option<LocalizedText>> {
        localized::resolve(ctx, self.0.id, field::DESCRIPTION, lang.as_deref()).await
    }

    /// Starts at 1 and grows by one with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A published impact figure of a case study.
#[derive(Debug, Clone)]
pub struct ImpactFigure(pub impact_figure::Model);

#[Object]
impl ImpactFigure {
    /// Id of this figure.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The case study the figure belongs to.
    async fn case_study(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Eager<CaseStudy>>> {
        Ok(load_one(ctx, CaseStudyById(self.0.case_study_id))
            .await?
            .map(eager(CaseStudy)))
    }

    /// What is measured, e.g. `co2_saved`, `cost_saved`.
    async fn metric(&self) -> &str {
        &self.0.metric
    }

    /// The value, in `unit`.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// Unit of `value`, e.g. `t/yr`, `DKK/yr`.
    async fn unit(&self) -> &str {
        &self.0.unit
    }

    /// Year the figure refers to.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }

    /// How the figure should be read, e.g. `approx., as published`.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// Version, for `expectedVersion` in updates and deletes.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A public source a case study is based on.
#[derive(Debug, Clone)]
pub struct Source(pub source::Model);

#[Object]
impl Source {
    /// The case study the source belongs to.
    async fn case_study(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Eager<CaseStudy>>> {
        Ok(load_one(ctx, CaseStudyById(self.0.case_study_id))
            .await?
            .map(eager(CaseStudy)))
    }

    /// Address of the source.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// Title of the source.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// When the source was last read.
    async fn accessed(&self) -> Option<NaiveDate> {
        self.0.accessed
    }
}

/// An actor's identifier in an outside registry.
#[derive(Debug, Clone)]
pub struct ExternalIdentifier(pub external_identifier::Model);

#[Object]
impl ExternalIdentifier {
    /// The actor identified.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
        Ok(load_one(ctx, ActorById(self.0.actor_id))
            .await?
            .map(eager(Actor)))
    }

    /// org-id.guide prefix (`DK-CVR`, `SE-BLV`, `NO-BRC`, `NL-KVK` …) or `wikidata`.
    async fn scheme(&self) -> &str {
        &self.0.scheme
    }

    /// The identifier within the scheme.
    async fn value(&self) -> &str {
        &self.0.value
    }
}

/// A person's membership of an organisation.
#[derive(Debug, Clone)]
pub struct Membership(pub membership::Model);

#[Object]
impl Membership {
    /// Id of this membership.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
        Ok(load_one(ctx, ActorById(self.0.person_id))
            .await?
            .map(eager(Actor)))
    }

    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Eager<Actor>>> {
        Ok(load_one(ctx, ActorById(self.0.organisation_id))
            .await?
            .map(eager(Actor)))
    }

    /// The person's title in the organisation.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// Version, for `expectedVersion` in updates and deletes.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
