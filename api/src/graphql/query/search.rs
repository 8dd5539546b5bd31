//! `search`, `suggest` and `searchIndex`.

use std::collections::HashMap;

use async_graphql::connection::PageInfo;
use async_graphql::{Context, InputObject, Object};
use sea_orm::{ActiveEnum as _, DatabaseConnection};
use symbios_entity::vocabulary as entity;
use symbios_search::{Kind, MAX_RESULT_WINDOW, SearchRequest};
use uuid::Uuid;

use crate::error::{ErrorCode, graphql_error, search_error};
use crate::error::{ServiceErrorExt as _, ServiceResultExt as _};
use crate::graphql::records::load_objects;
use crate::graphql::types::enums::FlowCategory;
use crate::graphql::types::localized::preference;
use crate::graphql::types::relations::ResourceFlow;
use crate::graphql::types::search::{
    FacetValue, Highlight, SearchEdge, SearchEntity, SearchFacets, SearchHit, SearchIndexState,
    SearchResults, SearchType, Suggestion,
};
use crate::graphql::types::theme::Theme;
use crate::indexer::Search;
use crate::service::page::{PageSize, RECORD_PAGE, RankPosition, decode_cursor, encode_cursor};
use crate::service::{self, flow_documents, validate};

/// Narrows a search. Every field is optional; lists match any of their values, and a value
/// given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct SearchFilter {
    /// ISO 3166-1 alpha-2 country codes; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Theme slugs; at most 100 different ones.
    pub theme: Option<Vec<String>>,
    /// Languages the record has texts in (BCP 47); at most 8 different ones.
    pub lang: Option<Vec<String>>,
    /// In or after this year.
    pub year_from: Option<i32>,
    /// In or before this year.
    pub year_to: Option<i32>,
    /// Categories of resource flows; only flows have one, so without `types` this
    /// searches the flows. At most 16 different ones.
    pub category: Option<Vec<FlowCategory>>,
}

/// Page sizes of `suggest`: a search box shows a handful.
const SUGGEST_PAGE: PageSize = PageSize {
    default: 10,
    max: 50,
};

/// `first` by `rule`, as a count of hits.
fn page_size(rule: PageSize, first: Option<i32>) -> async_graphql::Result<usize> {
    let size = rule.resolve("first", first).extend()?;
    Ok(usize::try_from(size).unwrap_or(usize::MAX))
}

fn requested_language(
    ctx: &Context<'_>,
    lang: Option<&str>,
) -> async_graphql::Result<Option<String>> {
    Ok(preference(ctx, lang)?
        .languages()
        .first()
        .map(|lang| (*lang).to_owned()))
}

fn kinds(types: Option<Vec<SearchType>>) -> Vec<Kind> {
    types
        .unwrap_or_default()
        .into_iter()
        .map(Kind::from)
        .collect()
}

/// The kinds a search covers and those it leaves out: `types`; without them, every record
/// type (flows left out: many and fine-grained, mixed in they would crowd out the records a
/// search is for), or the flows when the filter asks for flow categories (only flows have
/// one).
fn covered_kinds(types: Option<Vec<SearchType>>, flow_categories: bool) -> (Vec<Kind>, Vec<Kind>) {
    let types = kinds(types);
    match (types.is_empty(), flow_categories) {
        (false, _) => (types, Vec::new()),
        (true, false) => (Vec::new(), vec![flow_documents::FLOW_KIND]),
        (true, true) => (vec![flow_documents::FLOW_KIND], Vec::new()),
    }
}

/// Declares `entities` over the service's list of searchable record types.
macro_rules! search_entities {
    ($($variant:ident($entity:ident, $record:ident),)+) => {
        /// Loads the records of `hits` (one batched query per record type), keyed by id.
        async fn entities(
            ctx: &Context<'_>,
            hits: &[(Uuid, Kind)],
        ) -> async_graphql::Result<HashMap<Uuid, SearchEntity>> {
            let mut found: HashMap<Uuid, SearchEntity> = HashMap::new();
            $(
                let ids: Vec<Uuid> = hits
                    .iter()
                    .filter(|(_, kind)| kind.as_str() == stringify!($entity))
                    .map(|(id, _)| *id)
                    .collect();
                for object in load_objects::<crate::graphql::types::$entity::$variant>(ctx, &ids).await? {
                    found.insert(object.0.id, SearchEntity::$variant(object));
                }
            )+
            let flow_ids: Vec<Uuid> = hits
                .iter()
                .filter(|(_, kind)| *kind == flow_documents::FLOW_KIND)
                .map(|(id, _)| *id)
                .collect();
            if !flow_ids.is_empty() {
                let db = ctx.data::<DatabaseConnection>()?;
                for row in service::resource_flow::find_many(db, &flow_ids).await.extend()? {
                    found.insert(row.id, SearchEntity::ResourceFlow(ResourceFlow(row)));
                }
            }
            Ok(found)
        }
    };
}

symbios_service::with_searchable_records!(search_entities);

