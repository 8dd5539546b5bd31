//! An actor's part in a project.

use sea_orm::entity::prelude::*;

use crate::vocabulary::ParticipationRole;

versioned_table!("participation", relation {
    pub project_id: Uuid,
    pub actor_id: Uuid,
    pub role: ParticipationRole,
});
