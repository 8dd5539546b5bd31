//! Flows across case studies: `resourceFlows` (a paged list), `network` (actors and flows as a
//! graph; also `CaseStudy.network`) and `statistics` (totals over case studies).

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use super::actor::Actor;
use super::case_study::CaseStudyFilter;
use super::enums::{ActorKind, CaseStudyStatus, FlowCategory, FlowStatus, OrderDirection};
use super::relations::ResourceFlow;
use crate::error::{ServiceErrorExt as _, ServiceResultExt as _};
use crate::graphql::connection::{CountRecords, PageArgs, RecordConnection, counted_connection};
use crate::graphql::records::values;
use crate::service::resource_flow::{self as flows, FlowOrderField, FlowOrdering};
use crate::service::{self, statistics};

/// Which flows to list (or to draw as a network). Every field is optional; lists match any of
/// their values, and a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ResourceFlowFilter {
    /// Categories.
    pub category: Option<Vec<FlowCategory>>,
    /// The resource's name in any language contains this text, ignoring case and diacritics
    /// (`anga` finds "Ånga"): one line of at most 200 characters.
    pub resource_contains: Option<String>,
    /// Countries (ISO 3166-1 alpha-2) of the flow's case study (not of its actors, which may
    /// be registered elsewhere); at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Case studies by slug or id; at most 100 different ones.
    pub case_study: Option<Vec<String>>,
    /// Supplying actors by slug or id; at most 100 different ones.
    pub from_actor: Option<Vec<String>>,
    /// Receiving actors by slug or id; at most 100 different ones.
    pub to_actor: Option<Vec<String>>,
    /// Kinds of the supplying actor.
    pub from_actor_kind: Option<Vec<ActorKind>>,
    /// Kinds of the receiving actor (flows without a single receiver never match).
    pub to_actor_kind: Option<Vec<ActorKind>>,
    /// Statuses.
    pub status: Option<Vec<FlowStatus>>,
    /// Only flows with (`true`) or without (`false`) a published quantity.
    pub has_quantity: Option<bool>,
}

impl From<ResourceFlowFilter> for flows::Filter {
    fn from(filter: ResourceFlowFilter) -> Self {
        Self {
            categories: values(filter.category),
            resource_contains: filter.resource_contains,
            countries: filter.country.unwrap_or_default(),
            case_studies: filter.case_study.unwrap_or_default(),
            from_actors: filter.from_actor.unwrap_or_default(),
            to_actors: filter.to_actor.unwrap_or_default(),
            from_kinds: values(filter.from_actor_kind),
            to_kinds: values(filter.to_actor_kind),
            statuses: values(filter.status),
            has_quantity: filter.has_quantity,
        }
    }
}

/// What to sort flows by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceFlowOrderField {
    /// The resource's original name, ignoring case and diacritics.
    #[default]
    Resource,
    /// The year the quantity refers to; unknown years sort as oldest.
    Year,
    /// Last change.
    UpdatedAt,
}

/// How to sort flows.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct ResourceFlowOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: ResourceFlowOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<ResourceFlowOrder> for FlowOrdering {
    fn from(order: ResourceFlowOrder) -> Self {
        Self {
            field: match order.field {
                ResourceFlowOrderField::Resource => FlowOrderField::Resource,
                ResourceFlowOrderField::Year => FlowOrderField::Year,
                ResourceFlowOrderField::UpdatedAt => FlowOrderField::UpdatedAt,
            },
            descending: order.direction.is_descending(),
        }
    }
}

/// `totalCount` of a flow list.
struct FlowCount(flows::Filter);

impl CountRecords for FlowCount {
    fn count<'a>(
        &'a self,
        db: &'a DatabaseConnection,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<u64, service::Error>> + Send + 'a>>
    {
        Box::pin(flows::count(db, &self.0))
    }
}

/// A network: the actors at the ends of some flows and the flows between them.
pub struct Network(pub flows::Network);

/// A graph of resource flows: actors (nodes) and the flows from one to another (edges);
/// `GET /export/network.graphml`, `.gexf` and `.csv` download the same graph.
#[Object]
impl Network {
    /// The actors that supply or receive the flows, by name.
    #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
    async fn nodes(&self) -> Vec<Actor> {
        self.0.nodes.iter().cloned().map(Actor).collect()
    }

    /// The flows from one actor to another, by resource.
    #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
    async fn edges(&self) -> Vec<ResourceFlow> {
        self.flows(true)
    }

    /// Flows without a single receiving actor (e.g. heat to a town's grid): no edge in a
    /// graph; their suppliers are among `nodes`.
    #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
    async fn open_flows(&self) -> Vec<ResourceFlow> {
        self.flows(false)
    }

    /// Number of nodes.
    async fn node_count(&self) -> usize {
        self.0.nodes.len()
    }

    /// Number of edges.
    async fn edge_count(&self) -> usize {
        self.0
            .edges
            .iter()
            .filter(|flow| flow.to_actor_id.is_some())
            .count()
    }
}

impl Network {
    fn flows(&self, with_receiver: bool) -> Vec<ResourceFlow> {
        self.0
            .edges
            .iter()
            .filter(|flow| flow.to_actor_id.is_some() == with_receiver)
            .cloned()
            .map(ResourceFlow)
            .collect()
    }
}

