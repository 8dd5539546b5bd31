//! Root query fields, one file per record type, merged into [`Query`].

mod actor;
mod case_study;
mod changes;
mod funder;
mod node;
mod project;
mod search;
mod theme;

use async_graphql::MergedObject;

pub use actor::{ActorFilter, ActorOrder};
pub use case_study::{CaseStudyFilter, CaseStudyOrder};
pub use funder::{FunderFilter, FunderOrder};
pub use project::{ProjectFilter, ProjectOrder};

/// Everything a portal can read.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    case_study::CaseStudyQuery,
    project::ProjectQuery,
    actor::ActorQuery,
    funder::FunderQuery,
    theme::ThemeQuery,
    search::SearchQuery,
    changes::ChangesQuery,
);
