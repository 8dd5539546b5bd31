//! What the search index holds for each record: names, localized texts and facet values,
//! read from the database in batches.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{actor, case_study, funder, project};
use uuid::Uuid;

use super::lang::Translation;
use super::{Error, case_study as case_studies, localized_text, project as projects, theme};

/// The record types that are searchable.
pub const SEARCHABLE: [EntityType; 4] = [
    EntityType::CaseStudy,
    EntityType::Project,
    EntityType::Actor,
    EntityType::Funder,
];

/// A searchable record, flattened for the index.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSource {
    /// The record type.
    pub entity_type: EntityType,
    /// The record id.
    pub id: Uuid,
    /// Names and titles.
    pub names: Vec<String>,
    /// (language, text) of every localized text.
    pub texts: Vec<(String, String)>,
    /// Countries.
    pub countries: Vec<String>,
    /// Theme slugs.
    pub themes: Vec<String>,
    /// Languages of the texts.
    pub langs: Vec<String>,
    /// Year the record refers to.
    pub year: Option<i32>,
}

fn texts_and_langs(
    texts: Option<&localized_text::FieldTexts>,
) -> (Vec<(String, String)>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut langs = BTreeSet::new();
    for translations in texts.into_iter().flat_map(|fields| fields.values()) {
        for Translation { lang, text, .. } in translations {
            pairs.push((lang.clone(), text.clone()));
            langs.insert(lang.clone());
        }
    }
    (pairs, langs.into_iter().collect())
}

async fn theme_slugs(
    db: &impl ConnectionTrait,
    theme_ids: &HashMap<Uuid, Vec<Uuid>>,
) -> Result<HashMap<Uuid, String>, Error> {
    let ids: Vec<Uuid> = theme_ids
        .values()
        .flatten()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(theme::load_many(db, &ids)
        .await?
        .into_iter()
        .map(|(id, theme)| (id, theme.slug))
        .collect())
}

/// The search sources of the records `ids` of type `entity_type`; ids without a record (or
/// of a type that is not searchable) are left out.
pub async fn load(
    db: &impl ConnectionTrait,
    entity_type: EntityType,
    ids: &[Uuid],
) -> Result<Vec<SearchSource>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let texts = localized_text::by_records(db, ids).await?;
    let mut sources = Vec::new();
    match entity_type {
        EntityType::CaseStudy => {
            let records = case_studies::load_many(db, ids).await?;
            let theme_ids = case_studies::theme_ids(db, ids).await?;
            let slugs = theme_slugs(db, &theme_ids).await?;
            for record in records.into_values() {
                let (pairs, langs) = texts_and_langs(texts.get(&record.id));
                let names = [
                    Some(record.title.clone()),
                    Some(record.place.clone()),
                    record.municipality.clone(),
                ]
                .into_iter()
                .flatten()
                .collect();
                sources.push(SearchSource {
                    entity_type,
                    id: record.id,
                    names,
                    texts: pairs,
                    countries: vec![record.country.clone()],
                    themes: theme_ids
                        .get(&record.id)
                        .into_iter()
                        .flatten()
                        .filter_map(|id| slugs.get(id).cloned())
                        .collect(),
                    langs,
                    year: record.established_year,
                });
            }
        }
        EntityType::Project => {
            let records = projects::load_many(db, ids).await?;
            let theme_ids = projects::theme_ids(db, ids).await?;
            let slugs = theme_slugs(db, &theme_ids).await?;
            for record in records.into_values() {
                let (pairs, langs) = texts_and_langs(texts.get(&record.id));
                sources.push(SearchSource {
                    entity_type,
                    id: record.id,
                    names: [Some(record.name.clone()), record.acronym.clone()]
                        .into_iter()
                        .flatten()
                        .collect(),
                    texts: pairs,
                    countries: Vec::new(),
                    themes: theme_ids
                        .get(&record.id)
                        .into_iter()
                        .flatten()
                        .filter_map(|id| slugs.get(id).cloned())
                        .collect(),
                    langs,
                    year: record.start_date.map(|date| chrono::Datelike::year(&date)),
                });
            }
        }
        EntityType::Actor => {
            for record in super::actor::load_many(db, ids).await?.into_values() {
                let (pairs, langs) = texts_and_langs(texts.get(&record.id));
                sources.push(SearchSource {
                    entity_type,
                    id: record.id,
                    names: vec![record.name.clone()],
                    texts: pairs,
                    countries: vec![record.country.clone()],
                    themes: Vec::new(),
                    langs,
                    year: None,
                });
            }
        }
        EntityType::Funder => {
            for record in super::funder::load_many(db, ids).await?.into_values() {
                let (pairs, langs) = texts_and_langs(texts.get(&record.id));
                sources.push(SearchSource {
                    entity_type,
                    id: record.id,
                    names: vec![record.name.clone()],
                    texts: pairs,
                    countries: vec![record.country.clone()],
                    themes: Vec::new(),
                    langs,
                    year: None,
                });
            }
        }
        _ => {}
    }
    Ok(sources)
}

/// Ids of the records of `entity_type` after `after` (by id), at most `limit`, for a full
/// rebuild in batches.
pub async fn ids_after(
    db: &impl ConnectionTrait,
    entity_type: EntityType,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, Error> {
    macro_rules! page_of {
        ($module:ident) => {{
            use sea_orm::{ColumnTrait, QueryFilter};
            let mut select = $module::Entity::find()
                .select_only()
                .column($module::Column::Id)
                .order_by_asc($module::Column::Id)
                .limit(limit);
            if let Some(after) = after {
                select = select.filter($module::Column::Id.gt(after));
            }
            select.into_tuple::<Uuid>().all(db).await?
        }};
    }
    Ok(match entity_type {
        EntityType::CaseStudy => page_of!(case_study),
        EntityType::Project => page_of!(project),
        EntityType::Actor => page_of!(actor),
        EntityType::Funder => page_of!(funder),
        _ => Vec::new(),
    })
}
