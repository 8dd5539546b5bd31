//! The root fields the planner answers: each record type's paged list (`caseStudies`) and
//! lookup (`caseStudy(id: | slug:)`), through the same service functions as the general
//! path (the same page, cursor codec and `totalCount`).

use async_graphql::{InputType, Name, Value as ConstValue};

use super::exec::{
    Failed, Loading, ObjectPlan, Out, Run, write_fields, write_items, write_str, write_value,
};
use super::objects;
use super::select::{Cost, Selected, Selector};
use crate::graphql::connection::PageArgs;
use crate::graphql::ids::{Lookup, lookup};
use crate::graphql::limits::page_complexity;
use crate::graphql::types::actor::{ActorFilter, ActorOrder};
use crate::graphql::types::case_study::{CaseStudyFilter, CaseStudyOrder};
use crate::graphql::types::funder::{FunderFilter, FunderOrder};
use crate::graphql::types::project::{ProjectFilter, ProjectOrder};
use crate::service::actor::Actors;
use crate::service::case_study::CaseStudies;
use crate::service::funder::Funders;
use crate::service::page::{PageRequest, encode_cursor};
use crate::service::project::Projects;
use crate::service::record::{self, Listed, Ordering, RecordKey, RecordType, Row};

/// A root field, run and written on its own.
pub(super) trait RootField: Send + Sync {
    fn run<'a>(&'a self, run: &'a Run, out: &'a mut Out) -> Loading<'a, ()>;
}

/// The plan of a root field of `Query`, with its cost.
pub(super) fn plan<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    index: &symbios_search::SearchIndex,
) -> Option<(Box<dyn RootField>, Cost)> {
    match field.node.name.node.as_str() {
        "search" => super::search::plan(selector, field, index),
        "caseStudies" => page::<CaseStudies, CaseStudyFilter, CaseStudyOrder>(
            selector,
            field,
            ("CaseStudyConnection", "CaseStudyEdge", "CaseStudy"),
            objects::case_study,
        ),
        "actors" => page::<Actors, ActorFilter, ActorOrder>(
            selector,
            field,
            ("ActorConnection", "ActorEdge", "Actor"),
            objects::actor,
        ),
        "projects" => page::<Projects, ProjectFilter, ProjectOrder>(
            selector,
            field,
            ("ProjectConnection", "ProjectEdge", "Project"),
            objects::project,
        ),
        "funders" => page::<Funders, FunderFilter, FunderOrder>(
            selector,
            field,
            ("FunderConnection", "FunderEdge", "Funder"),
            objects::funder,
        ),
        "caseStudy" => one::<CaseStudies>(selector, field, "CaseStudy", objects::case_study),
        "actor" => one::<Actors>(selector, field, "Actor", objects::actor),
        "project" => one::<Projects>(selector, field, "Project", objects::project),
        "funder" => one::<Funders>(selector, field, "Funder", objects::funder),
        _ => None,
    }
}

/// A record type's object table.
type Table<R> = objects::Table<Row<R>>;

/// An argument's value, typed by async-graphql's own input coercion.
pub(super) fn typed<T: InputType>(
    arguments: &std::collections::HashMap<&str, ConstValue>,
    name: &str,
) -> Option<T> {
    T::parse(arguments.get(name).cloned()).ok()
}

/// What is selected of a connection.
enum PageField {
    Typename,
    TotalCount,
    PageInfo(Vec<(Name, InfoField)>),
    Edges(Vec<(Name, EdgeField)>),
    /// `nodes`: the index of its object plan.
    Nodes(usize),
}

/// A field of `PageInfo`.
pub(super) enum InfoField {
    Typename,
    HasPreviousPage,
    HasNextPage,
    StartCursor,
    EndCursor,
}

enum EdgeField {
    Typename,
    Cursor,
    /// `node`: the index of its object plan.
    Node(usize),
}

/// A paged list of records of type `R`.
struct PagePlan<R: Listed> {
    filter: R::Filter,
    ordering: Ordering,
    request: PageRequest,
    fields: Vec<(Name, PageField)>,
    /// The object plans of `edges { node }` and `nodes`, each loaded over the page.
    nodes: Vec<ObjectPlan<Row<R>>>,
    /// The columns those plans write from the rows: the page reads these (and the id and
    /// the order's column) only.
    reads: Vec<&'static str>,
    connection_type: &'static str,
    edge_type: &'static str,
}

