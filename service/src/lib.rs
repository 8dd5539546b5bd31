//! Domain operations over sea-orm: reading records and their relations, pagination, language
//! fallback, and (for the seed) writing records together with their change-log rows.
//!
//! Invariant: this module never imports actix-web or async-graphql. Functions are free
//! functions that take the connection first (`&impl ConnectionTrait`) and return
//! [`Error`], whose variants are domain outcomes, never transport ones.

pub mod access;
pub mod actor;
pub mod audit;
pub mod case_study;
pub mod case_study_actor;
pub mod change_feed;
pub mod change_log;
pub mod database_identity;
pub mod dataset;
pub mod digest;
pub mod error;
pub mod external_identifier;
pub mod funder;
pub mod funding;
pub mod impact_figure;
pub mod lang;
pub mod limits;
mod load;
pub mod localized_text;
pub mod membership;
pub mod node;
pub mod page;
pub mod participation;
pub mod project;
pub mod record;
pub mod registry;
pub mod relation;
pub mod resource_flow;
pub mod search_documents;
pub mod source;
pub mod text;
pub mod theme;
pub mod transfer;
pub mod validate;
pub mod write;

pub use error::Error;
pub use load::MAX_KEYS_PER_STATEMENT;
