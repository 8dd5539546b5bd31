//! Resource flows between actors within case studies: the relation, and flows as a list of
//! their own (filtered, sorted and paged in SQL, as the record lists are) and as a network of
//! actors (nodes) and flows (edges).

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use symbios_entity::vocabulary::{ActorKind, FlowCategory, FlowStatus};
use symbios_entity::{actor, case_study, localized_text, resource_flow};
use uuid::Uuid;

use super::actor::Actors;
use super::case_study::CaseStudies;
use super::relation::relation;
use crate::Error;
use crate::direct_read::{Projection, SelectAll};
use crate::localized_text::field;
use crate::page::{self, Page, PageRequest, SortSpec, SortValue};
use crate::record::{self, Narrowing, list_filter};
use crate::text::fold;

relation!(
    /// Resource flows: a resource moving from one actor to another within a case study.
    ResourceFlows: resource_flow;
    /// The case study a flow belongs to.
    CaseStudyId(case_study_id) -> CaseStudies;
    /// The actor supplying a flow.
    FromActorId(from_actor_id) -> Actors;
    /// The actor receiving a flow, when there is a single one.
    ToActorId(to_actor_id) -> Actors;
);

list_filter! {
    /// Which flows a list or network holds; empty fields do not filter.
    pub struct Filter {
        /// Categories, any of.
        pub categories: Vec<FlowCategory> = vocabulary("category"),
        /// The resource's name in some language contains this text, ignoring case and
        /// diacritics.
        pub resource_contains: Option<String> = text("resourceContains"),
        /// Countries (ISO 3166-1 alpha-2) of the flow's case study, any of.
        pub countries: Vec<String> = countries("country"),
        /// Case studies by slug or id, any of.
        pub case_studies: Vec<String> = records("caseStudy"),
        /// Supplying actors by slug or id, any of.
        pub from_actors: Vec<String> = records("fromActor"),
        /// Receiving actors by slug or id, any of.
        pub to_actors: Vec<String> = records("toActor"),
        /// Kinds of the supplying actor, any of.
        pub from_kinds: Vec<ActorKind> = vocabulary("fromActorKind"),
        /// Kinds of the receiving actor, any of.
        pub to_kinds: Vec<ActorKind> = vocabulary("toActorKind"),
        /// Statuses, any of.
        pub statuses: Vec<FlowStatus> = vocabulary("status"),
        /// With (`true`) or without (`false`) a published quantity.
        pub has_quantity: Option<bool> = flag("hasQuantity"),
    }
}

/// What a flow list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlowOrderField {
    /// The resource's original name, ignoring case and diacritics.
    #[default]
    Resource,
    /// The year the quantity refers to; unknown years sort as oldest.
    Year,
    /// Last change.
    UpdatedAt,
}

/// A flow list's order: field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlowOrdering {
    /// The sort field.
    pub field: FlowOrderField,
    /// Largest first.
    pub descending: bool,
}

/// Most flows one network holds; a filter that selects more is refused (`filter`).
pub const MAX_NETWORK_EDGES: u64 = 2000;

/// The folded names of a resource, the original first, one per line, for
/// `resource_folded`: a `LIKE` on it finds a name in any language, and its order is the
/// original's.
pub fn folded_names<'a>(
    original: &str,
    translations: impl IntoIterator<Item = &'a String>,
) -> String {
    let mut folded = fold(original);
    for name in translations {
        folded.push('\n');
        folded.push_str(&fold(name));
    }
    folded
}