fn page<'d, R, F, O>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    (connection_type, edge_type, node_type): (&'static str, &'static str, &'static str),
    table: Table<R>,
) -> Option<(Box<dyn RootField>, Cost)>
where
    R: Listed,
    Row<R>: Send + Sync,
    F: InputType + Into<R::Filter>,
    O: InputType + Into<Ordering>,
{
    let filter_type = F::type_name();
    let order_type = O::type_name();
    let arguments = selector.arguments(
        field,
        &[
            ("filter", filter_type.as_ref()),
            ("orderBy", order_type.as_ref()),
            ("first", "Int"),
            ("after", "String"),
            ("last", "Int"),
            ("before", "String"),
        ],
    )?;
    let filter: Option<F> = typed(&arguments, "filter")?;
    let order: Option<O> = typed(&arguments, "orderBy")?;
    let page = PageArgs {
        first: typed(&arguments, "first")?,
        after: typed(&arguments, "after")?,
        last: typed(&arguments, "last")?,
        before: typed(&arguments, "before")?,
    };
    // Input the general path would refuse (with its own message) is left to it.
    let request = page.request().ok()?;
    let filter = R::check(filter.map(Into::into).unwrap_or_default()).ok()?;
    let ordering = order.map(Into::into).unwrap_or_default();

    let mut nodes = Vec::new();
    let set = &field.node.selection_set.node;
    let (fields, cost) = selector.fields(set, connection_type, |selected| {
        match selected.node.name.node.as_str() {
            "__typename" => selector.counted(selected, PageField::Typename),
            "totalCount" => selector.counted(selected, PageField::TotalCount),
            "pageInfo" => page_info(selector, selected),
            "edges" => {
                selector.no_arguments(selected)?;
                let edges = &selected.node.selection_set.node;
                let (edge_fields, edge_cost) = selector.fields(edges, edge_type, |edge_field| {
                    match edge_field.node.name.node.as_str() {
                        "__typename" => selector.counted(edge_field, EdgeField::Typename),
                        "cursor" => selector.counted(edge_field, EdgeField::Cursor),
                        "node" => node::<R>(selector, edge_field, (node_type, table), &mut nodes)
                            .map(|(index, cost)| (EdgeField::Node(index), cost)),
                        _ => None,
                    }
                })?;
                Some((PageField::Edges(edge_fields), edge_cost.saturating_add(1)))
            }
            "nodes" => node::<R>(selector, selected, (node_type, table), &mut nodes)
                .map(|(index, cost)| (PageField::Nodes(index), cost)),
            _ => None,
        }
    })?;
    let first = page.first;
    let last = page.last;
    let mut reads = Vec::new();
    for plan in &nodes {
        plan.stored_columns(&mut reads);
    }
    let plan = PagePlan::<R> {
        filter,
        ordering,
        request,
        fields,
        nodes,
        reads,
        connection_type,
        edge_type,
    };
    Some((Box::new(plan), page_complexity(first, last, cost)))
}

/// `edges { node }` or `nodes`: its object plan, kept in `nodes` (the index is returned).
fn node<'d, R>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    (node_type, table): (&'static str, Table<R>),
    nodes: &mut Vec<ObjectPlan<Row<R>>>,
) -> Option<(usize, Cost)>
where
    R: RecordType,
{
    selector.no_arguments(field)?;
    let (plan, cost) = selector.object(field, node_type, table)?;
    nodes.push(plan);
    Some((nodes.len() - 1, cost.saturating_add(1)))
}

fn page_info<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Option<(PageField, Cost)> {
    info_fields(selector, field).map(|(fields, cost)| (PageField::PageInfo(fields), cost))
}

/// The selected fields of a `PageInfo`, with their cost.
pub(super) fn info_fields<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
) -> Option<(Vec<(Name, InfoField)>, Cost)> {
    selector.no_arguments(field)?;
    let set = &field.node.selection_set.node;
    let (fields, cost) = selector.fields(set, "PageInfo", |selected| {
        let info = match selected.node.name.node.as_str() {
            "__typename" => InfoField::Typename,
            "hasPreviousPage" => InfoField::HasPreviousPage,
            "hasNextPage" => InfoField::HasNextPage,
            "startCursor" => InfoField::StartCursor,
            "endCursor" => InfoField::EndCursor,
            _ => return None,
        };
        selector.counted(selected, info)
    })?;
    Some((fields, cost.saturating_add(1)))
}

/// A `PageInfo` object: whether there are pages before and after, and the page's cursors.
pub(super) fn write_info(
    fields: &[(Name, InfoField)],
    (has_previous_page, has_next_page): (bool, bool),
    cursors: &[String],
    out: &mut Out,
) {
    write_fields(fields, out, |_, field, out| match field {
        InfoField::Typename => write_str("PageInfo", out),
        InfoField::HasPreviousPage => write_value(&ConstValue::Boolean(has_previous_page), out),
        InfoField::HasNextPage => write_value(&ConstValue::Boolean(has_next_page), out),
        InfoField::StartCursor => optional_cursor(cursors.first(), out),
        InfoField::EndCursor => optional_cursor(cursors.last(), out),
    });
}

fn optional_cursor(cursor: Option<&String>, out: &mut Out) {
    match cursor {
        Some(cursor) => write_str(cursor, out),
        None => out.extend_from_slice(b"null"),
    }
}

