//! Actors' identifiers in outside registries.

use symbios_entity::external_identifier;

use super::actor::Actors;
use super::relation::relation;

relation!(
    /// External identifiers: an actor's identifier in an outside registry.
    ExternalIdentifiers: external_identifier;
    /// The actor identified.
    ActorId(actor_id) -> Actors;
);