fn facet_values(counts: Vec<symbios_search::FacetCount>) -> Vec<FacetValue> {
    counts
        .into_iter()
        .map(|facet| FacetValue {
            value: facet.value,
            count: facet.count,
            theme: None,
        })
        .collect()
}

/// The theme facet's values, each with its theme record when the query selects it (one
/// statement for the whole vocabulary, which is small).
async fn theme_facet_values(
    ctx: &Context<'_>,
    counts: Vec<symbios_search::FacetCount>,
) -> async_graphql::Result<Vec<FacetValue>> {
    let mut values = facet_values(counts);
    let selected = ctx
        .look_ahead()
        .field("facets")
        .field("theme")
        .field("theme")
        .exists();
    if !selected || values.is_empty() {
        return Ok(values);
    }
    let db = ctx.data::<DatabaseConnection>()?;
    let mut themes: HashMap<String, Theme> = service::theme::all(db)
        .await
        .extend()?
        .into_iter()
        .map(|theme| (theme.slug.clone(), Theme(theme)))
        .collect();
    for value in &mut values {
        value.theme = themes.remove(&value.value);
    }
    Ok(values)
}

/// The arguments of `search` but `lang`, as the document gives them.
pub(crate) struct SearchArguments {
    pub query: String,
    pub types: Option<Vec<SearchType>>,
    pub filter: Option<SearchFilter>,
    pub first: Option<i32>,
    pub after: Option<String>,
    pub prefix: bool,
}

/// The index request of `search` (checked), for the language `lang` (the request's
/// language, already chosen): shared by the resolver and the planner, so that both ask the
/// index the same thing and refuse the same input.
pub(crate) fn search_request(
    arguments: SearchArguments,
    lang: Option<String>,
    highlights: bool,
    facets: bool,
) -> async_graphql::Result<SearchRequest> {
    let SearchArguments {
        query,
        types,
        filter,
        first,
        after,
        prefix,
    } = arguments;
    let offset = match &after {
        // A forged rank at the end of `usize` lands past the window and is refused there.
        Some(cursor) => decode_cursor::<RankPosition>("after", cursor)
            .extend()?
            .0
            .saturating_add(1),
        None => 0,
    };
    if offset >= MAX_RESULT_WINDOW {
        return Err(service::Error::invalid(
            "after",
            format!(
                "results beyond the first {MAX_RESULT_WINDOW} are not available; refine the query"
            ),
        )
        .extend());
    }
    // The last page of the window is cut short rather than refused.
    let limit = page_size(RECORD_PAGE, first)?.min(MAX_RESULT_WINDOW - offset);
    let filter = filter.unwrap_or_default();
    let (kinds, excluded_kinds) = covered_kinds(
        types,
        filter
            .category
            .as_ref()
            .is_some_and(|list| !list.is_empty()),
    );
    validate::year_range("filter.yearFrom", filter.year_from, filter.year_to).extend()?;
    Ok(SearchRequest {
        query,
        lang,
        filter: symbios_search::SearchFilter {
            kinds,
            excluded_kinds,
            countries: validate::countries("filter.country", filter.country.unwrap_or_default())
                .extend()?,
            themes: filter.theme.unwrap_or_default(),
            langs: filter.lang.unwrap_or_default(),
            year_from: filter.year_from,
            year_to: filter.year_to,
            categories: filter
                .category
                .unwrap_or_default()
                .into_iter()
                .map(|category| entity::FlowCategory::from(category).to_value())
                .collect(),
        },
        offset,
        limit,
        prefix_last_word: prefix,
        highlights,
        facets,
    })
}

/// Runs `request` on `index` off the threads that serve requests (a search is CPU work of a
/// millisecond or more) and records its time: for the resolver and the planner alike.
pub(crate) async fn run_search(
    index: &symbios_search::SearchIndex,
    request: SearchRequest,
) -> Result<Result<symbios_search::SearchResults, symbios_search::Error>, tokio::task::JoinError> {
    let index = index.clone();
    let started = std::time::Instant::now();
    let results = tokio::task::spawn_blocking(move || index.search(&request)).await;
    metrics::histogram!(crate::metrics::SEARCH_SECONDS).record(started.elapsed().as_secs_f64());
    results
}

