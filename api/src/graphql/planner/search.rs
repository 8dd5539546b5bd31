//! The planned `search`: the index asked exactly as the resolver asks it
//! ([`search_request`]), the records of the hits loaded one statement per record type (and
//! their selected fields one level at a time, as everywhere in the planner), and the page
//! written in selection order. A selection of `facets` is left to the general path.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Name, Value as ConstValue};
use symbios_entity::resource_flow;
use symbios_search::{Hit, Kind, SearchIndex, SearchRequest};
use uuid::Uuid;

use super::exec::{
    Failed, Level, Loading, ObjectPlan, Out, Run, load_by_id, write_fields, write_items, write_str,
    write_value,
};
use super::objects;
use super::root::{InfoField, RootField, info_fields, typed, write_info};
use super::select::{Cost, Selected, Selector};
use crate::graphql::limits::page_complexity;
use crate::graphql::loaders;
use crate::graphql::query::search::{
    SearchArguments, SearchFilter, has_next_page, run_search, search_request,
};
use crate::graphql::types::search::SearchType;
use crate::service::actor::Actors;
use crate::service::case_study::CaseStudies;
use crate::service::funder::Funders;
use crate::service::lang::LanguagePreference;
use crate::service::page::{RankPosition, encode_cursor};
use crate::service::project::Projects;
use crate::service::record::{RecordType, Row};

/// The union of what a hit is, and its member types.
const ENTITY: (&str, &[&str]) = (
    "SearchEntity",
    &["CaseStudy", "Project", "Actor", "Funder", "ResourceFlow"],
);

/// A planned `search`.
struct SearchPlan {
    index: SearchIndex,
    request: SearchRequest,
    /// Whether `lang` was given (else the request's `Accept-Language` chooses it at run).
    lang_given: bool,
    fields: Vec<(Name, ResultsField)>,
    /// The plans of each selected `entity`; the first also tells which hits still have
    /// their record (a hit whose record is gone is left out, as the general path does).
    entities: Vec<EntityPlans>,
}

enum ResultsField {
    Typename,
    TotalCount,
    PageInfo(Vec<(Name, InfoField)>),
    Edges(Vec<(Name, EdgeField)>),
}

enum EdgeField {
    Typename,
    Cursor,
    Node(Vec<(Name, HitField)>),
}

enum HitField {
    Typename,
    Score,
    Highlights(Vec<(Name, HighlightField)>),
    /// `entity`: the index of its plans.
    Entity(usize),
}

enum HighlightField {
    Typename,
    Field,
    Lang,
    Fragment,
}

/// What is selected of a hit's record, for each type it can be.
#[derive(Default)]
struct EntityPlans {
    case_study: Member<CaseStudies>,
    project: Member<Projects>,
    actor: Member<Actors>,
    funder: Member<Funders>,
    flow: ObjectPlan<resource_flow::Model>,
}

type Member<R> = ObjectPlan<Row<R>>;

impl<R> Default for ObjectPlan<R> {
    /// No field: what loads the records of hits when no `entity` is selected.
    fn default() -> Self {
        Self {
            type_name: "",
            fields: Vec::new(),
        }
    }
}