impl<R> RootField for PagePlan<R>
where
    R: Listed,
    Row<R>: Send + Sync,
{
    fn run<'a>(&'a self, run: &'a Run, out: &'a mut Out) -> Loading<'a, ()> {
        Box::pin(async move {
            let page = record::list_reading::<R>(
                &run.db,
                &self.filter,
                self.ordering,
                &self.request,
                &self.reads,
            )
            .await?;
            let counted = self
                .fields
                .iter()
                .any(|(_, field)| matches!(field, PageField::TotalCount));
            let total = if counted {
                Some(record::count::<R>(&run.db, &self.filter).await?)
            } else {
                None
            };
            let rows: Vec<&Row<R>> = page.items.iter().map(|(_, row)| row).collect();
            let mut levels = Vec::with_capacity(self.nodes.len());
            for plan in &self.nodes {
                levels.push(plan.load(run, &rows).await?);
            }
            // Encoded only when asked for: a list of titles needs none.
            let cursors: Vec<String> = if self.selects_cursors() {
                page.items
                    .iter()
                    .map(|(cursor, _)| encode_cursor(cursor))
                    .collect()
            } else {
                Vec::new()
            };
            write_fields(&self.fields, out, |_, field, out| match field {
                PageField::Typename => write_str(self.connection_type, out),
                PageField::TotalCount => {
                    let _ = serde_json::to_writer(&mut *out, &total.unwrap_or_default());
                }
                PageField::PageInfo(info) => write_info(
                    info,
                    (page.has_previous_page, page.has_next_page),
                    &cursors,
                    out,
                ),
                PageField::Edges(edge_fields) => {
                    let edges = page.items.iter().enumerate();
                    write_items(edges, out, |(index, (_, row)), out| {
                        write_fields(edge_fields, out, |_, field, out| match field {
                            EdgeField::Typename => write_str(self.edge_type, out),
                            EdgeField::Cursor => optional_cursor(cursors.get(index), out),
                            EdgeField::Node(plan) => self.write_node(*plan, row, &levels, out),
                        });
                    });
                }
                PageField::Nodes(plan) => {
                    write_items(&rows, out, |row, out| {
                        self.write_node(*plan, row, &levels, out);
                    });
                }
            });
            Ok(())
        })
    }
}

impl<R: Listed> PagePlan<R>
where
    Row<R>: Sync,
{
    /// Whether an edge's `cursor` or the page's `startCursor` or `endCursor` is selected.
    fn selects_cursors(&self) -> bool {
        self.fields.iter().any(|(_, field)| match field {
            PageField::PageInfo(info) => info
                .iter()
                .any(|(_, field)| matches!(field, InfoField::StartCursor | InfoField::EndCursor)),
            PageField::Edges(edge) => edge
                .iter()
                .any(|(_, field)| matches!(field, EdgeField::Cursor)),
            _ => false,
        })
    }

    fn write_node(
        &self,
        plan: usize,
        row: &Row<R>,
        levels: &[super::exec::Level<'_, Row<R>>],
        out: &mut Out,
    ) {
        match (self.nodes.get(plan), levels.get(plan)) {
            (Some(plan), Some(level)) => plan.write(row, level, out),
            _ => out.extend_from_slice(b"null"),
        }
    }
}

/// One record by id or slug.
struct OnePlan<R: RecordType> {
    by: Lookup,
    plan: ObjectPlan<Row<R>>,
    /// The columns the plan writes from the row: the lookup reads these and the id only.
    reads: Vec<&'static str>,
}

fn one<'d, R>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    type_name: &'static str,
    table: Table<R>,
) -> Option<(Box<dyn RootField>, Cost)>
where
    R: RecordType,
    Row<R>: Send + Sync,
{
    let arguments = selector.arguments(field, &[("id", "ID"), ("slug", "String")])?;
    let by = lookup(typed(&arguments, "id")?, typed(&arguments, "slug")?).ok()?;
    let (plan, cost) = selector.object(field, type_name, table)?;
    let mut reads = Vec::new();
    plan.stored_columns(&mut reads);
    let one = OnePlan::<R> { by, plan, reads };
    Some((Box::new(one), cost.saturating_add(1)))
}

impl<R: RecordType> RootField for OnePlan<R>
where
    Row<R>: Send + Sync,
{
    fn run<'a>(&'a self, run: &'a Run, out: &'a mut Out) -> Loading<'a, ()> {
        Box::pin(async move {
            let key = match &self.by {
                Lookup::Id(id) => RecordKey::Id(*id),
                Lookup::Slug(slug) => RecordKey::Slug(slug),
            };
            let found = record::find_reading::<R>(&run.db, key, &self.reads).await?;
            match found {
                Some(row) => {
                    let level = self.plan.load(run, &[&row]).await?;
                    self.plan.write(&row, &level, out);
                }
                None => out.extend_from_slice(b"null"),
            }
            Ok::<(), Failed>(())
        })
    }
}
