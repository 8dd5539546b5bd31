//! The planned read: an object plan per selection set, loaded one level at a time (one
//! set-based statement per relation and level, whatever the page size) and written once,
//! in selection order, straight into the answer's bytes.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use async_graphql::Name;
use uuid::Uuid;

use super::nested::SameRow;
use crate::graphql::loaders::{self, IdKey, SharedLoader};
use crate::service::direct_read::ReadConnection;
use crate::service::lang::LanguagePreference;

/// The answer being written.
pub(super) type Out = Vec<u8>;

/// A level's load, boxed once per relation and level (not per object).
pub(super) type Loading<'f, T> = Pin<Box<dyn Future<Output = Result<T, Failed>> + Send + 'f>>;

/// The planned run failed (a database error): the general path answers the request instead,
/// and reports the error as it reports any.
#[derive(Debug)]
pub struct Failed;

impl From<crate::service::Error> for Failed {
    fn from(error: crate::service::Error) -> Self {
        tracing::debug!(error = %error, "planned read failed; answering through the general path");
        Failed
    }
}

impl From<std::sync::Arc<crate::service::Error>> for Failed {
    fn from(error: std::sync::Arc<crate::service::Error>) -> Self {
        tracing::debug!(error = %error, "planned load failed; answering through the general path");
        Failed
    }
}

/// What a planned read runs with.
pub(super) struct Run {
    /// For the root fields (lists, counts, lookups).
    pub db: ReadConnection,
    /// For the nested levels.
    pub loader: SharedLoader,
    /// The request's `Accept-Language`, for localized fields without `lang`.
    pub languages: LanguagePreference,
    /// Records a level loaded with its rows, for the level below.
    pub preloaded: Preloaded,
}

/// Records a level loaded in the same loader round as its rows (a role list with the actors
/// its rows name), by record type and id: the level below takes them from here instead of
/// waiting for another loader round.
#[derive(Default)]
pub(super) struct Preloaded(Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>);

/// The preloaded records of one type.
type Records<R> = HashMap<Uuid, Arc<R>>;

impl Preloaded {
    /// Keeps `records` (rows of type `R`, by id).
    pub fn put<R: Send + Sync + 'static>(&self, records: impl IntoIterator<Item = (Uuid, Arc<R>)>) {
        let Ok(mut preloaded) = self.0.lock() else {
            return;
        };
        let kept = preloaded
            .entry(TypeId::of::<R>())
            .or_insert_with(|| Box::new(Records::<R>::new()));
        if let Some(kept) = kept.downcast_mut::<Records<R>>() {
            kept.extend(records);
        }
    }

    /// The records of `ids`, if every one of them was preloaded.
    pub fn get<R: Send + Sync + 'static>(&self, ids: &[Uuid]) -> Option<Records<R>> {
        let preloaded = self.0.lock().ok()?;
        let kept = preloaded
            .get(&TypeId::of::<R>())?
            .downcast_ref::<Records<R>>()?;
        ids.iter()
            .map(|id| Some((*id, Arc::clone(kept.get(id)?))))
            .collect()
    }
}

/// The selected fields of objects over rows of type `R`, in selection order.
pub(super) struct ObjectPlan<R> {
    pub type_name: &'static str,
    pub fields: Vec<(Name, Field<R>)>,
}

/// The stored column a field of the row is read from (as its table spells it), or `None`
/// for a value the row does not store (a chosen text's language).
pub(super) type Stored = Option<&'static str>;

/// One selected field.
pub(super) enum Field<R> {
    /// `__typename`.
    Typename,
    /// A value of the row, written as async-graphql writes it.
    Leaf(fn(&R, &mut Out), Stored),
    /// A text of the row.
    Text(for<'r> fn(&'r R) -> &'r str, Stored),
    /// An optional text of the row.
    OptionalText(for<'r> fn(&'r R) -> Option<&'r str>, Stored),
    /// A value loaded for the whole level (a relation, a localized text, a nested object).
    Nested(Box<dyn Nested<R>>),
    /// An object over the same row (a case study's `location`).
    Inline(ObjectPlan<R>),
}

/// A field whose values are loaded for every object of a level at once.
pub(super) trait Nested<R>: Send + Sync {
    /// Loads the values of `parents`' field (and the levels below).
    fn load<'a: 'f, 'r: 'f, 'f>(
        &'a self,
        run: &'f Run,
        parents: &'f [&'r R],
    ) -> Loading<'f, Box<dyn Written<R> + 'a>>;

    /// The foreign key whose record this field is (`TypeId` of the key), if it is one: the
    /// level above can load those records with its rows.
    fn target_key(&self) -> Option<TypeId> {
        None
    }
}

/// A loaded field, written per parent.
pub(super) trait Written<R>: Send + Sync {
    fn write(&self, parent: &R, out: &mut Out);
}

/// The loaded nested fields of a level, one entry per selected field (`None` for the
/// fields written from the row itself).
pub(super) type Level<'a, R> = Vec<Option<Box<dyn Written<R> + 'a>>>;

