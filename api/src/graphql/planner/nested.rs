//! The nested fields a plan loads per level: a relation's rows of each parent, the record a
//! row names, a localized text, and an object over the parent's own row (`location`).

use std::any::TypeId;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use uuid::Uuid;

use super::exec::{
    Failed, Level, Loading, Nested, ObjectPlan, Out, Run, Written, distinct, load_by_id,
};
use crate::graphql::loaders;
use crate::service::lang::{self, ChosenText, LanguagePreference};
use crate::service::localized_text::FieldTexts;
use crate::service::record::{self, RecordType};
use crate::service::relation::{self, ForeignKey};

/// Rows of the parent's record type `R`.
type RecordRow<R> = record::Row<R>;
/// Rows of `K`'s relation.
type RelationRow<K> = relation::Row<<K as ForeignKey>::Relation>;

/// The rows of `K`'s relation whose key `K` names the parent (a case study's actors): one
/// statement per level.
pub(super) struct RowsOf<K: ForeignKey> {
    pub plan: ObjectPlan<RelationRow<K>>,
    pub key: PhantomData<K>,
}

/// What one level of objects (of rows `C`) loaded, by parent id (`V`: the rows or the row of
/// each parent), with the level below; `M` is the nested field that loaded it.
struct Below<'a, C, V, M> {
    plan: &'a ObjectPlan<C>,
    loaded: HashMap<Uuid, V>,
    level: Level<'a, C>,
    field: PhantomData<fn() -> M>,
}

/// The rows a parent's loaded value holds.
trait Holds<C> {
    fn items<'s>(&'s self) -> impl Iterator<Item = &'s C>
    where
        C: 's;
}

impl<C> Holds<C> for Arc<Vec<C>> {
    fn items<'s>(&'s self) -> impl Iterator<Item = &'s C>
    where
        C: 's,
    {
        self.iter()
    }
}

impl<C> Holds<C> for Arc<C> {
    fn items<'s>(&'s self) -> impl Iterator<Item = &'s C>
    where
        C: 's,
    {
        std::iter::once(&**self)
    }
}

/// Keeps `loaded` with the level below it, loaded for all its rows at once.
async fn below<'a, C: Send + Sync, V: Holds<C>, M>(
    plan: &'a ObjectPlan<C>,
    run: &Run,
    loaded: HashMap<Uuid, V>,
) -> Result<Below<'a, C, V, M>, Failed> {
    let rows: Vec<&C> = loaded.values().flat_map(|value| value.items()).collect();
    let level = plan.load(run, &rows).await?;
    Ok(Below {
        plan,
        loaded,
        level,
        field: PhantomData,
    })
}

impl<K: ForeignKey> Nested<RecordRow<K::Target>> for RowsOf<K>
where
    RelationRow<K>: Send + Sync,
    RecordRow<K::Target>: Sync,
{
    fn load<'a: 'f, 'r: 'f, 'f>(
        &'a self,
        run: &'f Run,
        parents: &'f [&'r RecordRow<K::Target>],
    ) -> Loading<'f, Box<dyn Written<RecordRow<K::Target>> + 'a>> {
        Box::pin(async move {
            let ids = distinct(parents.iter().map(|parent| K::Target::id(parent)));
            let rows = load_by_id::<loaders::RowsOf<K>, _>(&run.loader, &ids).await?;
            let below = below::<_, _, Self>(&self.plan, run, rows).await?;
            Ok(Box::new(below) as Box<dyn Written<_> + 'a>)
        })
    }
}

impl<K: ForeignKey> Written<RecordRow<K::Target>>
    for Below<'_, RelationRow<K>, Arc<Vec<RelationRow<K>>>, RowsOf<K>>
where
    RelationRow<K>: Send + Sync,
{
    fn write(&self, parent: &RecordRow<K::Target>, out: &mut Out) {
        let rows = self.loaded.get(&K::Target::id(parent));
        self.plan.write_list(
            rows.into_iter().flat_map(|rows| rows.iter()),
            &self.level,
            out,
        );
    }
}

/// The rows of `K`'s relation whose key `K` names the parent, with the records key `T`
/// names in them (a case study's roles with their actors), in one loader round: the records
/// wait in [`Run::preloaded`] for the `T` field of the level below, which then needs no
/// round of its own.
pub(super) struct RowsWithTargets<K: ForeignKey, T: ForeignKey> {
    pub plan: ObjectPlan<RelationRow<K>>,
    pub keys: PhantomData<(K, T)>,
}

/// The rows of each parent with their records.
type RowsAndRecords<T> = Arc<Vec<relation::RowWithSharedTarget<T>>>;