/// The plan of `search`, with its cost.
pub(super) fn plan<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    index: &SearchIndex,
) -> Option<(Box<dyn RootField>, Cost)> {
    let arguments = selector.arguments(
        field,
        &[
            ("query", "String!"),
            ("lang", "String"),
            ("types", "[SearchType!]"),
            ("filter", "SearchFilter"),
            ("first", "Int"),
            ("after", "String"),
            ("prefix", "Boolean!"),
        ],
    )?;
    let lang: Option<String> = typed(&arguments, "lang")?;
    let lang_given = lang.is_some();
    // The request's first language, as the resolver chooses it; an unknown tag is refused
    // there.
    let lang = match lang {
        Some(tag) => LanguagePreference::from_tag(&tag)
            .ok()?
            .languages()
            .first()
            .map(|lang| (*lang).to_owned()),
        None => None,
    };
    let first: Option<i32> = typed(&arguments, "first")?;
    let search_arguments = SearchArguments {
        query: typed(&arguments, "query")?,
        types: typed::<Option<Vec<SearchType>>>(&arguments, "types")?,
        filter: typed::<Option<SearchFilter>>(&arguments, "filter")?,
        first,
        after: typed(&arguments, "after")?,
        prefix: typed::<Option<bool>>(&arguments, "prefix")?.unwrap_or(false),
    };

    let mut entities = Vec::new();
    let mut highlights = false;
    let set = &field.node.selection_set.node;
    let (fields, cost) = selector.fields(set, "SearchResults", |selected| {
        match selected.node.name.node.as_str() {
            "__typename" => selector.counted(selected, ResultsField::Typename),
            "totalCount" => selector.counted(selected, ResultsField::TotalCount),
            "pageInfo" => info_fields(selector, selected)
                .map(|(info, cost)| (ResultsField::PageInfo(info), cost)),
            "edges" => edges(selector, selected, &mut entities, &mut highlights)
                .map(|(edge, cost)| (ResultsField::Edges(edge), cost)),
            // Facets (and their themes) are left to the general path.
            _ => None,
        }
    })?;
    if entities.is_empty() {
        entities.push(EntityPlans::default());
    }
    let request = search_request(search_arguments, lang, highlights, false).ok()?;
    let plan = SearchPlan {
        index: index.clone(),
        request,
        lang_given,
        fields,
        entities,
    };
    Some((Box::new(plan), page_complexity(first, None, cost)))
}

/// `edges`: each hit's cursor and node.
fn edges<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    entities: &mut Vec<EntityPlans>,
    highlights: &mut bool,
) -> Option<(Vec<(Name, EdgeField)>, Cost)> {
    selector.no_arguments(field)?;
    let set = &field.node.selection_set.node;
    let (fields, cost) = selector.fields(set, "SearchEdge", |selected| {
        match selected.node.name.node.as_str() {
            "__typename" => selector.counted(selected, EdgeField::Typename),
            "cursor" => selector.counted(selected, EdgeField::Cursor),
            "node" => hit(selector, selected, entities, highlights)
                .map(|(node, cost)| (EdgeField::Node(node), cost)),
            _ => None,
        }
    })?;
    Some((fields, cost.saturating_add(1)))
}

/// `node` of an edge: the hit.
fn hit<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    entities: &mut Vec<EntityPlans>,
    highlights: &mut bool,
) -> Option<(Vec<(Name, HitField)>, Cost)> {
    selector.no_arguments(field)?;
    let set = &field.node.selection_set.node;
    let (fields, cost) = selector.fields(set, "SearchHit", |selected| {
        match selected.node.name.node.as_str() {
            "__typename" => selector.counted(selected, HitField::Typename),
            "score" => selector.counted(selected, HitField::Score),
            "highlights" => {
                *highlights = true;
                highlight_fields(selector, selected)
                    .map(|(fields, cost)| (HitField::Highlights(fields), cost))
            }
            "entity" => {
                let (plans, cost) = entity(selector, selected)?;
                entities.push(plans);
                Some((HitField::Entity(entities.len() - 1), cost))
            }
            _ => None,
        }
    })?;
    Some((fields, cost.saturating_add(1)))
}

fn highlight_fields<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
) -> Option<(Vec<(Name, HighlightField)>, Cost)> {
    selector.no_arguments(field)?;
    let set = &field.node.selection_set.node;
    let (fields, cost) = selector.fields(set, "Highlight", |selected| {
        let planned = match selected.node.name.node.as_str() {
            "__typename" => HighlightField::Typename,
            "field" => HighlightField::Field,
            "lang" => HighlightField::Lang,
            "fragment" => HighlightField::Fragment,
            _ => return None,
        };
        selector.counted(selected, planned)
    })?;
    Some((fields, cost.saturating_add(1)))
}

/// `entity`: a plan for each type the record can be. Its cost counts the fields of every
/// type's fragments (and `__typename` once per type): never less than async-graphql counts.
fn entity<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Option<(EntityPlans, Cost)> {
    selector.no_arguments(field)?;
    let (case_study, case_study_cost) =
        selector.member_object(field, ENTITY, "CaseStudy", objects::case_study)?;
    let (project, project_cost) =
        selector.member_object(field, ENTITY, "Project", objects::project)?;
    let (actor, actor_cost) = selector.member_object(field, ENTITY, "Actor", objects::actor)?;
    let (funder, funder_cost) = selector.member_object(field, ENTITY, "Funder", objects::funder)?;
    let (flow, flow_cost) =
        selector.member_object(field, ENTITY, "ResourceFlow", objects::resource_flow)?;
    let cost = [
        case_study_cost,
        project_cost,
        actor_cost,
        funder_cost,
        flow_cost,
    ]
    .into_iter()
    .fold(1, Cost::saturating_add);
    let plans = EntityPlans {
        case_study,
        project,
        actor,
        funder,
        flow,
    };
    Some((plans, cost))
}

