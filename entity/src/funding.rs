//! Money from a funder to a project, under a programme.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funding")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub funder_id: Uuid,
    pub project_id: Uuid,
    pub programme: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
