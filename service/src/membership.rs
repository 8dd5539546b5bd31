//! Persons' memberships of organisations.

use symbios_entity::membership;

use super::actor::Actors;
use super::relation::relation;

relation!(
    /// Memberships: a person (an actor) belonging to an organisation (an actor).
    Memberships: membership;
    /// The person holding a membership.
    PersonId(person_id) -> Actors;
    /// The organisation a membership is of.
    OrganisationId(organisation_id) -> Actors;
);
