//! What the search index holds for a resource flow: its resource names in every language
//! (each in its language's field, so stemmed and folded as that language's texts are), the
//! country of its case study, its year and its category (the `category` facet). Flows are
//! not a record type of their own (they are a relation of case studies), so they join the
//! searchable types here rather than through the record-type registry.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sea_orm::{QuerySelect, Select};
use symbios_entity::resource_flow;
use symbios_search::{Document, Kind};
use uuid::Uuid;

use crate::Error;
use crate::case_study::CaseStudies;
use crate::direct_read::SelectAll;
use crate::record::load_many;

/// The index's record type of flows: their entity module's name, as for the records.
pub const FLOW_KIND: Kind = Kind::named("resource_flow");

/// The index documents of the flows `ids`; ids without a flow are left out.
pub async fn load(db: &impl SelectAll, ids: &[Uuid]) -> Result<Vec<Document>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let flows = crate::resource_flow::find_many(db, ids).await?;
    let flow_ids: Vec<Uuid> = flows.iter().map(|flow| flow.id).collect();
    let mut names = crate::resource_flow::resource_names(db, &flow_ids).await?;
    let case_study_ids: Vec<Uuid> = flows
        .iter()
        .map(|flow| flow.case_study_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let countries: HashMap<Uuid, String> = load_many::<CaseStudies>(db, &case_study_ids)
        .await?
        .into_iter()
        .map(|(id, case_study)| (id, case_study.country))
        .collect();
    Ok(flows
        .into_iter()
        .map(|flow| {
            let mut texts: Vec<(String, String)> = names
                .remove(&flow.id)
                .unwrap_or_default()
                .into_iter()
                .map(|name| (name.lang, name.text))
                .collect();
            // A flow written before its names became texts still has its original name.
            if texts.is_empty() {
                texts.push((flow.resource_lang.clone(), flow.resource.clone()));
            }
            let langs: BTreeSet<String> = texts.iter().map(|(lang, _)| lang.clone()).collect();
            Document {
                id: flow.id,
                kind: FLOW_KIND,
                names: Vec::new(),
                texts,
                countries: countries
                    .get(&flow.case_study_id)
                    .cloned()
                    .into_iter()
                    .collect(),
                themes: Vec::new(),
                langs: langs.into_iter().collect(),
                year: flow.year,
                categories: vec![flow.category.to_value()],
            }
        })
        .collect())
}

/// Ids of the flows of the case studies `case_study_ids`: their documents carry the case
/// study's country, so a changed case study changes them.
pub async fn ids_of_case_studies(
    db: &impl SelectAll,
    case_study_ids: &[Uuid],
) -> Result<Vec<Uuid>, Error> {
    let mut ids = Vec::new();
    for chunk in case_study_ids.chunks(crate::MAX_KEYS_PER_STATEMENT) {
        ids.extend(
            resource_flow::Entity::find()
                .select_only()
                .column(resource_flow::Column::Id)
                .filter(crate::load::id_among(
                    db.get_database_backend(),
                    resource_flow::Column::CaseStudyId,
                    chunk,
                ))
                .into_tuple::<Uuid>()
                .all(db)
                .await?,
        );
    }
    Ok(ids)
}

/// Ids of the flows after `after` (by id), at most `limit`, for a full rebuild in batches.
pub async fn ids_after(
    db: &impl SelectAll,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, Error> {
    let mut select: Select<resource_flow::Entity> = resource_flow::Entity::find()
        .select_only()
        .column(resource_flow::Column::Id)
        .order_by_asc(resource_flow::Column::Id)
        .limit(limit);
    if let Some(after) = after {
        select = select.filter(resource_flow::Column::Id.gt(after));
    }
    Ok(select.into_tuple::<Uuid>().all(db).await?)
}