impl<C, R> Holds<C> for Arc<Vec<(C, Option<Arc<R>>)>> {
    fn items<'s>(&'s self) -> impl Iterator<Item = &'s C>
    where
        C: 's,
    {
        self.iter().map(|(row, _)| row)
    }
}

impl<K, T> Nested<RecordRow<K::Target>> for RowsWithTargets<K, T>
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation>,
    RelationRow<K>: Send + Sync,
    RecordRow<K::Target>: Sync,
    RecordRow<T::Target>: Send + Sync,
{
    fn load<'a: 'f, 'r: 'f, 'f>(
        &'a self,
        run: &'f Run,
        parents: &'f [&'r RecordRow<K::Target>],
    ) -> Loading<'f, Box<dyn Written<RecordRow<K::Target>> + 'a>> {
        Box::pin(async move {
            let ids = distinct(parents.iter().map(|parent| K::Target::id(parent)));
            let rows =
                load_by_id::<loaders::RowsWithSharedTargets<K, T>, _>(&run.loader, &ids).await?;
            run.preloaded.put(rows.values().flat_map(|rows| {
                rows.iter()
                    .filter_map(|(row, record)| Some((T::of(row)?, Arc::clone(record.as_ref()?))))
            }));
            let below = below::<_, _, Self>(&self.plan, run, rows).await?;
            Ok(Box::new(below) as Box<dyn Written<_> + 'a>)
        })
    }
}

impl<K, T> Written<RecordRow<K::Target>>
    for Below<'_, RelationRow<K>, RowsAndRecords<T>, RowsWithTargets<K, T>>
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation>,
    RelationRow<K>: Send + Sync,
    RecordRow<T::Target>: Send + Sync,
{
    fn write(&self, parent: &RecordRow<K::Target>, out: &mut Out) {
        let rows = self.loaded.get(&K::Target::id(parent));
        self.plan.write_list(
            rows.into_iter()
                .flat_map(|rows| rows.iter().map(|(row, _)| row)),
            &self.level,
            out,
        );
    }
}

/// The record `K` names in a relation row (a role's actor): one statement per level.
pub(super) struct Target<K: ForeignKey> {
    pub plan: ObjectPlan<RecordRow<K::Target>>,
    pub key: PhantomData<K>,
}

impl<K: ForeignKey> Nested<RelationRow<K>> for Target<K>
where
    RelationRow<K>: Sync,
    RecordRow<K::Target>: Send + Sync,
{
    fn load<'a: 'f, 'r: 'f, 'f>(
        &'a self,
        run: &'f Run,
        parents: &'f [&'r RelationRow<K>],
    ) -> Loading<'f, Box<dyn Written<RelationRow<K>> + 'a>> {
        Box::pin(async move {
            let ids = distinct(parents.iter().filter_map(|parent| K::of(parent)));
            let records = match run.preloaded.get::<RecordRow<K::Target>>(&ids) {
                Some(records) => records,
                None => load_by_id::<loaders::ById<K::Target>, _>(&run.loader, &ids).await?,
            };
            let below = below::<_, _, Self>(&self.plan, run, records).await?;
            Ok(Box::new(below) as Box<dyn Written<_> + 'a>)
        })
    }

    fn target_key(&self) -> Option<TypeId> {
        Some(TypeId::of::<K>())
    }
}

impl<K: ForeignKey> Written<RelationRow<K>>
    for Below<'_, RecordRow<K::Target>, Arc<RecordRow<K::Target>>, Target<K>>
