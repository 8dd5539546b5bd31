//! `project` and `projects`.

use async_graphql::InputObject;

use crate::graphql::records::{order_input, record_queries, values};
use crate::graphql::types::enums::ProjectStatus;
use crate::graphql::types::project::Project;
use crate::service::project as projects;
use crate::service::validate::YearRange;

/// Which projects to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Countries (ISO 3166-1 alpha-2) of participating actors; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Statuses.
    pub status: Option<Vec<ProjectStatus>>,
    /// Theme slugs; at most 100 different ones.
    pub theme: Option<Vec<String>>,
    /// Running in or after this year.
    pub year_from: Option<i32>,
    /// Running in or before this year.
    pub year_to: Option<i32>,
    /// Name or acronym contains this text, ignoring case and diacritics: one line of at most
    /// 200 characters.
    pub name_contains: Option<String>,
}

order_input! {
    /// How to sort projects.
    ProjectOrder;
    /// What to sort projects by.
    ProjectOrderField {
        /// Name, ignoring case and diacritics.
        #[default]
        Name,
        /// Start date; unknown starts sort as oldest.
        Year,
        /// Last change.
        UpdatedAt,
        /// Slug: an order that stays put when a name is edited or translated.
        Slug,
    }
}

impl From<ProjectFilter> for projects::Filter {
    fn from(filter: ProjectFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            statuses: values(filter.status),
            themes: filter.theme.unwrap_or_default(),
            years: YearRange {
                from: filter.year_from,
                to: filter.year_to,
            },
            name_contains: filter.name_contains,
        }
    }
}

record_queries! {
    ProjectQuery: Project, ProjectFilter, ProjectOrder;
    /// One project by `id` or `slug` (give exactly one); null when there is none.
    project;
    /// Projects, filtered and sorted, in pages of `first` (default 20, at most 100) after
    /// `after`, or `last` before `before`.
    projects;
}