/// The network of the flows `filter` holds.
pub(crate) async fn network_of(
    ctx: &Context<'_>,
    filter: flows::Filter,
) -> async_graphql::Result<Network> {
    let db = ctx.data::<DatabaseConnection>()?;
    let filter = filter.checked().extend()?;
    Ok(Network(flows::network(db, &filter).await.extend()?))
}

/// A value and how many records have it.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(concrete(name = "CountryCount", params(String)))]
#[graphql(concrete(name = "CaseStudyStatusCount", params(CaseStudyStatus)))]
#[graphql(concrete(name = "ActorKindCount", params(ActorKind)))]
#[graphql(concrete(name = "FlowCategoryCount", params(FlowCategory)))]
pub struct ValueCount<V: async_graphql::OutputType> {
    /// The value.
    pub value: V,
    /// How many have it.
    pub count: u64,
}

/// How many case studies carry a theme.
#[derive(SimpleObject, Debug, Clone)]
pub struct ThemeCount {
    /// The theme's slug.
    pub theme: String,
    /// Case studies tagged with it.
    pub count: u64,
}

/// The impact figures of one metric in one unit, summed (figures in other units are summed
/// apart, never converted).
#[derive(SimpleObject, Debug, Clone)]
pub struct ImpactTotal {
    /// What is measured, e.g. `co2_saved`.
    pub metric: String,
    /// The unit of every figure summed, e.g. `t/yr`.
    pub unit: String,
    /// The sum of their values.
    pub total: f64,
    /// How many figures the sum covers.
    pub figures: u64,
}

/// Totals over a set of case studies.
#[derive(SimpleObject, Debug, Clone)]
pub struct Statistics {
    /// Case studies.
    pub case_studies: u64,
    /// Case studies by country.
    pub case_studies_by_country: Vec<ValueCount<String>>,
    /// Case studies by status.
    pub case_studies_by_status: Vec<ValueCount<CaseStudyStatus>>,
    /// Case studies by theme (a case study counts under each of its themes).
    pub case_studies_by_theme: Vec<ThemeCount>,
    /// Actors with a role in the case studies, by kind (each actor once).
    pub actors_by_kind: Vec<ValueCount<ActorKind>>,
    /// Resource flows of the case studies, by category.
    pub flows_by_category: Vec<ValueCount<FlowCategory>>,
    /// Impact figures of the case studies, summed per metric and unit.
    pub impacts: Vec<ImpactTotal>,
}

fn counts<V, W: async_graphql::OutputType + From<V>>(
    counts: Vec<statistics::Count<V>>,
) -> Vec<ValueCount<W>> {
    counts
        .into_iter()
        .map(|count| ValueCount {
            value: count.value.into(),
            count: count.count,
        })
        .collect()
}

impl From<statistics::Statistics> for Statistics {
    fn from(totals: statistics::Statistics) -> Self {
        Self {
            case_studies: totals.case_studies,
            case_studies_by_country: counts(totals.case_studies_by_country),
            case_studies_by_status: counts(totals.case_studies_by_status),
            case_studies_by_theme: totals
                .case_studies_by_theme
                .into_iter()
                .map(|count| ThemeCount {
                    theme: count.value,
                    count: count.count,
                })
                .collect(),
            actors_by_kind: counts(totals.actors_by_kind),
            flows_by_category: counts(totals.flows_by_category),
            impacts: totals
                .impacts
                .into_iter()
                .map(|sum| ImpactTotal {
                    metric: sum.metric,
                    unit: sum.unit,
                    total: sum.total,
                    figures: sum.figures,
                })
                .collect(),
        }
    }
}

/// The root fields of this module.
#[derive(Default)]
pub struct FlowQuery;

#[Object]
impl FlowQuery {
    /// Resource flows across case studies, filtered and sorted, in pages of `first` (default
    /// 20, at most 100) after `after`, or `last` before `before`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::limits::page_complexity(first, last, child_complexity)"
    )]
    async fn resource_flows(
        &self,
        ctx: &Context<'_>,
        filter: Option<ResourceFlowFilter>,
        order_by: Option<ResourceFlowOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<RecordConnection<ResourceFlow>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let request = PageArgs {
            first,
            after,
            last,
            before,
        }
        .request()?;
        let filter = flows::Filter::from(filter.unwrap_or_default())
            .checked()
            .extend()?;
        let ordering = order_by.unwrap_or_default().into();
        let page = flows::list(db, &filter, ordering, &request)
            .await
            .map_err(|error| error.extend())?;
        Ok(counted_connection(
            page,
            ResourceFlow,
            Box::new(FlowCount(filter)),
        ))
    }

    /// The network of the flows `filter` holds (all flows when left out): at most 2,000
    /// flows, else `BAD_USER_INPUT` naming `filter`.
    #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
    async fn network(
        &self,
        ctx: &Context<'_>,
        filter: Option<ResourceFlowFilter>,
    ) -> async_graphql::Result<Network> {
        network_of(ctx, filter.unwrap_or_default().into()).await
    }

    /// Totals over the case studies `filter` holds (all when left out).
    async fn statistics(
        &self,
        ctx: &Context<'_>,
        filter: Option<CaseStudyFilter>,
    ) -> async_graphql::Result<Statistics> {
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = crate::service::case_study::Filter::from(filter.unwrap_or_default())
            .checked()
            .extend()?;
        Ok(statistics::of_case_studies(db, &filter)
            .await
            .extend()?
            .into())
    }
}