/// The records of one type among the hits, by id, with the level below them.
struct Loaded<'a, R> {
    plan: &'a ObjectPlan<R>,
    rows: HashMap<Uuid, Arc<R>>,
    level: Level<'a, R>,
}

impl<'a, R: Send + Sync> Loaded<'a, R> {
    async fn below(
        plan: &'a ObjectPlan<R>,
        run: &Run,
        rows: HashMap<Uuid, Arc<R>>,
    ) -> Result<Self, Failed> {
        // A type without hits has nothing to load below it, and nothing is written of it.
        let level = if rows.is_empty() {
            Vec::new()
        } else {
            let parents: Vec<&R> = rows.values().map(|row| &**row).collect();
            plan.load(run, &parents).await?
        };
        Ok(Self { plan, rows, level })
    }
}

/// The records of the hits of record type `R`, with the level below them.
async fn records<'a, R: RecordType>(
    plan: &'a Member<R>,
    run: &Run,
    ids: &[Uuid],
) -> Result<Loaded<'a, Row<R>>, Failed>
where
    Row<R>: Send + Sync,
{
    let rows = if ids.is_empty() {
        HashMap::new()
    } else {
        load_by_id::<loaders::ById<R>, _>(&run.loader, ids).await?
    };
    Loaded::below(plan, run, rows).await
}

/// What one `entity` plan loaded for the hits.
struct EntitiesLoaded<'a> {
    case_study: Loaded<'a, Row<CaseStudies>>,
    project: Loaded<'a, Row<Projects>>,
    actor: Loaded<'a, Row<Actors>>,
    funder: Loaded<'a, Row<Funders>>,
    flow: Loaded<'a, resource_flow::Model>,
}

impl EntityPlans {
    async fn load<'a>(&'a self, run: &Run, hits: &[Hit]) -> Result<EntitiesLoaded<'a>, Failed> {
        let ids_of = |of: SearchType| -> Vec<Uuid> {
            let kind = Kind::from(of);
            hits.iter()
                .filter(|hit| hit.kind == kind)
                .map(|hit| hit.id)
                .collect()
        };
        let flow_ids = ids_of(SearchType::ResourceFlow);
        let flows = if flow_ids.is_empty() {
            HashMap::new()
        } else {
            crate::service::resource_flow::find_many(&run.db, &flow_ids)
                .await?
                .into_iter()
                .map(|row| (row.id, Arc::new(row)))
                .collect()
        };
        Ok(EntitiesLoaded {
            case_study: records::<CaseStudies>(
                &self.case_study,
                run,
                &ids_of(SearchType::CaseStudy),
            )
            .await?,
            project: records::<Projects>(&self.project, run, &ids_of(SearchType::Project)).await?,
            actor: records::<Actors>(&self.actor, run, &ids_of(SearchType::Actor)).await?,
            funder: records::<Funders>(&self.funder, run, &ids_of(SearchType::Funder)).await?,
            flow: Loaded::below(&self.flow, run, flows).await?,
        })
    }
}

/// The type of a hit's record, as the index names it.
fn type_of(hit: &Hit) -> Option<SearchType> {
    [
        SearchType::CaseStudy,
        SearchType::Project,
        SearchType::Actor,
        SearchType::Funder,
        SearchType::ResourceFlow,
    ]
    .into_iter()
    .find(|of| Kind::from(*of) == hit.kind)
}

/// The loaded records of one type, whatever the type.
trait LoadedRecords {
    /// Writes the record `id` if it was loaded; `false` if it was not.
    fn write(&self, id: Uuid, out: &mut Out) -> bool;
    /// Whether the record `id` was loaded.
    fn has(&self, id: Uuid) -> bool;
}

impl<R: Send + Sync> LoadedRecords for Loaded<'_, R> {
    fn write(&self, id: Uuid, out: &mut Out) -> bool {
        match self.rows.get(&id) {
            Some(row) => {
                self.plan.write(row, &self.level, out);
                true
            }
            None => false,
        }
    }

    fn has(&self, id: Uuid) -> bool {
        self.rows.contains_key(&id)
    }
}

