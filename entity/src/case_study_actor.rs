//! An actor's part in a case study.

use sea_orm::entity::prelude::*;

use crate::vocabulary::CaseStudyRole;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_study_actor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_study_id: Uuid,
    pub actor_id: Uuid,
    pub role: CaseStudyRole,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
