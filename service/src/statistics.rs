//! Totals over a set of case studies, each computed with one `GROUP BY` in SQL: case studies
//! by country, status and theme, the actors taking part by kind, flows by category, and the
//! published impact figures summed per metric and unit (figures in different units are
//! never added).

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select, TryGetableMany,
};
use symbios_entity::vocabulary::{ActorKind, CaseStudyStatus, FlowCategory};
use symbios_entity::{
    actor, case_study, case_study_actor, case_study_theme, impact_figure, resource_flow, theme,
};

use crate::Error;
use crate::case_study::{CaseStudies, Filter};
use crate::record::Listed;

/// How many records have one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count<V> {
    /// The value.
    pub value: V,
    /// How many have it.
    pub count: u64,
}

/// The sum of the impact figures of one metric in one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactSum {
    /// What is measured, e.g. `co2_saved`.
    pub metric: String,
    /// The unit every summed figure is in.
    pub unit: String,
    /// The sum of their values.
    pub total: f64,
    /// How many figures the sum covers.
    pub figures: u64,
}

/// The totals over the case studies a filter holds.
#[derive(Debug, Clone, Default)]
pub struct Statistics {
    /// Case studies.
    pub case_studies: u64,
    /// Case studies by country code.
    pub case_studies_by_country: Vec<Count<String>>,
    /// Case studies by status.
    pub case_studies_by_status: Vec<Count<CaseStudyStatus>>,
    /// Case studies by theme slug (a case study counts once under each of its themes).
    pub case_studies_by_theme: Vec<Count<String>>,
    /// Actors with a role in the case studies, by kind (each actor once).
    pub actors_by_kind: Vec<Count<ActorKind>>,
    /// Resource flows of the case studies, by category.
    pub flows_by_category: Vec<Count<FlowCategory>>,
    /// Impact figures of the case studies, summed per metric and unit.
    pub impacts: Vec<ImpactSum>,
}

/// The ids of the case studies `filter` (checked) holds.
fn case_study_ids(filter: &Filter) -> SelectStatement {
    CaseStudies::narrow(filter, case_study::Entity::find())
        .select_only()
        .column(case_study::Column::Id)
        .into_query()
}

fn counts<V>(rows: Vec<(V, i64)>) -> Vec<Count<V>> {
    rows.into_iter()
        .map(|(value, count)| Count {
            value,
            count: u64::try_from(count).unwrap_or(0),
        })
        .collect()
}

/// The rows of `select` counted (by `counted`, never NULL) per value of `column`, by value.
async fn count_by<E, V>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    column: impl ColumnTrait,
    counted: impl ColumnTrait,
) -> Result<Vec<(V, i64)>, Error>
where
    E: EntityTrait,
    (V, i64): TryGetableMany,
{
    Ok(select
        .select_only()
        .column(column)
        .expr(Expr::col(counted).count())
        .group_by(column)
        .order_by_asc(column)
        .into_tuple()
        .all(db)
        .await?)
}

/// The totals over the case studies `filter` (checked) holds.
pub async fn of_case_studies(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Statistics, Error> {
    use case_study::Column as C;
    let case_studies = || CaseStudies::narrow(filter, case_study::Entity::find());
    let by_country: Vec<(String, i64)> = count_by(db, case_studies(), C::Country, C::Id).await?;
    let by_status: Vec<(CaseStudyStatus, i64)> =
        count_by(db, case_studies(), C::Status, C::Id).await?;
    let themes = case_study_theme::Entity::find()
        .join(
            JoinType::InnerJoin,
            case_study_theme::Entity::belongs_to(theme::Entity)
                .from(case_study_theme::Column::ThemeId)
                .to(theme::Column::Id)
                .into(),
        )
        .filter(case_study_theme::Column::CaseStudyId.in_subquery(case_study_ids(filter)));
    let by_theme: Vec<(String, i64)> = count_by(
        db,
        themes,
        theme::Column::Slug,
        case_study_theme::Column::CaseStudyId,
    )
    .await?;
    let taking_part = Query::select()
        .column(case_study_actor::Column::ActorId)
        .from(case_study_actor::Entity)
        .and_where(case_study_actor::Column::CaseStudyId.in_subquery(case_study_ids(filter)))
        .to_owned();
    let actors = actor::Entity::find().filter(actor::Column::Id.in_subquery(taking_part));
    let by_kind: Vec<(ActorKind, i64)> =
        count_by(db, actors, actor::Column::Kind, actor::Column::Id).await?;
    use resource_flow::Column as F;
    let flows =
        resource_flow::Entity::find().filter(F::CaseStudyId.in_subquery(case_study_ids(filter)));
    let by_category: Vec<(FlowCategory, i64)> = count_by(db, flows, F::Category, F::Id).await?;
    use impact_figure::Column as I;
    let impacts: Vec<(String, String, f64, i64)> = impact_figure::Entity::find()
        .select_only()
        .columns([I::Metric, I::Unit])
        .expr(Expr::col(I::Value).sum())
        .expr(Expr::col(I::Id).count())
        .filter(I::CaseStudyId.in_subquery(case_study_ids(filter)))
        .group_by(I::Metric)
        .group_by(I::Unit)
        .order_by_asc(I::Metric)
        .order_by_asc(I::Unit)
        .into_tuple()
        .all(db)
        .await?;
    let by_country = counts(by_country);
    Ok(Statistics {
        case_studies: by_country.iter().map(|count| count.count).sum(),
        case_studies_by_country: by_country,
        case_studies_by_status: counts(by_status),
        case_studies_by_theme: counts(by_theme),
        actors_by_kind: counts(by_kind),
        flows_by_category: counts(by_category),
        impacts: impacts
            .into_iter()
            .map(|(metric, unit, total, figures)| ImpactSum {
                metric,
                unit,
                total,
                figures: u64::try_from(figures).unwrap_or(0),
            })
            .collect(),
    })
}
