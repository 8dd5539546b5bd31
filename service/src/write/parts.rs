//! Owned parts of records (localized texts, theme links) and the version bump of parent records.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use symbios_entity::vocabulary::EntityType;
use symbios_entity::{actor, case_study, funder, localized_text, project, theme};
use uuid::Uuid;

use super::{Logged, retry};
use crate::text::fold;
use crate::validate::{Localized, TextKind, Violations};
use crate::{Error, limits};

/// The texts of one field of one record, by language.
pub(super) async fn load_texts(
    db: &DatabaseTransaction,
    entity_type: EntityType,
    id: Uuid,
    field: &str,
) -> Result<Localized, Error> {
    let rows = localized_text::Entity::find()
        .filter(localized_text::Column::EntityType.eq(entity_type))
        .filter(localized_text::Column::EntityId.eq(id))
        .filter(localized_text::Column::Field.eq(field))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.lang, row.text)).collect())
}

/// Replaces the texts of one field of one record.
pub(super) async fn replace_texts(
    db: &DatabaseTransaction,
    entity_type: EntityType,
    id: Uuid,
    field: &str,
    texts: &Localized,
    original_lang: &str,
) -> Result<(), Error> {
    localized_text::Entity::delete_many()
        .filter(localized_text::Column::EntityType.eq(entity_type))
        .filter(localized_text::Column::EntityId.eq(id))
        .filter(localized_text::Column::Field.eq(field))
        .exec(db)
        .await?;
    insert_texts(db, entity_type, id, field, texts, original_lang).await
}

