//! sea-orm entities of the Symbios knowledge base: one module per table, tables as types.
//!
//! Invariant: entities carry no behaviour, no GraphQL and no serde derives. Closed vocabularies
//! are `DeriveActiveEnum` string enums so that a row read from the database is already typed;
//! validation, versions and the change log live in `symbios_service`.

/// The part every entity here shares: tables are joined in queries, never through sea-orm
/// relations, and saving a row runs no hooks.
macro_rules! without_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// A table the write path versions: a record type (`record`: with its unique slug) or a
/// relation. The columns named here come between the id (a UUID chosen by the writer) and
/// the version and change times, which `symbios_service::write::store` keeps for every such
/// table alike.
macro_rules! versioned_table {
    ($table:literal, record { $($columns:tt)* }) => {
        versioned_table!(@table $table, [#[sea_orm(unique)] pub slug: String,] $($columns)*);
    };
    ($table:literal, relation { $($columns:tt)* }) => {
        versioned_table!(@table $table, [] $($columns)*);
    };
    (@table $table:literal, [$($slug:tt)*] $($columns:tt)*) => {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = $table)]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            $($slug)*
            $($columns)*
            pub version: i32,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }

        without_relations!();
    };
}

pub mod actor;
pub mod api_key;
pub mod audit_log;
pub mod case_study;
pub mod case_study_actor;
pub mod case_study_project;
pub mod case_study_theme;
pub mod change_log;
pub mod database_identity;
pub mod external_identifier;
pub mod funder;
pub mod funding;
pub mod idempotency_record;
pub mod impact_figure;
pub mod localized_text;
pub mod membership;
pub mod participation;
pub mod project;
pub mod project_theme;
pub mod resource_flow;
pub mod source;
pub mod sync_state;
pub mod theme;
pub mod trusted_document;
pub mod vocabulary;
pub mod webhook;
pub mod webhook_delivery;

use sea_orm::entity::prelude::*;

/// The record types that own localized texts and change-log rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum EntityType {
    #[sea_orm(string_value = "case_study")]
    CaseStudy,
    #[sea_orm(string_value = "project")]
    Project,
    #[sea_orm(string_value = "actor")]
    Actor,
    #[sea_orm(string_value = "funder")]
    Funder,
    #[sea_orm(string_value = "funding")]
    Funding,
    #[sea_orm(string_value = "participation")]
    Participation,
    #[sea_orm(string_value = "case_study_actor")]
    CaseStudyActor,
    #[sea_orm(string_value = "resource_flow")]
    ResourceFlow,
    #[sea_orm(string_value = "impact_figure")]
    ImpactFigure,
    #[sea_orm(string_value = "theme")]
    Theme,
    #[sea_orm(string_value = "membership")]
    Membership,
}
