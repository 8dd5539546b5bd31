//! A person's membership of an organisation, with a title; both sides are actors.

use sea_orm::entity::prelude::*;

versioned_table!("membership", relation {
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    pub title: Option<String>,
});