/// Fills `resource_folded` of the flows that have none (those the migration that added it
/// found): run after the migrations; a no-op once every flow has it.
pub async fn fill_folded_names(db: &impl SelectAll) -> Result<u64, Error> {
    let flows: Vec<(Uuid, String, String)> = resource_flow::Entity::find()
        .select_only()
        .columns([
            resource_flow::Column::Id,
            resource_flow::Column::Resource,
            resource_flow::Column::ResourceLang,
        ])
        .filter(resource_flow::Column::ResourceFolded.eq(""))
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<Uuid> = flows.iter().map(|(id, _, _)| *id).collect();
    let mut names = crate::localized_text::by_records(db, &ids).await?;
    for (id, resource, resource_lang) in &flows {
        let translations: Vec<String> = names
            .remove(id)
            .and_then(|mut fields| fields.remove(field::RESOURCE))
            .into_iter()
            .flatten()
            .filter(|text| text.lang != *resource_lang)
            .map(|text| text.text)
            .collect();
        resource_flow::Entity::update_many()
            .col_expr(
                resource_flow::Column::ResourceFolded,
                Expr::val(folded_names(resource, &translations)),
            )
            .filter(resource_flow::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(flows.len() as u64)
}

/// The ids of the records of a table (by its `id` and `slug` columns) that `refs` names, by
/// slug or by id.
fn named<E: EntityTrait>(id: E::Column, slug: E::Column, refs: &[String]) -> SelectStatement {
    let ids: Vec<Uuid> = refs
        .iter()
        .filter_map(|reference| Uuid::parse_str(reference).ok())
        .collect();
    Query::select()
        .column(id)
        .from(E::default())
        .cond_where(slug.is_in(refs.iter().cloned()).or(id.is_in(ids)))
        .to_owned()
}

/// The ids of the actors of `kinds`.
fn actors_of_kind(kinds: &[ActorKind]) -> SelectStatement {
    Query::select()
        .column(actor::Column::Id)
        .from(actor::Entity)
        .and_where(actor::Column::Kind.is_in(kinds.iter().copied()))
        .to_owned()
}

/// `select` narrowed to the flows `filter` (checked) holds.
pub fn narrow(
    filter: &Filter,
    select: Select<resource_flow::Entity>,
) -> Select<resource_flow::Entity> {
    use resource_flow::Column as F;
    let mut select = select
        .any_of(F::Category, &filter.categories)
        .any_of(F::Status, &filter.statuses)
        .folded_contains(F::ResourceFolded, filter.resource_contains.as_deref());
    if !filter.countries.is_empty() {
        let in_countries = Query::select()
            .column(case_study::Column::Id)
            .from(case_study::Entity)
            .and_where(case_study::Column::Country.is_in(filter.countries.iter().cloned()))
            .to_owned();
        select = select.filter(F::CaseStudyId.in_subquery(in_countries));
    }
    let records = [
        (F::CaseStudyId, &filter.case_studies, true),
        (F::FromActorId, &filter.from_actors, false),
        (F::ToActorId, &filter.to_actors, false),
    ];
    for (column, refs, is_case_study) in records {
        if refs.is_empty() {
            continue;
        }
        let ids = if is_case_study {
            named::<case_study::Entity>(case_study::Column::Id, case_study::Column::Slug, refs)
        } else {
            named::<actor::Entity>(actor::Column::Id, actor::Column::Slug, refs)
        };
        select = select.filter(column.in_subquery(ids));
    }
    for (column, kinds) in [
        (F::FromActorId, &filter.from_kinds),
        (F::ToActorId, &filter.to_kinds),
    ] {
        if !kinds.is_empty() {
            select = select.filter(column.in_subquery(actors_of_kind(kinds)));
        }
    }
    match filter.has_quantity {
        Some(true) => select.filter(F::Quantity.is_not_null()),
        Some(false) => select.filter(F::Quantity.is_null()),
        None => select,
    }
}

/// How many flows `filter` (checked) holds.
pub async fn count(db: &impl SelectAll, filter: &Filter) -> Result<u64, Error> {
    Ok(narrow(filter, resource_flow::Entity::find())
        .count(db)
        .await?)
}

/// One page of the flows `filter` (checked) holds, in `ordering`.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl SelectAll,
    filter: &Filter,
    ordering: FlowOrdering,
    request: &PageRequest,
) -> Result<Page<resource_flow::Model>, Error> {
    use resource_flow::Column as F;
    type KeyOf = fn(&resource_flow::Model) -> SortValue;
    let descending = ordering.descending;
    let (names, key, value): ((&'static str, &'static str), _, KeyOf) = match ordering.field {
        FlowOrderField::Resource => (
            ("resource_asc", "resource_desc"),
            Expr::col(F::ResourceFolded),
            |row| SortValue::Text(row.resource_folded.clone()),
        ),
        FlowOrderField::Year => (
            ("year_asc", "year_desc"),
            Func::coalesce([Expr::col(F::Year), Expr::val(0)]).into(),
            |row| SortValue::Int(i64::from(row.year.unwrap_or(0))),
        ),
        FlowOrderField::UpdatedAt => (
            ("updated_asc", "updated_desc"),
            Expr::col(F::UpdatedAt),
            |row| SortValue::Time(row.updated_at),
        ),
    };
    let spec = SortSpec {
        name: if descending { names.1 } else { names.0 },
        key,
        id: Expr::col(F::Id),
        key_is_unique: false,
        descending,
    };
    let select = (
        narrow(filter, resource_flow::Entity::find()),
        &Projection::all(),
    );
    page::fetch(db, select, &spec, request, value, |row| row.id).await
}

/// A network: the actors at the ends of some flows (nodes) and those flows (edges).
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// The actors, by folded name.
    pub nodes: Vec<actor::Model>,
    /// The flows, by folded resource name.
    pub edges: Vec<resource_flow::Model>,
}

