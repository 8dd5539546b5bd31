//! What the search index holds for each record (a [`symbios_search::Document`]: names,
//! localized texts and facet values), read from the database in batches.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{actor, case_study, funder, project};
use symbios_search::{Document, Kind};
use uuid::Uuid;

use super::lang::Translation;
use super::record::load_many;
use super::theme::Themes;
use super::{Error, case_study as case_studies, localized_text, project as projects};

/// The record types that are searchable.
pub const SEARCHABLE: [EntityType; 4] = [
    EntityType::CaseStudy,
    EntityType::Project,
    EntityType::Actor,
    EntityType::Funder,
];

/// The index's record type for a searchable entity type.
pub fn kind_of(entity_type: EntityType) -> Option<Kind> {
    match entity_type {
        EntityType::CaseStudy => Some(Kind::CaseStudy),
        EntityType::Project => Some(Kind::Project),
        EntityType::Actor => Some(Kind::Actor),
        EntityType::Funder => Some(Kind::Funder),
        _ => None,
    }
}

/// The document of a record that has a name, a country and a description (actors, funders).
fn described(
    kind: Kind,
    id: Uuid,
    name: &str,
    country: &str,
    texts: Option<&localized_text::FieldTexts>,
) -> Document {
    let (pairs, langs) = texts_and_langs(texts);
    Document {
        id,
        kind,
        names: vec![name.to_owned()],
        texts: pairs,
        countries: vec![country.to_owned()],
        themes: Vec::new(),
        langs,
        year: None,
    }
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

/// The theme slugs of each record, from the theme ids of each record.
async fn theme_slugs(
    db: &impl ConnectionTrait,
    theme_ids: HashMap<Uuid, Vec<Uuid>>,
) -> Result<HashMap<Uuid, Vec<String>>, Error> {
    let ids: Vec<Uuid> = theme_ids
        .values()
        .flatten()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let slugs: HashMap<Uuid, String> = load_many::<Themes>(db, &ids)
        .await?
        .into_iter()
        .map(|(id, theme)| (id, theme.slug))
        .collect();
    Ok(theme_ids
        .into_iter()
        .map(|(record, ids)| {
            (
                record,
                ids.iter().filter_map(|id| slugs.get(id).cloned()).collect(),
            )
        })
        .collect())
}

/// The index documents of the records `ids` of type `entity_type`; ids without a record (or
/// of a type that is not searchable) are left out.
pub async fn load(
    db: &impl ConnectionTrait,
    entity_type: EntityType,
    ids: &[Uuid],
) -> Result<Vec<Document>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let texts = localized_text::by_records(db, ids).await?;
    let mut sources = Vec::new();
    match entity_type {
        EntityType::CaseStudy => {
            let records = load_many::<case_studies::CaseStudies>(db, ids).await?;
            let mut themes = theme_slugs(db, case_studies::theme_ids(db, ids).await?).await?;
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
                sources.push(Document {
                    id: record.id,
                    kind: Kind::CaseStudy,
                    names,
                    texts: pairs,
                    countries: vec![record.country.clone()],
                    themes: themes.remove(&record.id).unwrap_or_default(),
                    langs,
                    year: record.established_year,
                });
            }
        }
        EntityType::Project => {
            let records = load_many::<projects::Projects>(db, ids).await?;
            let mut themes = theme_slugs(db, projects::theme_ids(db, ids).await?).await?;
            for record in records.into_values() {
                let (pairs, langs) = texts_and_langs(texts.get(&record.id));
                sources.push(Document {
                    id: record.id,
                    kind: Kind::Project,
                    names: [Some(record.name.clone()), record.acronym.clone()]
                        .into_iter()
                        .flatten()
                        .collect(),
                    texts: pairs,
                    countries: Vec::new(),
                    themes: themes.remove(&record.id).unwrap_or_default(),
                    langs,
                    year: record.start_date.map(|date| chrono::Datelike::year(&date)),
                });
            }
        }
        EntityType::Actor => {
            for record in load_many::<super::actor::Actors>(db, ids)
                .await?
                .into_values()
            {
                let texts = texts.get(&record.id);
                sources.push(described(
                    Kind::Actor,
                    record.id,
                    &record.name,
                    &record.country,
                    texts,
                ));
            }
        }
        EntityType::Funder => {
            for record in load_many::<super::funder::Funders>(db, ids)
                .await?
                .into_values()
            {
                let texts = texts.get(&record.id);
                sources.push(described(
                    Kind::Funder,
                    record.id,
                    &record.name,
                    &record.country,
                    texts,
                ));
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
