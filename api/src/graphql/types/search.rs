//! Search results: hits of any record type with scores, highlights and facets.

use async_graphql::connection::PageInfo;
use async_graphql::{Enum, SimpleObject, Union};

use super::theme::Theme;

/// Declares `SearchType` and `SearchEntity` from the service's list of searchable record
/// types, and the resource flows (a relation, searchable by their resource names).
macro_rules! search_types {
    ($($variant:ident($entity:ident, $record:ident),)+) => {
        /// The record types search covers, and resource flows.
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SearchType {
            $($variant,)+
            /// Resource flows, found by their resource names in any language.
            ResourceFlow,
        }

        impl From<SearchType> for symbios_search::Kind {
            /// A record type's kind in the index is its entity module's name.
            fn from(search_type: SearchType) -> Self {
                match search_type {
                    $(SearchType::$variant => Self::named(stringify!($entity)),)+
                    SearchType::ResourceFlow => crate::service::flow_documents::FLOW_KIND,
                }
            }
        }

        /// A record (or resource flow) found by search.
        #[derive(Union, Debug, Clone)]
        pub enum SearchEntity {
            $($variant(super::$entity::$variant),)+
            ResourceFlow(super::relations::ResourceFlow),
        }
    };
}

symbios_service::with_searchable_records!(search_types);

/// A fragment of the field that matched: HTML-escaped text with `<mark>…</mark>` around the
/// matched words, safe to insert as HTML.
#[derive(SimpleObject, Debug, Clone)]
pub struct Highlight {
    /// `name` (names and titles) or `text` (descriptions, summaries, bodies).
    pub field: String,
    /// Language of the fragment; null for names.
    pub lang: Option<String>,
    /// The fragment.
    pub fragment: String,
}

/// One hit.
#[derive(SimpleObject, Debug, Clone)]
pub struct SearchHit {
    /// Relevance; higher is better. Comparable within one search only.
    pub score: f64,
    /// The record.
    pub entity: SearchEntity,
    /// Fragments from the fields that matched.
    pub highlights: Vec<Highlight>,
}

/// A hit with its cursor.
#[derive(SimpleObject, Debug, Clone)]
pub struct SearchEdge {
    /// Pass as `after` to continue after this hit.
    pub cursor: String,
    /// The hit.
    pub node: SearchHit,
}

/// A facet value and how many hits have it.
#[derive(SimpleObject, Debug, Clone)]
pub struct FacetValue {
    /// `CASE_STUDY`-style type names are given as `case_study`; countries as ISO codes;
    /// themes as slugs; languages as BCP 47; years as numbers in text.
    pub value: String,
    /// Hits with this value (over all pages, with the filters applied).
    pub count: u64,
    /// The theme, for values of the `theme` facet (its labels name it in the reader's
    /// language); null for the other facets.
    pub theme: Option<Theme>,
}

/// Counts of hits by facet.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct SearchFacets {
    /// By record type.
    #[graphql(name = "type")]
    pub kind: Vec<FacetValue>,
    /// By country.
    pub country: Vec<FacetValue>,
    /// By theme slug.
    pub theme: Vec<FacetValue>,
    /// By language of the texts.
    pub lang: Vec<FacetValue>,
    /// By year (established, project start, or the year of a flow's quantity).
    pub year: Vec<FacetValue>,
    /// Resource flows by category (`energy`, `by_product` … as in the `FlowCategory`
    /// values, lower case); other record types have no category and are not counted.
    pub category: Vec<FacetValue>,
}

/// One page of search results.
#[derive(SimpleObject)]
pub struct SearchResults {
    /// Hits matching the query and filters, over all pages.
    pub total_count: u64,
    /// Facet counts over all hits.
    pub facets: SearchFacets,
    /// The hits of this page, best first.
    pub edges: Vec<SearchEdge>,
    /// Paging.
    pub page_info: PageInfo,
}

/// A name or title that starts with what the user typed.
#[derive(SimpleObject, Debug, Clone)]
pub struct Suggestion {
    /// The name or title.
    pub text: String,
    /// Relevance.
    pub score: f64,
    /// The record.
    pub entity: SearchEntity,
}

/// How far the search index of this server is behind the database.
#[derive(SimpleObject, Debug, Clone)]
pub struct SearchIndexState {
    /// The last change-log sequence applied to the index.
    pub last_applied_seq: i64,
    /// The newest change-log sequence in the database.
    pub last_change_seq: i64,
    /// Changes not yet searchable.
    pub lag: i64,
    /// Documents in the index.
    pub documents: u64,
}
