//! Resource flows between actors within case studies.

use symbios_entity::resource_flow;

use super::actor::Actors;
use super::case_study::CaseStudies;
use super::relation::relation;

relation!(
    /// Resource flows: a resource moving from one actor to another within a case study.
    ResourceFlows: resource_flow;
    /// The case study a flow belongs to.
    CaseStudyId(case_study_id) -> CaseStudies;
    /// The actor supplying a flow.
    FromActorId(from_actor_id) -> Actors;
    /// The actor receiving a flow, when there is a single one.
    ToActorId(to_actor_id) -> Actors;
);