where
    RecordRow<K::Target>: Send + Sync,
{
    fn write(&self, parent: &RelationRow<K>, out: &mut Out) {
        match K::of(parent).and_then(|id| self.loaded.get(&id)) {
            Some(record) => self.plan.write(record, &self.level, out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// The distinct records key `T` names in the rows of the relation whose key `P` names the
/// parent (a project's funders through its fundings), in the order of the rows: the rows in
/// one statement per level, then their records in one more, as the general path loads them.
pub(super) struct DistinctTargets<P: ForeignKey, T: ForeignKey> {
    pub plan: ObjectPlan<RecordRow<T::Target>>,
    pub keys: PhantomData<(P, T)>,
}

/// A level of [`DistinctTargets`]: each parent's record ids, and the records with their level.
struct TargetsLoaded<'a, P: ForeignKey, T: ForeignKey> {
    ids: HashMap<Uuid, Vec<Uuid>>,
    below: TargetsBelow<'a, P, T>,
}

/// The records of a [`DistinctTargets`] level, by id, with the level below them.
type TargetsBelow<'a, P, T> = Below<
    'a,
    RecordRow<<T as ForeignKey>::Target>,
    Arc<RecordRow<<T as ForeignKey>::Target>>,
    DistinctTargets<P, T>,
>;

impl<P, T> Nested<RecordRow<P::Target>> for DistinctTargets<P, T>
where
    P: ForeignKey,
    T: ForeignKey<Relation = P::Relation>,
    RelationRow<P>: Send + Sync,
    RecordRow<P::Target>: Sync,
    RecordRow<T::Target>: Send + Sync,
{
    fn load<'a: 'f, 'r: 'f, 'f>(
        &'a self,
        run: &'f Run,
        parents: &'f [&'r RecordRow<P::Target>],
    ) -> Loading<'f, Box<dyn Written<RecordRow<P::Target>> + 'a>> {
        Box::pin(async move {
            let parent_ids = distinct(parents.iter().map(|parent| P::Target::id(parent)));
            let rows = load_by_id::<loaders::RowsOf<P>, _>(&run.loader, &parent_ids).await?;
            let ids: HashMap<Uuid, Vec<Uuid>> = rows
                .iter()
                .map(|(parent, rows)| (*parent, distinct(rows.iter().filter_map(T::of))))
                .collect();
            let every_id = distinct(ids.values().flatten().copied());
            let records = load_by_id::<loaders::ById<T::Target>, _>(&run.loader, &every_id).await?;
            let below = below::<_, _, Self>(&self.plan, run, records).await?;
            Ok(Box::new(TargetsLoaded { ids, below }) as Box<dyn Written<_> + 'a>)
        })
    }
}

impl<P, T> Written<RecordRow<P::Target>> for TargetsLoaded<'_, P, T>
where
    P: ForeignKey,
    T: ForeignKey<Relation = P::Relation>,
    RecordRow<T::Target>: Send + Sync,
{
    fn write(&self, parent: &RecordRow<P::Target>, out: &mut Out) {
        // Records gone since their rows were read are left out, as the general path does.
        let records = self
            .ids
            .get(&P::Target::id(parent))
            .into_iter()
            .flatten()
            .filter_map(|id| self.below.loaded.get(id).map(|record| &**record));
        self.below.plan.write_list(records, &self.below.level, out);
    }
}

/// A localized text field (`summary(lang:)`) of records of type `R`: their texts in one
/// statement per level, the language chosen as the general path chooses it.
pub(super) struct Texts<R> {
    /// The record's id.
    pub id: fn(&R) -> Uuid,
    /// The stored field (`summary`).
    pub field: &'static str,
    /// `lang`, else `None` for the request's `Accept-Language`.
    pub lang: Option<LanguagePreference>,
    /// What is selected of the `LocalizedText`.
    pub plan: ObjectPlan<ChosenText>,
}

struct TextsLoaded<'a, R> {
    texts_plan: &'a Texts<R>,
    preference: LanguagePreference,
    texts: HashMap<Uuid, Arc<FieldTexts>>,
    level: Level<'a, ChosenText>,
}

impl<R: Sync + 'static> Nested<R> for Texts<R> {
    fn load<'a: 'f, 'r: 'f, 'f>(
        &'a self,
        run: &'f Run,
        parents: &'f [&'r R],
    ) -> Loading<'f, Box<dyn Written<R> + 'a>> {
        Box::pin(async move {
            let ids = distinct(parents.iter().map(|parent| (self.id)(parent)));
            let texts = load_by_id::<loaders::TextsOf, _>(&run.loader, &ids).await?;
            let preference = self.lang.clone().unwrap_or_else(|| run.languages.clone());
            // A localized text has only leaves: nothing to load below it.
            let level = self.plan.load(run, &[]).await?;
            Ok(Box::new(TextsLoaded {
                texts_plan: self,
                preference,
                texts,
                level,
            }) as Box<dyn Written<R> + 'a>)
        })
    }
}

impl<R: Sync> Written<R> for TextsLoaded<'_, R> {
    fn write(&self, parent: &R, out: &mut Out) {
        let chosen = self
            .texts
            .get(&(self.texts_plan.id)(parent))
            .and_then(|texts| texts.get(self.texts_plan.field))
            .and_then(|translations| lang::choose(translations, &self.preference));
        match chosen {
            Some(chosen) => self.texts_plan.plan.write(&chosen, &self.level, out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// An object over the parent's own row (a case study's `location`) with its level.
pub(super) struct SameRow<'a, R> {
    pub plan: &'a ObjectPlan<R>,
    pub level: Level<'a, R>,
}

impl<R: Send + Sync> Written<R> for SameRow<'_, R> {
    fn write(&self, parent: &R, out: &mut Out) {
        self.plan.write(parent, &self.level, out);
    }
}