impl<R: Send + Sync> ObjectPlan<R> {
    /// Loads the nested fields of `rows`, one field after the other, on this task.
    pub async fn load<'a>(&'a self, run: &Run, rows: &[&R]) -> Result<Level<'a, R>, Failed> {
        let mut level = Vec::with_capacity(self.fields.len());
        for (_, field) in &self.fields {
            level.push(match field {
                Field::Nested(nested) => Some(nested.load(run, rows).await?),
                Field::Inline(plan) => {
                    // Boxed: the plan holds itself, so this future would too.
                    let inner = Box::pin(plan.load(run, rows)).await?;
                    let same_row = SameRow { plan, level: inner };
                    Some(Box::new(same_row) as Box<dyn Written<R> + 'a>)
                }
                Field::Typename | Field::Leaf(..) | Field::Text(..) | Field::OptionalText(..) => {
                    None
                }
            });
        }
        Ok(level)
    }

    /// The stored columns the fields written from the row read (those of an object over the
    /// same row too), each once. The nested fields read only the row's id.
    pub fn stored_columns(&self, columns: &mut Vec<&'static str>) {
        for (_, field) in &self.fields {
            match field {
                Field::Leaf(_, stored)
                | Field::Text(_, stored)
                | Field::OptionalText(_, stored) => {
                    if let Some(column) = stored
                        && !columns.contains(column)
                    {
                        columns.push(column);
                    }
                }
                Field::Inline(plan) => plan.stored_columns(columns),
                Field::Typename | Field::Nested(_) => {}
            }
        }
    }

    /// Writes the object of `row`.
    pub fn write(&self, row: &R, level: &Level<'_, R>, out: &mut Out) {
        write_fields(&self.fields, out, |index, field, out| {
            match (field, level.get(index).and_then(Option::as_ref)) {
                (Field::Typename, _) => write_str(self.type_name, out),
                (Field::Leaf(write, _), _) => write(row, out),
                (Field::Text(read, _), _) => write_str(read(row), out),
                (Field::OptionalText(read, _), _) => match read(row) {
                    Some(text) => write_str(text, out),
                    None => out.extend_from_slice(b"null"),
                },
                (Field::Nested(_) | Field::Inline(_), Some(loaded)) => loaded.write(row, out),
                (Field::Nested(_) | Field::Inline(_), None) => out.extend_from_slice(b"null"),
            }
        });
    }

    /// Writes `rows` as a list.
    pub fn write_list<'r>(
        &self,
        rows: impl IntoIterator<Item = &'r R>,
        level: &Level<'_, R>,
        out: &mut Out,
    ) where
        R: 'r,
    {
        write_items(rows, out, |row, out| self.write(row, level, out));
    }
}

/// An object: each selected field's key, then what `value` writes for it.
pub(super) fn write_fields<T>(
    fields: &[(Name, T)],
    out: &mut Out,
    mut value: impl FnMut(usize, &T, &mut Out),
) {
    out.push(b'{');
    for (index, (key, field)) in fields.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_key(key, out);
        value(index, field, out);
    }
    out.push(b'}');
}

/// A list: what `item` writes for each of `items`.
pub(super) fn write_items<T>(
    items: impl IntoIterator<Item = T>,
    out: &mut Out,
    mut item: impl FnMut(T, &mut Out),
) {
    out.push(b'[');
    for (index, each) in items.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        item(each, out);
    }
    out.push(b']');
}

/// `"key":`.
pub(super) fn write_key(key: &str, out: &mut Out) {
    write_str(key, out);
    out.push(b':');
}

/// A JSON string, escaped as serde_json escapes it (as the general path writes).
pub(super) fn write_str(text: &str, out: &mut Out) {
    // Writing a string into a vector cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// A value as async-graphql's scalar or enum gives it, through the same serializer.
pub(super) fn write_value(value: &async_graphql::Value, out: &mut Out) {
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Ids to load for a level: each once, in the order first met.
pub(super) fn distinct(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

/// Loads the values of `ids` through the shared loader (which splits a batch at
/// [`crate::service::MAX_KEYS_PER_STATEMENT`] keys, as the general path does), by id, each
/// behind an `Arc` ([`loaders::Shared`]): concurrent requests read the same rows.
///
/// Through the loader and not at once: its batching window merges the levels of
/// concurrent requests into one statement. Reading each request's levels at once, without
/// the window, cost 4.5× the CPU per nested request (`docs/benchmarks.md`, 2026-12-07).
pub(super) async fn load_by_id<K, V>(
    loader: &SharedLoader,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Arc<V>>, Failed>
where
    K: IdKey + Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    loaders::DbLoader: async_graphql::dataloader::Loader<
            loaders::Shared<K>,
            Value = Arc<V>,
            Error = Arc<crate::service::Error>,
        >,
    V: Send + Sync + 'static,
{
    let loaded = loader
        .load_many(ids.iter().copied().map(loaders::Shared::<K>::from_id))
        .await?;
    Ok(loaded
        .into_iter()
        .map(|(key, value)| (key.id(), value))
        .collect())
}
