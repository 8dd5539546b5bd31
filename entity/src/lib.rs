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
pub mod vocabulary;
