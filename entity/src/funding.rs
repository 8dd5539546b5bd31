//! Money from a funder to a project, under a programme.

use sea_orm::entity::prelude::*;

use crate::vocabulary::ProgrammeKind;

versioned_table!("funding", relation {
    pub funder_id: Uuid,
    pub project_id: Uuid,
    pub programme: Option<String>,
    /// What kind of programme `programme` is.
    pub programme_kind: Option<ProgrammeKind>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
});
