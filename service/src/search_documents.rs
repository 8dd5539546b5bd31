//! What the search index holds for each record (a [`symbios_search::Document`]: names,
//! localized texts and facet values), read from the database in batches; resource flows
//! join them through `flow_documents`.

use std::collections::{BTreeSet, HashMap};

use std::future::Future;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use symbios_entity::vocabulary::EntityType;
use symbios_search::{Document, Kind};
use uuid::Uuid;

use super::lang::Translation;
use super::record::{RecordType, Row, load_many};
use super::theme::Themes;
use super::{Error, flow_documents, localized_text};
use crate::direct_read::SelectAll;

/// A record type the search index holds.
pub trait Searchable: RecordType {
    /// What the index takes from a row besides its localized texts and themes.
    fn indexed(row: &Row<Self>) -> Indexed;

    /// The theme ids of each of the records `ids` (for the theme facet); none by default.
    fn theme_ids(
        db: &impl SelectAll,
        ids: &[Uuid],
    ) -> impl Future<Output = Result<HashMap<Uuid, Vec<Uuid>>, Error>> + Send {
        let _ = (db, ids);
        std::future::ready(Ok(HashMap::new()))
    }
}

/// What the index takes from a row besides its localized texts and themes.
#[derive(Debug, Clone, Default)]
pub struct Indexed {
    /// Names, titles, acronyms, places: searched in every language.
    pub names: Vec<String>,
    /// ISO country codes, for the country facet.
    pub countries: Vec<String>,
    /// The year for the year facet.
    pub year: Option<i32>,
}

impl Indexed {
    /// A record known by one name, in one country, without a year (actors, funders).
    pub fn named(name: &str, country: &str) -> Self {
        Self {
            names: vec![name.to_owned()],
            countries: vec![country.to_owned()],
            year: None,
        }
    }
}

macro_rules! searchable_dispatch {
    ($($variant:ident($entity:ident, $record:ident),)+) => {
        /// The record types that are searchable, and the resource flows.
        pub const SEARCHABLE: &[EntityType] = &[$(EntityType::$variant,)+ EntityType::ResourceFlow];

        /// The index's record type for a searchable entity type: its entity module's name.
        pub fn kind_of(entity_type: EntityType) -> Option<Kind> {
            match entity_type {
                $(EntityType::$variant => Some(Kind::named(stringify!($entity))),)+
                EntityType::ResourceFlow => Some(flow_documents::FLOW_KIND),
                _ => None,
            }
        }

        /// The index documents of the records `ids` of type `entity_type`; ids without a
        /// record (or of a type that is not searchable) are left out.
        pub async fn load(
            db: &impl SelectAll,
            entity_type: EntityType,
            ids: &[Uuid],
        ) -> Result<Vec<Document>, Error> {
            match entity_type {
                $(EntityType::$variant => {
                    documents::<crate::$entity::$record>(db, ids, Kind::named(stringify!($entity))).await
                })+
                EntityType::ResourceFlow => flow_documents::load(db, ids).await,
                _ => Ok(Vec::new()),
            }
        }

        /// Ids of the records of `entity_type` after `after` (by id), at most `limit`, for a
        /// full rebuild in batches.
        pub async fn ids_after(
            db: &impl SelectAll,
            entity_type: EntityType,
            after: Option<Uuid>,
            limit: u64,
        ) -> Result<Vec<Uuid>, Error> {
            match entity_type {
                $(EntityType::$variant => ids_of::<crate::$entity::$record>(db, after, limit).await,)+
                EntityType::ResourceFlow => flow_documents::ids_after(db, after, limit).await,
                _ => Ok(Vec::new()),
            }
        }
    };
}

crate::with_searchable_records!(searchable_dispatch);

/// The index documents of the records `ids` of type `R`.
async fn documents<R: Searchable>(
    db: &impl SelectAll,
    ids: &[Uuid],
    kind: Kind,
) -> Result<Vec<Document>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let texts = localized_text::by_records(db, ids).await?;
    let rows = load_many::<R>(db, ids).await?;
    let mut themes = theme_slugs(db, R::theme_ids(db, ids).await?).await?;
    Ok(rows
        .into_values()
        .map(|row| {
            let id = R::id(&row);
            let (texts, langs) = texts_and_langs(texts.get(&id));
            let Indexed {
                names,
                countries,
                year,
            } = R::indexed(&row);
            Document {
                id,
                kind: kind.clone(),
                names,
                texts,
                countries,
                themes: themes.remove(&id).unwrap_or_default(),
                langs,
                year,
                categories: Vec::new(),
            }
        })
        .collect())
}

/// Ids of the records of `R` after `after` (by id), at most `limit`.
async fn ids_of<R: RecordType>(
    db: &impl SelectAll,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, Error> {
    let mut select = R::Entity::find()
        .select_only()
        .column(R::ID)
        .order_by_asc(R::ID)
        .limit(limit);
    if let Some(after) = after {
        select = select.filter(R::ID.gt(after));
    }
    Ok(select.into_tuple::<Uuid>().all(db).await?)
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
    db: &impl SelectAll,
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
