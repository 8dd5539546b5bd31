//! Actors' parts in projects.

use symbios_entity::participation;

use super::actor::Actors;
use super::project::Projects;
use super::relation::relation;

relation!(
    /// Participations: an actor's role in a project.
    Participations: participation;
    /// The project a participation is in.
    ProjectId(project_id) -> Projects;
    /// The actor taking part.
    ActorId(actor_id) -> Actors;
);
