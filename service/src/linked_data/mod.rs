//! Each record as JSON-LD in schema.org terms (`GET /records/{id}.jsonld`): actors and funders
//! as organisations, projects as `Project`, case studies as `CreativeWork`, themes as
//! `DefinedTerm`. Every node has an IRI under the caller's base URL (the record's own
//! `{base}/records/{id}`, its parts `…#place`), so the graph has no blank nodes and the same
//! record always gives the same triples.

mod nodes;
mod vocabulary;

use serde_json::{Map, Value, json};
use symbios_entity::{actor, case_study, funder, project, theme};
use uuid::Uuid;

use self::nodes::{Iris, reference, texts, theme_reference};
use crate::actor::Actors;
use crate::direct_read::SelectAll;
use crate::localized_text::{self, FieldTexts, field};
use crate::node::{self, NodeRecord};
use crate::record::load_many;
use crate::relation::{ForeignKey, rows_of, rows_with_targets};
use crate::theme::Themes;
use crate::{Error, case_study_actor, external_identifier, funding, participation, source};

/// The JSON-LD document of the record `id`, with IRIs under `base` (scheme and authority,
/// no trailing slash); `None` when no record has this id.
pub async fn document(db: &impl SelectAll, id: Uuid, base: &str) -> Result<Option<Value>, Error> {
    let Some(record) = node::find(db, id).await? else {
        return Ok(None);
    };
    let iris = Iris::new(base);
    let own_texts = localized_text::by_records(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let mut body = match record {
        NodeRecord::CaseStudy(row) => case_study(db, &iris, row, &own_texts).await?,
        NodeRecord::Project(row) => project(db, &iris, row, &own_texts).await?,
        NodeRecord::Actor(row) => actor(db, &iris, row, &own_texts).await?,
        NodeRecord::Funder(row) => funder(db, &iris, row, &own_texts).await?,
        NodeRecord::Theme(row) => theme(&iris, &row, &own_texts),
    };
    let mut document = Map::new();
    document.insert("@context".to_owned(), vocabulary::context());
    document.append(&mut body);
    Ok(Some(Value::Object(document)))
}

/// Inserts `key: value` unless the value is empty (null or an empty list).
fn put(object: &mut Map<String, Value>, key: &str, value: Value) {
    let empty = match &value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    };
    if !empty {
        object.insert(key.to_owned(), value);
    }
}

/// The texts of `field` as language-tagged values.
fn field_texts(own: &FieldTexts, field: &str) -> Value {
    texts(own.get(field).map(Vec::as_slice).unwrap_or_default())
}

/// The actors `T` names in the rows of `K`'s relation of record `id`, each once (an actor
/// with two roles counts once), by folded name, then id.
async fn actors_of<K, T>(db: &impl SelectAll, id: Uuid) -> Result<Vec<actor::Model>, Error>
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation, Target = Actors>,
{
    let mut actors: Vec<actor::Model> = rows_with_targets::<K, T>(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, actor)| actor)
        .collect();
    actors.sort_by(|a, b| a.name_folded.cmp(&b.name_folded).then(a.id.cmp(&b.id)));
    actors.dedup_by_key(|actor| actor.id);
    Ok(actors)
}

