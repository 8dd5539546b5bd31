//! The actors of case studies, with their roles.

use symbios_entity::case_study_actor;

use super::actor::Actors;
use super::case_study::CaseStudies;
use super::relation::relation;

relation!(
    /// Case-study roles: an actor's role in a case study.
    CaseStudyActors: case_study_actor;
    /// The case study a role is in.
    CaseStudyId(case_study_id) -> CaseStudies;
    /// The actor holding a role.
    ActorId(actor_id) -> Actors;
);
