//! Which projects a case study belongs to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_study_project")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_study_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: Uuid,
}

without_relations!();