/// The network of the flows `filter` (checked) holds: refused (`filter`) when they are more
/// than [`MAX_NETWORK_EDGES`].
pub async fn network(db: &impl SelectAll, filter: &Filter) -> Result<Network, Error> {
    let too_many = |count: u64| {
        Error::invalid(
            "filter",
            format!(
                "selects {count} flows; a network holds at most {MAX_NETWORK_EDGES}: narrow the filter (e.g. caseStudy)"
            ),
        )
    };
    let count = count(db, filter).await?;
    if count > MAX_NETWORK_EDGES {
        return Err(too_many(count));
    }
    let edges = narrow(filter, resource_flow::Entity::find())
        .order_by_asc(resource_flow::Column::ResourceFolded)
        .order_by_asc(resource_flow::Column::Id)
        .limit(MAX_NETWORK_EDGES + 1)
        .all(db)
        .await?;
    // Flows written between the count and the read may have pushed it over.
    if edges.len() as u64 > MAX_NETWORK_EDGES {
        return Err(too_many(edges.len() as u64));
    }
    let mut actor_ids: Vec<Uuid> = edges
        .iter()
        .flat_map(|edge| [Some(edge.from_actor_id), edge.to_actor_id])
        .flatten()
        .collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let mut nodes: Vec<actor::Model> = record::load_many::<Actors>(db, &actor_ids)
        .await?
        .into_values()
        .collect();
    nodes.sort_by(|a, b| a.name_folded.cmp(&b.name_folded).then(a.id.cmp(&b.id)));
    Ok(Network { nodes, edges })
}

/// The resource names of each flow, by language, with the language of the original: for
/// exports, which write every name.
pub async fn resource_names(
    db: &impl SelectAll,
    flow_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<localized_text::Model>>, Error> {
    let mut names: HashMap<Uuid, Vec<localized_text::Model>> = HashMap::new();
    for ids in flow_ids.chunks(crate::MAX_KEYS_PER_STATEMENT) {
        let rows = localized_text::Entity::find()
            .filter(crate::load::id_among(
                db.get_database_backend(),
                localized_text::Column::EntityId,
                ids,
            ))
            .filter(localized_text::Column::Field.eq(field::RESOURCE))
            .order_by_asc(localized_text::Column::Lang)
            .all(db)
            .await?;
        for row in rows {
            names.entry(row.entity_id).or_default().push(row);
        }
    }
    Ok(names)
}

/// The flows with these ids (for search hits), in id order; ids without a flow are left out.
pub async fn find_many(
    db: &impl SelectAll,
    ids: &[Uuid],
) -> Result<Vec<resource_flow::Model>, Error> {
    crate::load::rows_where_in::<resource_flow::Entity, _, _>(
        db,
        resource_flow::Column::Id,
        ids,
        resource_flow::Column::Id,
    )
    .await
}