impl EntitiesLoaded<'_> {
    /// The records of `hit`'s type (`None` for a type search does not give).
    fn of(&self, hit: &Hit) -> Option<&dyn LoadedRecords> {
        Some(match type_of(hit)? {
            SearchType::CaseStudy => &self.case_study,
            SearchType::Project => &self.project,
            SearchType::Actor => &self.actor,
            SearchType::Funder => &self.funder,
            SearchType::ResourceFlow => &self.flow,
        })
    }

    /// Writes the record of `hit`; `false` if it is gone (or of a type search does not give).
    fn write(&self, hit: &Hit, out: &mut Out) -> bool {
        self.of(hit)
            .is_some_and(|records| records.write(hit.id, out))
    }

    /// Whether the record of `hit` was loaded.
    fn has(&self, hit: &Hit) -> bool {
        self.of(hit).is_some_and(|records| records.has(hit.id))
    }
}

impl RootField for SearchPlan {
    fn run<'a>(&'a self, run: &'a Run, out: &'a mut Out) -> Loading<'a, ()> {
        Box::pin(async move {
            let mut request = self.request.clone();
            if !self.lang_given {
                request.lang = run
                    .languages
                    .languages()
                    .first()
                    .map(|lang| (*lang).to_owned());
            }
            let (offset, limit) = (request.offset, request.limit);
            let results = run_search(&self.index, request)
                .await
                .map_err(|_| Failed)?
                .map_err(|error| {
                    tracing::debug!(error = %error, "planned search failed; answering through the general path");
                    Failed
                })?;
            let mut loaded = Vec::with_capacity(self.entities.len());
            for plans in &self.entities {
                loaded.push(plans.load(run, &results.hits).await?);
            }
            // Hits whose record is gone are left out; a hit's cursor is its rank all the same.
            let (cursors, kept): (Vec<String>, Vec<&Hit>) = results
                .hits
                .iter()
                .enumerate()
                .filter(|(_, hit)| loaded.first().is_some_and(|first| first.has(hit)))
                .map(|(position, hit)| (encode_cursor(&RankPosition(offset + position)), hit))
                .unzip();
            let pages = (offset > 0, has_next_page(offset, limit, results.total));
            write_fields(&self.fields, out, |_, field, out| match field {
                ResultsField::Typename => write_str("SearchResults", out),
                ResultsField::TotalCount => {
                    let _ = serde_json::to_writer(&mut *out, &(results.total as u64));
                }
                ResultsField::PageInfo(info) => write_info(info, pages, &cursors, out),
                ResultsField::Edges(edge_fields) => {
                    write_items(cursors.iter().zip(&kept), out, |(cursor, hit), out| {
                        write_fields(edge_fields, out, |_, field, out| match field {
                            EdgeField::Typename => write_str("SearchEdge", out),
                            EdgeField::Cursor => write_str(cursor, out),
                            EdgeField::Node(hit_fields) => write_hit(hit_fields, hit, &loaded, out),
                        });
                    });
                }
            });
            Ok(())
        })
    }
}

fn write_hit(fields: &[(Name, HitField)], hit: &Hit, loaded: &[EntitiesLoaded<'_>], out: &mut Out) {
    write_fields(fields, out, |_, field, out| match field {
        HitField::Typename => write_str("SearchHit", out),
        HitField::Score => objects::float(f64::from(hit.score), out),
        HitField::Highlights(highlight_fields) => {
            write_items(&hit.highlights, out, |highlight, out| {
                write_fields(highlight_fields, out, |_, field, out| match field {
                    HighlightField::Typename => write_str("Highlight", out),
                    HighlightField::Field => write_str(highlight.field, out),
                    HighlightField::Lang => match highlight.lang {
                        Some(lang) => write_str(lang, out),
                        None => write_value(&ConstValue::Null, out),
                    },
                    HighlightField::Fragment => write_str(&highlight.fragment, out),
                });
            });
        }
        HitField::Entity(plans) => {
            let written = loaded
                .get(*plans)
                .is_some_and(|entities| entities.write(hit, out));
            if !written {
                out.extend_from_slice(b"null");
            }
        }
    });
}