/// Inserts the texts of one field of a new record.
pub(super) async fn insert_texts(
    db: &DatabaseTransaction,
    entity_type: EntityType,
    id: Uuid,
    field: &str,
    texts: &Localized,
    original_lang: &str,
) -> Result<(), Error> {
    if texts.is_empty() {
        return Ok(());
    }
    let rows = texts
        .iter()
        .map(|(lang, text)| localized_text::ActiveModel {
            entity_type: Set(entity_type),
            entity_id: Set(id),
            field: Set(field.to_owned()),
            lang: Set(lang.clone()),
            text: Set(text.clone()),
            is_original: Set(lang == original_lang),
        });
    localized_text::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Deletes every text of a record.
pub(super) async fn delete_texts(
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
pub(super) fn validate_theme_slugs(field: &str, slugs: &[String], violations: &mut Violations) {
    if violations.list_length(field, slugs.len(), limits::MAX_THEMES) {
        for (index, slug) in slugs.iter().enumerate() {
            violations.controls(&format!("{field}[{index}]"), slug, TextKind::Line);
        }
    }
}

/// The ids of the themes with these slugs; unknown slugs are reported under `field`.
pub(super) async fn theme_ids(
    db: &DatabaseTransaction,
    field: &str,
    slugs: &[String],
    violations: &mut Violations,
) -> Result<Vec<Uuid>, Error> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(Uuid, String)> = theme::Entity::find()
        .select_only()
        .column(theme::Column::Id)
        .column(theme::Column::Slug)
        .filter(theme::Column::Slug.is_in(slugs.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    for slug in slugs {
        if !found.iter().any(|(_, known)| known == slug) {
            violations.add(field, format!("there is no theme `{slug}`"));
        }
    }
    Ok(found.into_iter().map(|(id, _)| id).collect())
}

/// The slugs of the themes linked through `E` (`project_theme`, `case_study_theme`).
pub(super) async fn linked_theme_slugs<E, C>(
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
pub(super) async fn replace_links<E, C>(
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
    if !rows.is_empty() {
        E::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Overwrites the row of `E` with `row` when it is still at version `expected`; `false` when
/// it is not (a concurrent writer won).
pub(super) async fn guarded_update<E, C>(
    db: &DatabaseTransaction,
    row: E::ActiveModel,
    (id_column, version_column): (C, C),
    id: Uuid,
    expected: i32,
) -> Result<bool, Error>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let updated = E::update_many()
        .set(row)
        .filter(id_column.eq(id))
        .filter(version_column.eq(expected))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Deletes the row of `E` (and its texts) when it is still at version `expected`; `false`
/// when it is not.
pub(super) async fn guarded_delete<E, C>(
    db: &DatabaseTransaction,
    entity_type: EntityType,
    (id_column, version_column): (C, C),
    id: Uuid,
    expected: i32,
) -> Result<bool, Error>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    delete_texts(db, entity_type, id).await?;
    let deleted = E::delete_many()
        .filter(id_column.eq(id))
        .filter(version_column.eq(expected))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

/// Class of the advisory locks on slugs made from names; "symd" in ASCII.
const SLUG_LOCK_CLASS: i32 = 0x7379_6d64;

/// Fills in a missing slug from `name` (free, with `-2`, `-3` … when taken).
///
/// Creates that make a slug from the same name run one after the other from here to their
/// commit (on PostgreSQL; SQLite runs one writer at a time), so that each finds the slugs
/// of those before it taken, rather than two taking the same one.
pub(super) async fn complete_slug<E, C>(
    db: &DatabaseTransaction,
    (slug_column, id_column): (C, C),
    slug: &mut Option<String>,
    name: &str,
    id: Uuid,
) -> Result<(), Error>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ColumnTrait + Copy,
{
    if slug.is_none() {
        let table = E::default().table_name().to_owned();
        let base = slug_from(name);
        let key = retry::lock_key(&[table.as_bytes(), base.as_bytes()]);
        retry::advisory_lock(db, SLUG_LOCK_CLASS, key).await?;
        *slug = Some(free_slug::<E, C>(db, slug_column, id_column, name, id).await?);
    }
    Ok(())
}

/// Reports `slug` when another record of `E` has it.
pub(super) async fn check_slug<E, C>(
    db: &DatabaseTransaction,
    (slug_column, id_column): (C, C),
    slug: Option<&str>,
    id: Uuid,
    violations: &mut Violations,
) -> Result<(), Error>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ColumnTrait,
{
    if let Some(slug) = slug
        && slug_taken::<E, C>(db, slug_column, id_column, slug, id).await?
    {
        violations.add("slug", format!("`{slug}` is taken by another record"));
    }
    Ok(())
}

/// Overwrites `target` when a patch has a value for it.
pub(super) fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

/// Theme slugs, sorted and without repeats, so that equal sets compare equal.
pub(super) fn normalize_slugs(slugs: &mut Vec<String>) {
    let set: BTreeSet<String> = slugs.drain(..).collect();
    slugs.extend(set);
}

/// A slug from a name: folded, non-alphanumerics as `-`, at most 100 characters.
pub(super) fn slug_from(name: &str) -> String {
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

/// Whether `E` has a row with `slug` other than `id`.
pub(super) async fn slug_taken<E, C>(
    db: &DatabaseTransaction,
    slug_column: C,
    id_column: C,
    slug: &str,
    id: Uuid,
) -> Result<bool, Error>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ColumnTrait,
{
    Ok(E::find()
        .filter(slug_column.eq(slug))
        .filter(id_column.ne(id))
        .count(db)
        .await?
        > 0)
}

/// A free slug for a new record named `name`: the slug of the name, with `-2`, `-3` … when taken.
pub(super) async fn free_slug<E, C>(
    db: &DatabaseTransaction,
    slug_column: C,
    id_column: C,
    name: &str,
    id: Uuid,
) -> Result<String, Error>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ColumnTrait + Copy,
{
    let base = slug_from(name);
    let mut candidate = base.clone();
    for suffix in 2..1000 {
        if !slug_taken::<E, C>(db, slug_column, id_column, &candidate, id).await? {
            return Ok(candidate);
        }
        candidate = format!("{base}-{suffix}");
    }
    // A thousand records of one name: fall back to the id, which is unique.
    Ok(format!("{base}-{}", id.simple()))
}

/// How many rows of `E` have `column = id`, as "N <what>" when there are any.
pub(super) async fn count_referrers<E, C>(
    db: &DatabaseTransaction,
    column: C,
    id: Uuid,
    what: &str,
    into: &mut Vec<String>,
) -> Result<(), Error>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ColumnTrait,
{
    let count = E::find().filter(column.eq(id)).count(db).await?;
    if count > 0 {
        into.push(format!("{count} {what}"));
    }
    Ok(())
}

async fn bump<E, C>(
    db: &DatabaseTransaction,
    id_column: C,
    version_column: C,
    updated_column: C,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<i32>, Error>
where
    E: EntityTrait,
    C: ColumnTrait + Copy,
{
    let updated = E::update_many()
        .col_expr(version_column, Expr::col(version_column).add(1))
        .col_expr(updated_column, Expr::value(at))
        .filter(id_column.eq(id))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    let version: Option<i32> = E::find()
        .select_only()
        .column(version_column)
        .filter(id_column.eq(id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(version)
}

/// Bumps the version of each parent record (once, however often it is named) and returns the
/// changes to log. A parent that no longer exists is skipped.
pub(super) async fn bump_parents(
    db: &DatabaseTransaction,
    parents: &[(EntityType, Uuid)],
    at: DateTime<Utc>,
) -> Result<Vec<Logged>, Error> {
    let mut changes: Vec<Logged> = Vec::new();
    for (entity_type, id) in parents {
        if changes
            .iter()
            .any(|change| change.id == *id && change.entity_type == *entity_type)
        {
            continue;
        }
        use EntityType as T;
        let version = match entity_type {
            T::CaseStudy => {
                use case_study::Column as C;
                bump::<case_study::Entity, _>(db, C::Id, C::Version, C::UpdatedAt, *id, at).await?
            }
            T::Project => {
                use project::Column as C;
                bump::<project::Entity, _>(db, C::Id, C::Version, C::UpdatedAt, *id, at).await?
            }
            T::Actor => {
                use actor::Column as C;
                bump::<actor::Entity, _>(db, C::Id, C::Version, C::UpdatedAt, *id, at).await?
            }
            T::Funder => {
                use funder::Column as C;
                bump::<funder::Entity, _>(db, C::Id, C::Version, C::UpdatedAt, *id, at).await?
            }
            _ => None,
        };
        if let Some(version) = version {
            changes.push(Logged {
                entity_type: *entity_type,
                id: *id,
                old_version: Some(version - 1),
                new_version: Some(version),
            });
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_names() {
        assert_eq!(slug_from("Novo Nordisk A/S"), "novo-nordisk-a-s");
        assert_eq!(slug_from("Ørsted"), "orsted");
        assert_eq!(slug_from("  Sotenäs  kommun "), "sotenas-kommun");
        assert_eq!(slug_from("!!!"), "record");
    }
}
