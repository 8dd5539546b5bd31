//! A public source a case study is based on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "source")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_study_id: Uuid,
    pub url: String,
    pub title: String,
    pub accessed: Option<Date>,
}

without_relations!();
