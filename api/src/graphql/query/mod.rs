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

/// Checks every code in `countries` and returns them.
pub(crate) fn countries(
    field: &str,
    countries: Option<Vec<String>>,
) -> async_graphql::Result<Vec<String>> {
    let countries = countries.unwrap_or_default();
    for code in &countries {
        crate::service::validate::country(field, code)
            .map_err(|error| async_graphql::ErrorExtensions::extend(&error))?;
    }
    Ok(countries)
}

/// Checks a free-text filter.
pub(crate) fn filter_text(
    field: &str,
    text: Option<String>,
) -> async_graphql::Result<Option<String>> {
    if let Some(text) = &text {
        crate::service::validate::filter_text(field, text)
            .map_err(|error| async_graphql::ErrorExtensions::extend(&error))?;
    }
    Ok(text)
}