async fn case_study(
    db: &impl SelectAll,
    iris: &Iris,
    row: case_study::Model,
    own: &FieldTexts,
) -> Result<Map<String, Value>, Error> {
    let id = row.id;
    let contributors =
        actors_of::<case_study_actor::CaseStudyId, case_study_actor::ActorId>(db, id).await?;
    let mut sources = rows_of::<source::CaseStudyId>(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    sources.sort_by(|a, b| a.url.cmp(&b.url));
    let theme_ids = crate::case_study::theme_ids(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let themes = themes_of(db, iris, &theme_ids).await?;

    let mut object = Map::new();
    object.insert("@id".to_owned(), json!(iris.record(id)));
    object.insert("@type".to_owned(), json!("CreativeWork"));
    object.insert(
        "name".to_owned(),
        nodes::text(&row.title, &row.original_lang),
    );
    put(&mut object, "abstract", field_texts(own, field::SUMMARY));
    put(&mut object, "text", field_texts(own, field::BODY));
    put(&mut object, "about", Value::Array(themes));
    object.insert("spatialCoverage".to_owned(), place(iris, &row));
    if let Some(year) = row.established_year {
        // Since the year it began, open-ended (ISO 8601 interval).
        object.insert("temporalCoverage".to_owned(), json!(format!("{year}/..")));
    }
    put(
        &mut object,
        "contributor",
        contributors
            .iter()
            .map(|actor| actor_reference(iris, actor))
            .collect(),
    );
    put(
        &mut object,
        "citation",
        sources
            .iter()
            .map(|source| {
                json!({
                    "@id": source.url,
                    "@type": "CreativeWork",
                    "name": source.title,
                    "url": source.url,
                })
            })
            .collect(),
    );
    Ok(object)
}

/// Where a case study is: its place, with its municipality, region and country, and its
/// coordinates when known.
fn place(iris: &Iris, row: &case_study::Model) -> Value {
    let mut address = Map::new();
    address.insert("@id".to_owned(), json!(iris.part(row.id, "address")));
    address.insert("@type".to_owned(), json!("PostalAddress"));
    address.insert("addressLocality".to_owned(), json!(row.place));
    put(&mut address, "addressRegion", json!(row.region));
    address.insert("addressCountry".to_owned(), json!(row.country));
    let mut place = Map::new();
    place.insert("@id".to_owned(), json!(iris.part(row.id, "place")));
    place.insert("@type".to_owned(), json!("Place"));
    place.insert("name".to_owned(), json!(row.place));
    place.insert("address".to_owned(), Value::Object(address));
    if let (Some(latitude), Some(longitude)) = (row.latitude, row.longitude) {
        place.insert(
            "geo".to_owned(),
            json!({
                "@id": iris.part(row.id, "geo"),
                "@type": "GeoCoordinates",
                "latitude": latitude,
                "longitude": longitude,
            }),
        );
    }
    Value::Object(place)
}

async fn project(
    db: &impl SelectAll,
    iris: &Iris,
    row: project::Model,
    own: &FieldTexts,
) -> Result<Map<String, Value>, Error> {
    let id = row.id;
    let members = actors_of::<participation::ProjectId, participation::ActorId>(db, id).await?;
    let mut funders: Vec<funder::Model> =
        rows_with_targets::<funding::ProjectId, funding::FunderId>(db, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, funder)| funder)
            .collect();
    funders.sort_by(|a, b| a.name_folded.cmp(&b.name_folded).then(a.id.cmp(&b.id)));
    funders.dedup_by_key(|funder| funder.id);
    let theme_ids = crate::project::theme_ids(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let themes = themes_of(db, iris, &theme_ids).await?;

    let mut object = Map::new();
    object.insert("@id".to_owned(), json!(iris.record(id)));
    object.insert("@type".to_owned(), json!("Project"));
    object.insert(
        "name".to_owned(),
        nodes::text(&row.name, &row.original_lang),
    );
    put(&mut object, "alternateName", json!(row.acronym));
    let mut descriptions = field_texts(own, field::SUMMARY);
    if let (Value::Array(all), Value::Array(more)) =
        (&mut descriptions, field_texts(own, field::DESCRIPTION))
    {
        all.extend(more);
    }
    put(&mut object, "description", descriptions);
    put(&mut object, "url", json!(row.website));
    put(
        &mut object,
        "startDate",
        json!(row.start_date.map(|date| date.to_string())),
    );
    put(
        &mut object,
        "endDate",
        json!(row.end_date.map(|date| date.to_string())),
    );
    put(&mut object, "keywords", Value::Array(themes));
    put(
        &mut object,
        "funder",
        funders
            .iter()
            .map(|funder| {
                reference(
                    iris,
                    funder.id,
                    vocabulary::funder_type(funder.kind),
                    &funder.name,
                    &funder.original_lang,
                )
            })
            .collect(),
    );
    put(
        &mut object,
        "member",
        members
            .iter()
            .map(|actor| actor_reference(iris, actor))
            .collect(),
    );
    Ok(object)
}

async fn actor(
    db: &impl SelectAll,
    iris: &Iris,
    row: actor::Model,
    own: &FieldTexts,
) -> Result<Map<String, Value>, Error> {
    let identifiers = identifiers_of(db, row.id).await?;
    let mut object = organisation(
        iris,
        row.id,
        vocabulary::actor_type(row.kind),
        (&row.name, &row.original_lang),
        &row.country,
        row.website.as_deref(),
    );
    put(
        &mut object,
        "description",
        field_texts(own, field::DESCRIPTION),
    );
    put(
        &mut object,
        "identifier",
        identifiers
            .iter()
            .map(|(scheme, value)| json!(vocabulary::identifier(scheme, value)))
            .collect(),
    );
    put(
        &mut object,
        "sameAs",
        identifiers
            .iter()
            .filter_map(|(scheme, value)| vocabulary::same_as(scheme, value))
            .map(Value::String)
            .collect(),
    );
    Ok(object)
}

async fn funder(
    db: &impl SelectAll,
    iris: &Iris,
    row: funder::Model,
    own: &FieldTexts,
) -> Result<Map<String, Value>, Error> {
    let mut object = organisation(
        iris,
        row.id,
        vocabulary::funder_type(row.kind),
        (&row.name, &row.original_lang),
        &row.country,
        row.website.as_deref(),
    );
    put(
        &mut object,
        "description",
        field_texts(own, field::DESCRIPTION),
    );
    // A funder that is also an actor is the same organisation: its record and registry
    // identifiers stand for the funder too.
    if let Some(actor_id) = row.actor_id {
        let identifiers = identifiers_of(db, actor_id).await?;
        put(
            &mut object,
            "identifier",
            identifiers
                .iter()
                .map(|(scheme, value)| json!(vocabulary::identifier(scheme, value)))
                .collect(),
        );
        let mut same: Vec<Value> = vec![json!(iris.record(actor_id))];
        same.extend(
            identifiers
                .iter()
                .filter_map(|(scheme, value)| vocabulary::same_as(scheme, value))
                .map(Value::String),
        );
        object.insert("sameAs".to_owned(), Value::Array(same));
    }
    Ok(object)
}

fn theme(iris: &Iris, row: &theme::Model, own: &FieldTexts) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("@id".to_owned(), json!(iris.record(row.id)));
    object.insert("@type".to_owned(), json!("DefinedTerm"));
    object.insert("termCode".to_owned(), json!(row.slug));
    put(&mut object, "name", field_texts(own, field::LABEL));
    put(
        &mut object,
        "description",
        field_texts(own, field::DESCRIPTION),
    );
    object
}

/// What actors and funders share: IRI, type, name, country and website.
fn organisation(
    iris: &Iris,
    id: Uuid,
    kind: &str,
    (name, lang): (&str, &str),
    country: &str,
    website: Option<&str>,
) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("@id".to_owned(), json!(iris.record(id)));
    object.insert("@type".to_owned(), json!(kind));
    object.insert("name".to_owned(), nodes::text(name, lang));
    object.insert(
        "address".to_owned(),
        json!({
            "@id": iris.part(id, "address"),
            "@type": "PostalAddress",
            "addressCountry": country,
        }),
    );
    put(&mut object, "url", json!(website));
    object
}

fn actor_reference(iris: &Iris, actor: &actor::Model) -> Value {
    reference(
        iris,
        actor.id,
        vocabulary::actor_type(actor.kind),
        &actor.name,
        &actor.original_lang,
    )
}

/// An actor's identifiers, `(scheme, value)` in scheme order.
async fn identifiers_of(
    db: &impl SelectAll,
    actor_id: Uuid,
) -> Result<Vec<(String, String)>, Error> {
    let mut identifiers: Vec<(String, String)> =
        rows_of::<external_identifier::ActorId>(db, &[actor_id])
            .await?
            .remove(&actor_id)
            .unwrap_or_default()
            .into_iter()
            .map(|row| (row.scheme, row.value))
            .collect();
    identifiers.sort();
    Ok(identifiers)
}

/// The themes `ids` as references, in slug order.
async fn themes_of(db: &impl SelectAll, iris: &Iris, ids: &[Uuid]) -> Result<Vec<Value>, Error> {
    let mut themes: Vec<theme::Model> = load_many::<Themes>(db, ids).await?.into_values().collect();
    themes.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(themes
        .iter()
        .map(|theme| theme_reference(iris, theme))
        .collect())
}
