//! An actor's part in a case study.

use sea_orm::entity::prelude::*;

use crate::vocabulary::CaseStudyRole;

versioned_table!("case_study_actor", relation {
    pub case_study_id: Uuid,
    pub actor_id: Uuid,
    pub role: CaseStudyRole,
});
