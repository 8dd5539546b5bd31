//! Symbios: a GraphQL knowledge base of circular-economy and industrial-symbiosis case studies.
//!
//! Data flows one way: HTTP ([`http`]) → GraphQL resolver ([`graphql`]) → [`service`] →
//! sea-orm → database. The `symbios` binary is a thin shell over [`cli`]; tests build the same
//! [`startup::App`] as `symbios serve`.

pub mod backup;
pub mod changes_signal;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod index_folder;
pub mod indexer;
pub mod metrics;
pub mod seed;
pub use symbios_service as service;
pub mod startup;
pub mod telemetry;
pub mod webhooks;
