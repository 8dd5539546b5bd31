//! Which themes a case study is tagged with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_study_theme")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_study_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub theme_id: Uuid,
}

without_relations!();
