//! Batched loading for nested fields: one [`DbLoader`] answers every key type below with one
//! service call per batch, so a nested query runs a fixed number of statements whatever the
//! page size.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::DatabaseConnection;
use symbios_entity::{
    actor, case_study, case_study_actor, external_identifier, funder, funding, impact_figure,
    membership, participation, project, resource_flow, source, theme,
};
use uuid::Uuid;

use crate::service::{self, localized_text::FieldTexts};

/// Loads rows for the GraphQL layer in batches.
#[derive(Debug, Clone)]
pub struct DbLoader {
    db: DatabaseConnection,
}

impl DbLoader {
    /// A loader over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Declares a key type and the service call that loads a batch of it.
macro_rules! batch_loader {
    ($(#[$doc:meta])* $key:ident => $value:ty, $load:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub Uuid);

        impl Loader<$key> for DbLoader {
            type Value = $value;
            type Error = Arc<service::Error>;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, Self::Error> {
                let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
                let loaded = $load(&self.db, &ids).await.map_err(Arc::new)?;
                Ok(loaded.into_iter().map(|(id, value)| ($key(id), value)).collect())
            }
        }
    };
}

batch_loader!(/// A case study by id.
    CaseStudyById => case_study::Model, service::record::load_many::<service::case_study::CaseStudies>);
batch_loader!(/// A project by id.
    ProjectById => project::Model, service::record::load_many::<service::project::Projects>);
batch_loader!(/// An actor by id.
    ActorById => actor::Model, service::record::load_many::<service::actor::Actors>);
batch_loader!(/// A funder by id.
    FunderById => funder::Model, service::record::load_many::<service::funder::Funders>);
batch_loader!(/// A theme by id.
    ThemeById => theme::Model, service::record::load_many::<service::theme::Themes>);
batch_loader!(/// The localized texts of a record.
    TextsOf => FieldTexts, service::localized_text::by_records);
batch_loader!(/// The actor roles of a case study.
    ActorsOfCaseStudy => Vec<case_study_actor::Model>, service::case_study_actor::by_case_study);
batch_loader!(/// The case-study roles of an actor.
    CaseStudiesOfActor => Vec<case_study_actor::Model>, service::case_study_actor::by_actor);
batch_loader!(/// The actor roles of a case study, each with its actor.
    ActorsOfCaseStudyWithActors => Vec<(case_study_actor::Model, Option<actor::Model>)>,
    service::case_study_actor::by_case_study_with_actors);
batch_loader!(/// The case-study roles of an actor, each with its case study.
    CaseStudiesOfActorWithCaseStudies => Vec<(case_study_actor::Model, Option<case_study::Model>)>,
    service::case_study_actor::by_actor_with_case_studies);
batch_loader!(/// The participations of a project, each with its actor.
    ParticipationsOfProjectWithActors => Vec<(participation::Model, Option<actor::Model>)>,
    service::participation::by_project_with_actors);
batch_loader!(/// The participations of an actor, each with its project.
    ParticipationsOfActorWithProjects => Vec<(participation::Model, Option<project::Model>)>,
    service::participation::by_actor_with_projects);
batch_loader!(/// The participations of a project.
    ParticipationsOfProject => Vec<participation::Model>, service::participation::by_project);
batch_loader!(/// The participations of an actor.
    ParticipationsOfActor => Vec<participation::Model>, service::participation::by_actor);
batch_loader!(/// The fundings of a project.
    FundingsOfProject => Vec<funding::Model>, service::funding::by_project);
batch_loader!(/// The fundings of a funder.
    FundingsOfFunder => Vec<funding::Model>, service::funding::by_funder);
batch_loader!(/// The resource flows of a case study.
    FlowsOfCaseStudy => Vec<resource_flow::Model>, service::resource_flow::by_case_study);
batch_loader!(/// The flows an actor supplies.
    FlowsFromActor => Vec<resource_flow::Model>, service::resource_flow::from_actor);
batch_loader!(/// The flows an actor receives.
    FlowsToActor => Vec<resource_flow::Model>, service::resource_flow::to_actor);
batch_loader!(/// The impact figures of a case study.
    ImpactsOfCaseStudy => Vec<impact_figure::Model>, service::impact_figure::by_case_study);
batch_loader!(/// The sources of a case study.
    SourcesOfCaseStudy => Vec<source::Model>, service::source::by_case_study);
batch_loader!(/// The external identifiers of an actor.
    IdentifiersOfActor => Vec<external_identifier::Model>, service::external_identifier::by_actor);
batch_loader!(/// The memberships a person holds.
    MembershipsOfPerson => Vec<membership::Model>, service::membership::by_person);
batch_loader!(/// The members of an organisation.
    MembersOfOrganisation => Vec<membership::Model>, service::membership::by_organisation);
batch_loader!(/// The funder record an actor also is.
    FunderOfActor => Vec<funder::Model>, service::funder::by_actor);
batch_loader!(/// The project ids of a case study.
    ProjectIdsOfCaseStudy => Vec<Uuid>, service::case_study::project_ids);
batch_loader!(/// The case-study ids of a project.
    CaseStudyIdsOfProject => Vec<Uuid>, service::case_study::ids_by_project);
batch_loader!(/// The theme ids of a case study.
    ThemeIdsOfCaseStudy => Vec<Uuid>, service::case_study::theme_ids);
batch_loader!(/// The theme ids of a project.
    ThemeIdsOfProject => Vec<Uuid>, service::project::theme_ids);
batch_loader!(/// The case-study ids of a theme.
    CaseStudyIdsOfTheme => Vec<Uuid>, service::case_study::ids_by_theme);
batch_loader!(/// The project ids of a theme.
    ProjectIdsOfTheme => Vec<Uuid>, service::project::ids_by_theme);