/// `hasNextPage` of a search page: hits of the window after this page.
pub(crate) fn has_next_page(offset: usize, limit: usize, total: usize) -> bool {
    offset + limit < total.min(MAX_RESULT_WINDOW)
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text search over case studies, projects, actors and funders in every language,
    /// and over resource flows (by their resource names in every language) when `types`
    /// holds `RESOURCE_FLOW` or the filter asks for flow categories.
    ///
    /// `query` takes words (all must match), `"phrases"`, `-exclusions` and `OR`; a word the
    /// index does not hold tolerates a typo when it has 5+ characters (two at 9+). Words are
    /// stemmed per language, and domain terms also match their equivalents in the other
    /// languages (ranked lower). `lang` (else
    /// `Accept-Language`) boosts texts in that language. An empty `query` lists everything,
    /// with facets. Pages of `first` (default 20, at most 100) after `after`. With `prefix`,
    /// the last word also matches as the start of a word, for results while typing. `types`
    /// and the filter's lists count a value given twice once.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::limits::page_complexity(first, None, child_complexity)"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        lang: Option<String>,
        types: Option<Vec<SearchType>>,
        filter: Option<SearchFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] prefix: bool,
    ) -> async_graphql::Result<SearchResults> {
        let search = ctx.data::<Search>()?;
        let arguments = SearchArguments {
            query,
            types,
            filter,
            first,
            after,
            prefix,
        };
        let lang = requested_language(ctx, lang.as_deref())?;
        // Highlights and facets cost time; compute them only when the query asks.
        let highlights = ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("highlights")
            .exists();
        let facets = ctx.look_ahead().field("facets").exists();
        let request = search_request(arguments, lang, highlights, facets)?;
        let (offset, limit) = (request.offset, request.limit);
        let results = run_search(&search.index, request)
            .await
            .map_err(task_error)?
            .map_err(|error| search_error("query", &error))?;
        let keys: Vec<(Uuid, Kind)> = results
            .hits
            .iter()
            .map(|hit| (hit.id, hit.kind.clone()))
            .collect();
        let mut loaded = entities(ctx, &keys).await?;
        let mut edges = Vec::with_capacity(results.hits.len());
        for (position, hit) in results.hits.into_iter().enumerate() {
            let Some(entity) = loaded.remove(&hit.id) else {
                continue;
            };
            edges.push(SearchEdge {
                cursor: encode_cursor(&RankPosition(offset + position)),
                node: SearchHit {
                    score: f64::from(hit.score),
                    entity,
                    highlights: hit
                        .highlights
                        .into_iter()
                        .map(|highlight| Highlight {
                            field: highlight.field.to_owned(),
                            lang: highlight.lang.map(str::to_owned),
                            fragment: highlight.fragment,
                        })
                        .collect(),
                },
            });
        }
        let total = results.total;
        Ok(SearchResults {
            total_count: total as u64,
            facets: SearchFacets {
                kind: facet_values(results.facets.kinds),
                country: facet_values(results.facets.countries),
                theme: theme_facet_values(ctx, results.facets.themes).await?,
                lang: facet_values(results.facets.langs),
                year: facet_values(results.facets.years),
                category: facet_values(results.facets.categories),
            },
            page_info: PageInfo {
                has_previous_page: offset > 0,
                has_next_page: has_next_page(offset, limit, total),
                start_cursor: edges.first().map(|edge| edge.cursor.clone()),
                end_cursor: edges.last().map(|edge| edge.cursor.clone()),
            },
            edges,
        })
    }

    /// Names and titles starting with `prefix` (its last word is completed), for a search
    /// box. At most `first` (default 10, at most 50). `types` counts a type given twice once.
    #[graphql(
        complexity = "crate::graphql::limits::page_complexity(first, None, child_complexity)"
    )]
    async fn suggest(
        &self,
        ctx: &Context<'_>,
        prefix: String,
        lang: Option<String>,
        types: Option<Vec<SearchType>>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Suggestion>> {
        let search = ctx.data::<Search>()?;
        requested_language(ctx, lang.as_deref())?;
        let limit = page_size(SUGGEST_PAGE, first)?;
        let kinds = kinds(types);
        let index = search.index.clone();
        let found = tokio::task::spawn_blocking(move || index.suggest(&prefix, &kinds, limit))
            .await
            .map_err(task_error)?
            .map_err(|error| search_error("prefix", &error))?;
        let keys: Vec<(Uuid, Kind)> = found.iter().map(|s| (s.id, s.kind.clone())).collect();
        let mut loaded = entities(ctx, &keys).await?;
        Ok(found
            .into_iter()
            .filter_map(|suggestion| {
                loaded.remove(&suggestion.id).map(|entity| Suggestion {
                    text: suggestion.text,
                    score: f64::from(suggestion.score),
                    entity,
                })
            })
            .collect())
    }

    /// How far this server's search index is behind the database.
    async fn search_index(&self, ctx: &Context<'_>) -> async_graphql::Result<SearchIndexState> {
        let search = ctx.data::<Search>()?;
        let db = ctx.data::<DatabaseConnection>()?;
        // The same reading as `/readyz`.
        let readiness = search.status.readiness(db).await.extend()?;
        let documents = search
            .index
            .state()
            .map_err(|error| search_error("searchIndex", &error))?
            .documents;
        Ok(SearchIndexState {
            last_applied_seq: readiness.last_applied_seq,
            last_change_seq: readiness.last_change_seq,
            lag: readiness.lag,
            documents,
        })
    }
}

/// A search task that panicked or was cancelled.
fn task_error(error: tokio::task::JoinError) -> async_graphql::Error {
    tracing::error!(error = %error, "search task failed");
    graphql_error(ErrorCode::Internal, error.to_string())
}
