//! `caseStudy` and `caseStudies`.

use async_graphql::InputObject;

use crate::graphql::records::{order_input, record_queries, values};
use crate::graphql::types::case_study::CaseStudy;
use crate::graphql::types::enums::{CaseStudyKind, CaseStudyStatus};
use crate::service::case_study as case_studies;
use crate::service::validate::YearRange;

/// Which case studies to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct CaseStudyFilter {
    /// ISO 3166-1 alpha-2 country codes; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Kinds of case.
    pub kind: Option<Vec<CaseStudyKind>>,
    /// Statuses.
    pub status: Option<Vec<CaseStudyStatus>>,
    /// Theme slugs, e.g. `industrial-symbiosis`; at most 100 different ones.
    pub theme: Option<Vec<String>>,
    /// Established in or after this year.
    pub year_from: Option<i32>,
    /// Established in or before this year.
    pub year_to: Option<i32>,
    /// Title contains this text, ignoring case and diacritics (`sotenas` finds Sotenäs):
    /// one line of at most 200 characters.
    pub name_contains: Option<String>,
}

order_input! {
    /// How to sort case studies.
    CaseStudyOrder;
    /// What to sort case studies by.
    CaseStudyOrderField {
        /// Title, ignoring case and diacritics.
        #[default]
        Name,
        /// Year established; unknown years sort as oldest.
        Year,
        /// Last change.
        UpdatedAt,
        /// Slug: an order that stays put when a name is edited or translated.
        Slug,
    }
}

impl From<CaseStudyFilter> for case_studies::Filter {
    fn from(filter: CaseStudyFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            kinds: values(filter.kind),
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
    CaseStudyQuery: CaseStudy, CaseStudyFilter, CaseStudyOrder;
    /// One case study by `id` or `slug` (give exactly one); null when there is none.
    case_study;
    /// Case studies, filtered and sorted, in pages of `first` (default 20, at most 100)
    /// after `after`, or `last` before `before`.
    case_studies;
}
