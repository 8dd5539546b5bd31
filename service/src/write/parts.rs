//! Owned parts of records (localized texts, theme links), slugs, and the version bump of
//! parent records.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    Iterable, PaginatorTrait, QueryFilter, QuerySelect,
};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{actor, case_study, funder, localized_text, project, theme};
use uuid::Uuid;

use super::store::VersionedTable;
use super::{Logged, Reference, retry};
use crate::load::{MAX_KEYS_PER_STATEMENT, id_among};
use crate::text::fold;
use crate::validate::{Localized, TextKind, Violations};
use crate::{Error, limits};

/// The rows of a record's texts (`(field, texts by language, original language)`).
pub(crate) fn text_rows(
    entity_type: EntityType,
    id: Uuid,
    fields: &[(&str, Cow<'_, Localized>, &str)],
) -> Vec<localized_text::ActiveModel> {
    fields
        .iter()
        .flat_map(|(field, texts, original_lang)| {
            texts
                .iter()
                .map(move |(lang, text)| localized_text::ActiveModel {
                    entity_type: Set(entity_type),
                    entity_id: Set(id),
                    field: Set((*field).to_owned()),
                    lang: Set(lang.clone()),
                    text: Set(text.clone()),
                    is_original: Set(lang.as_str() == *original_lang),
                })
        })
        .collect()
}

/// Inserts text rows, a few hundred per statement.
pub(crate) async fn insert_text_rows(
    db: &DatabaseTransaction,
    rows: Vec<localized_text::ActiveModel>,
) -> Result<(), Error> {
    insert_rows::<localized_text::Entity>(db, rows).await
}

/// Deletes every text of a record.
pub(crate) async fn delete_texts(
    db: &DatabaseTransaction,
    entity_type: EntityType,
    id: Uuid,
) -> Result<(), Error> {
    localized_text::Entity::delete_many()
        .filter(localized_text::Column::EntityType.eq(entity_type))
        .filter(localized_text::Column::EntityId.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Theme slugs of a record: at most [`limits::MAX_THEMES`], none with a control character
/// (whether each names a theme is checked against the vocabulary, [`theme_ids`]).
pub(crate) fn validate_theme_slugs(field: &str, slugs: &[String], violations: &mut Violations) {
    if violations.list_length(field, slugs.len(), limits::MAX_THEMES) {
        for (index, slug) in slugs.iter().enumerate() {
            violations.controls(&format!("{field}[{index}]"), slug, TextKind::Line);
        }
    }
}

/// The ids of the themes with these slugs; unknown slugs are reported under `field`.
pub(crate) async fn theme_ids(
    db: &DatabaseTransaction,
    field: &str,
    slugs: &[String],
    violations: &mut Violations,
) -> Result<Vec<Uuid>, Error> {
    let found = themes_by_slug(db, slugs.iter()).await?;
    for slug in slugs {
        if !found.contains_key(slug) {
            violations.add(field, format!("there is no theme `{slug}`"));
        }
    }
    Ok(slugs
        .iter()
        .filter_map(|slug| found.get(slug).copied())
        .collect())
}

/// The id of each theme among `slugs` (slugs that name none are left out).
pub(crate) async fn themes_by_slug<'a>(
    db: &DatabaseTransaction,
    slugs: impl IntoIterator<Item = &'a String>,
) -> Result<HashMap<String, Uuid>, Error> {
    let slugs: Vec<String> = slugs
        .into_iter()
        .cloned()
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let mut found = HashMap::new();
    for chunk in slugs.chunks(MAX_KEYS_PER_STATEMENT) {
        let rows: Vec<(Uuid, String)> = theme::Entity::find()
            .select_only()
            .column(theme::Column::Id)
            .column(theme::Column::Slug)
            .filter(theme::Column::Slug.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|(id, slug)| (slug, id)));
    }
    Ok(found)
}

/// Which of `slugs` rows of `T` hold in `slug_column`.
pub(crate) async fn existing_slugs<T: VersionedTable>(
    db: &DatabaseTransaction,
    slug_column: T::Column,
    slugs: &[String],
) -> Result<HashSet<String>, Error> {
    let mut found = HashSet::new();
    for chunk in slugs.chunks(MAX_KEYS_PER_STATEMENT) {
        let rows: Vec<String> = T::find()
            .select_only()
            .column(slug_column)
            .filter(slug_column.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// At most this many bound values per insert: far under SQLite's bound (32,766) and
/// PostgreSQL's (65,535), and large enough that a statement carries hundreds of rows.
const MAX_VALUES_PER_STATEMENT: usize = 10_000;

/// Inserts `rows` of `E`, as many per statement as [`MAX_VALUES_PER_STATEMENT`] allows.
pub(crate) async fn insert_rows<E: EntityTrait>(
    db: &DatabaseTransaction,
    rows: Vec<E::ActiveModel>,
) -> Result<(), Error> {
    let columns = E::Column::iter().count();
    let per_statement = (MAX_VALUES_PER_STATEMENT / columns.max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<E::ActiveModel> = rows.by_ref().take(per_statement).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// The slugs of the themes linked through `E` (`project_theme`, `case_study_theme`).
pub(crate) async fn linked_theme_slugs<E, C>(
    db: &DatabaseTransaction,
    owner_column: C,
    theme_column: C,
    owner: Uuid,
) -> Result<Vec<String>, Error>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let ids: Vec<Uuid> = E::find()
        .select_only()
        .column(theme_column)
        .filter(owner_column.eq(owner))
        .into_tuple()
        .all(db)
        .await?;
    let mut slugs: Vec<String> = theme::Entity::find()
        .select_only()
        .column(theme::Column::Slug)
        .filter(theme::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    normalize_slugs(&mut slugs);
    Ok(slugs)
}

/// Replaces the rows of link table `E` owned by `owner` with `rows`.
pub(crate) async fn replace_links<E, C>(
    db: &DatabaseTransaction,
    owner_column: C,
    owner: Uuid,
    rows: Vec<E::ActiveModel>,
) -> Result<(), Error>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    E::delete_many()
        .filter(owner_column.eq(owner))
        .exec(db)
        .await?;
    insert_rows::<E>(db, rows).await
}

/// Class of the advisory locks on slugs made from names; "symd" in ASCII.
const SLUG_LOCK_CLASS: i32 = 0x7379_6d64;

/// Fills in a missing slug from `name` (free, with `-2`, `-3` … when taken).
///
/// Creates that make a slug from the same name run one after the other from here to their
/// commit (on PostgreSQL; SQLite runs one writer at a time), so that each finds the slugs
/// of those before it taken, rather than two taking the same one.
pub(crate) async fn complete_slug<T: VersionedTable>(
    db: &DatabaseTransaction,
    slug_column: T::Column,
    slug: &mut Option<String>,
    name: &str,
    id: Uuid,
) -> Result<(), Error> {
    if slug.is_none() {
        let table = T::default().table_name().to_owned();
        let base = slug_from(name);
        let key = retry::lock_key(&[table.as_bytes(), base.as_bytes()]);
        retry::advisory_lock(db, SLUG_LOCK_CLASS, key).await?;
        *slug = Some(free_slug::<T>(db, slug_column, name, id).await?);
    }
    Ok(())
}

/// Overwrites `target` when a patch has a value for it.
pub(crate) fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

/// Theme slugs, sorted and without repeats, so that equal sets compare equal.
pub(crate) fn normalize_slugs(slugs: &mut Vec<String>) {
    let set: BTreeSet<String> = slugs.drain(..).collect();
    slugs.extend(set);
}

/// A NUTS code in upper case, as the list writes it.
pub(crate) fn normalize_nuts(code: &mut Option<String>) {
    if let Some(code) = code {
        code.make_ascii_uppercase();
    }
}

/// A slug from a name: folded, non-alphanumerics as `-`, at most 100 characters.
pub(crate) fn slug_from(name: &str) -> String {
    let mut slug = String::new();
    for character in fold(name).chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 100 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "record".to_owned()
    } else {
        slug
    }
}

/// Whether `T` has a row with `slug` other than `id`.
pub(crate) async fn slug_taken<T: VersionedTable>(
    db: &DatabaseTransaction,
    slug_column: T::Column,
    slug: &str,
    id: Uuid,
) -> Result<bool, Error> {
    Ok(T::find()
        .filter(slug_column.eq(slug))
        .filter(T::ID.ne(id))
        .count(db)
        .await?
        > 0)
}

/// A free slug for a new record named `name`: the slug of the name, with `-2`, `-3` … when taken.
pub(crate) async fn free_slug<T: VersionedTable>(
    db: &DatabaseTransaction,
    slug_column: T::Column,
    name: &str,
    id: Uuid,
) -> Result<String, Error> {
    let base = slug_from(name);
    let mut candidate = base.clone();
    for suffix in 2..1000 {
        if !slug_taken::<T>(db, slug_column, &candidate, id).await? {
            return Ok(candidate);
        }
        candidate = format!("{base}-{suffix}");
    }
    // A thousand records of one name: fall back to the id, which is unique.
    Ok(format!("{base}-{}", id.simple()))
}

/// Which of `ids` are rows of `T` (in statements of at most [`MAX_KEYS_PER_STATEMENT`]).
pub(crate) async fn existing_ids<T: VersionedTable>(
    db: &DatabaseTransaction,
    ids: &[Uuid],
) -> Result<HashSet<Uuid>, Error> {
    let backend = db.get_database_backend();
    let mut found = HashSet::new();
    for chunk in ids.chunks(MAX_KEYS_PER_STATEMENT) {
        let rows: Vec<Uuid> = T::find()
            .select_only()
            .column(T::ID)
            .filter(id_among(backend, T::ID, chunk))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// What a record of `entity_type` is called in refusals.
fn noun(entity_type: EntityType) -> &'static str {
    match entity_type {
        EntityType::CaseStudy => "case study",
        EntityType::Project => "project",
        EntityType::Actor => "actor",
        EntityType::Funder => "funder",
        _ => "record",
    }
}

/// Which of the records `references` name exist, by type and id: one statement per type for
/// every few hundred ids (only case studies, projects, actors and funders are named).
pub(crate) async fn existing_references<'a>(
    db: &DatabaseTransaction,
    references: impl IntoIterator<Item = &'a Reference>,
) -> Result<HashSet<(EntityType, Uuid)>, Error> {
    let mut named: HashMap<EntityType, HashSet<Uuid>> = HashMap::new();
    for reference in references {
        named
            .entry(reference.entity_type)
            .or_default()
            .insert(reference.id);
    }
    let mut found = HashSet::new();
    for (entity_type, ids) in named {
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let existing = match entity_type {
            EntityType::CaseStudy => existing_ids::<case_study::Entity>(db, &ids).await?,
            EntityType::Project => existing_ids::<project::Entity>(db, &ids).await?,
            EntityType::Actor => existing_ids::<actor::Entity>(db, &ids).await?,
            EntityType::Funder => existing_ids::<funder::Entity>(db, &ids).await?,
            _ => HashSet::new(),
        };
        found.extend(existing.into_iter().map(|id| (entity_type, id)));
    }
    Ok(found)
}

/// Reports the field of each reference whose record does not exist.
pub(crate) async fn references_exist(
    db: &DatabaseTransaction,
    references: &[Reference],
    violations: &mut Violations,
) -> Result<(), Error> {
    if references.is_empty() {
        return Ok(());
    }
    let found = existing_references(db, references).await?;
    for reference in references {
        if !found.contains(&(reference.entity_type, reference.id)) {
            let noun = noun(reference.entity_type);
            violations.add(
                reference.field,
                format!("there is no {noun} {}", reference.id),
            );
        }
    }
    Ok(())
}

/// Reports the last of `inputs` when another row of `T` has the values `same` (a unique key
/// of the table: the database would refuse the row).
pub(crate) async fn must_be_unique<T: VersionedTable>(
    (db, id, violations): (&DatabaseTransaction, Uuid, &mut Violations),
    name: &str,
    same: impl IntoIterator<Item = SimpleExpr>,
    inputs: &[&str],
) -> Result<(), Error> {
    let other: Option<Uuid> = T::find()
        .select_only()
        .column(T::ID)
        .filter(same.into_iter().fold(Condition::all(), Condition::add))
        .filter(T::ID.ne(id))
        .into_tuple()
        .one(db)
        .await?;
    if let (Some(other), Some(field)) = (other, inputs.last()) {
        violations.add(
            *field,
            format!(
                "the {name} {other} has the same {} already",
                inputs.join(", ")
            ),
        );
    }
    Ok(())
}

/// Bumps the version of each parent record (once, however often it is named) and returns the
/// changes to log, by type in the order the types are first named and each type's parents in
/// the order they are named: a few statements per type, for one write's parents as for a
/// batch's. A parent that no longer exists is skipped, and so is
/// one written at `at`, by this same write (then its change is logged already, and feed
/// readers load it as it is after the transaction: an import that creates a project and then
/// its participations leaves the project at version 1).
pub(crate) async fn bump_parents(
    db: &DatabaseTransaction,
    parents: &[(EntityType, Uuid)],
    at: DateTime<Utc>,
) -> Result<Vec<Logged>, Error> {
    let mut by_type: Vec<(EntityType, Vec<Uuid>)> = Vec::new();
    let mut named = HashSet::new();
    for (entity_type, id) in parents {
        if !named.insert((*entity_type, *id)) {
            continue;
        }
        match by_type.iter_mut().find(|(known, _)| known == entity_type) {
            Some((_, ids)) => ids.push(*id),
            None => by_type.push((*entity_type, vec![*id])),
        }
    }
    let mut changes = Vec::new();
    for (entity_type, ids) in by_type {
        let versions = match entity_type {
            EntityType::CaseStudy => bump::<case_study::Entity>(db, &ids, at).await?,
            EntityType::Project => bump::<project::Entity>(db, &ids, at).await?,
            EntityType::Actor => bump::<actor::Entity>(db, &ids, at).await?,
            EntityType::Funder => bump::<funder::Entity>(db, &ids, at).await?,
            _ => HashMap::new(),
        };
        changes.extend(ids.iter().filter_map(|id| {
            versions.get(id).map(|version| Logged {
                entity_type,
                id: *id,
                old_version: Some(version - 1),
                new_version: Some(*version),
            })
        }));
    }
    Ok(changes)
}

/// Adds 1 to the version of the rows `ids` of `T` not written at `at`; their new versions.
async fn bump<T: VersionedTable>(
    db: &DatabaseTransaction,
    ids: &[Uuid],
    at: DateTime<Utc>,
) -> Result<HashMap<Uuid, i32>, Error> {
    let backend = db.get_database_backend();
    let mut bumped = HashMap::new();
    for chunk in ids.chunks(MAX_KEYS_PER_STATEMENT) {
        let due: Vec<Uuid> = T::find()
            .select_only()
            .column(T::ID)
            .filter(id_among(backend, T::ID, chunk))
            .filter(T::UPDATED_AT.ne(at))
            .into_tuple()
            .all(db)
            .await?;
        if due.is_empty() {
            continue;
        }
        T::update_many()
            .col_expr(T::VERSION, Expr::col(T::VERSION).add(1))
            .col_expr(T::UPDATED_AT, Expr::value(at))
            .filter(id_among(backend, T::ID, &due))
            .filter(T::UPDATED_AT.ne(at))
            .exec(db)
            .await?;
        let versions: Vec<(Uuid, i32)> = T::find()
            .select_only()
            .column(T::ID)
            .column(T::VERSION)
            .filter(id_among(backend, T::ID, &due))
            .into_tuple()
            .all(db)
            .await?;
        bumped.extend(versions);
    }
    Ok(bumped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_names() {
        for (name, slug) in [
            ("Novo Nordisk A/S", "novo-nordisk-a-s"),
            ("Ørsted", "orsted"),
            ("  Sotenäs  kommun ", "sotenas-kommun"),
            ("!!!", "record"),
        ] {
            assert_eq!(slug_from(name), slug, "{name:?}");
        }
    }
}
