//! End-to-end tests: one binary, one module per feature. Each test starts the real app on
//! port 0 with a fresh database and talks to it over HTTP, as a portal would.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod golden;

mod backup;
mod dataloader;
mod errors;
mod eu_fields;
mod feed;
mod filters;
mod flows;
mod fuzz;
mod hostile;
mod http;
mod http_caching;
mod http_extras;
mod imports;
mod limits;
mod linked_data;
mod localization;
mod lookup;
mod migrations;
mod observability;
mod page_sizes;
mod pagination;
mod planner;
mod relevance;
mod response_order;
mod schema;
mod search;
mod search_flows;
mod seed;
mod subscriptions;
mod tidy;
mod trusted_documents;
mod webhooks;
mod writes;
