//! The record-type registry of the read side: what a record type declares once (its table,
//! key columns, filter and sort keys) and the generic operations every record type gets from
//! it: lookups by id and slug, batched loads, filtered and sorted pages, counts.
//!
//! A record type is a unit struct implementing [`RecordType`] (and [`Listed`] when it has
//! paginated, filtered lists); see `docs/adding-a-record-type.md`.

use std::collections::HashMap;
use std::fmt::Debug;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, IdenStatic, PaginatorTrait, QueryFilter,
    Select,
};
use symbios_entity::vocabulary::ProgrammeKind;
use uuid::Uuid;

use crate::Error;
use crate::direct_read::{DirectEntity, Projection, SelectAll};
use crate::load::{index_by, rows_where_in};
use crate::page::{self, Page, PageRequest, SortSpec, SortValue};

/// The row type of a record type.
pub type Row<R> = <<R as RecordType>::Entity as EntityTrait>::Model;
/// The column type of a record type's table.
pub type Column<R> = <<R as RecordType>::Entity as EntityTrait>::Column;

/// A record type with an id and a slug: found by either, loaded in batches by id.
pub trait RecordType: Send + Sync + 'static {
    /// Its table.
    type Entity: DirectEntity<Model: Sync>;
    /// Its name in logs and traces (`case_study`).
    const NAME: &'static str;
    /// The primary key (a UUID).
    const ID: Column<Self>;
    /// The unique human-readable key.
    const SLUG: Column<Self>;
    /// A row's id.
    fn id(row: &Row<Self>) -> Uuid;
}

/// A record type with filtered, sorted, paginated lists and counts.
pub trait Listed: RecordType {
    /// Which records a list holds, as given by the caller (unchecked).
    type Filter: Debug + Clone + Default + Send + Sync + 'static;
    /// The column sorting by name (folded for case and diacritics).
    const NAME_FOLDED: Column<Self>;
    /// The column of the last change.
    const UPDATED_AT: Column<Self>;
    /// The filter checked (`BAD_USER_INPUT` naming the argument), with repeats folded.
    fn check(filter: Self::Filter) -> Result<Self::Filter, Error>;
    /// `select` narrowed to the records `filter` holds.
    fn narrow(filter: &Self::Filter, select: Select<Self::Entity>) -> Select<Self::Entity>;
    /// A row's name folded for case and diacritics.
    fn name_folded(row: &Row<Self>) -> &str;
    /// A row's slug.
    fn slug(row: &Row<Self>) -> &str;
    /// A row's last change.
    fn updated_at(row: &Row<Self>) -> DateTime<Utc>;
    /// The "year" order (never NULL in SQL) and a row's value of it, when the type has one.
    fn year_order() -> Option<YearOrder<Self>> {
        None
    }
}

/// How a record type sorts by year: the SQL expression (NULLs replaced), the column it reads
/// and the row's value.
pub struct YearOrder<R: RecordType + ?Sized> {
    /// The sort expression; never NULL.
    pub key: SimpleExpr,
    /// The column `key` and `value` read.
    pub column: Column<R>,
    /// A row's value of `key`.
    pub value: fn(&Row<R>) -> SortValue,
}

/// What a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    /// Name, ignoring case and diacritics.
    #[default]
    Name,
    /// A year (established, or start); unknown years sort as oldest. Only for record types
    /// with a [`Listed::year_order`].
    Year,
    /// Last change.
    UpdatedAt,
    /// Slug, the human-readable key: an order that stays put when a name is edited.
    Slug,
}

/// A list order: field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ordering {
    /// The sort field.
    pub field: OrderField,
    /// Largest first.
    pub descending: bool,
}

/// The record with this id, if any.
pub async fn find_by_id<R: RecordType>(
    db: &impl SelectAll,
    id: Uuid,
) -> Result<Option<Row<R>>, Error> {
    find::<R>(db, RecordKey::Id(id), &Projection::all()).await
}

/// The record with this slug, if any; a text that cannot be a slug finds nothing (and a text
/// with a control character is refused).
pub async fn find_by_slug<R: RecordType>(
    db: &impl SelectAll,
    slug: &str,
) -> Result<Option<Row<R>>, Error> {
    find::<R>(db, RecordKey::Slug(slug), &Projection::all()).await
}

/// What names one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKey<'a> {
    /// Its id.
    Id(Uuid),
    /// Its slug.
    Slug(&'a str),
}

/// The record `key` names, as [`find_by_id`] and [`find_by_slug`] find it, reading only the
/// columns `reads` names (as the table spells them) and the id: the row's other fields hold
/// fillers ([`Projection`]).
pub async fn find_reading<R: RecordType>(
    db: &impl SelectAll,
    key: RecordKey<'_>,
    reads: &[&str],
) -> Result<Option<Row<R>>, Error> {
    find::<R>(db, key, &reading::<R>(reads, None)).await
}

/// The columns `reads` names (as the table spells them), the id and `also`.
fn reading<R: RecordType>(reads: &[&str], also: Option<Column<R>>) -> Projection<R::Entity> {
    let id = R::ID.as_str();
    let also = also.map(|column| column.as_str());
    Projection::only(|column: Column<R>| {
        let name = column.as_str();
        name == id || Some(name) == also || reads.contains(&name)
    })
}

async fn find<R: RecordType>(
    db: &impl SelectAll,
    key: RecordKey<'_>,
    projection: &Projection<R::Entity>,
) -> Result<Option<Row<R>>, Error> {
    let condition = match key {
        RecordKey::Id(id) => R::ID.eq(id),
        RecordKey::Slug(slug) => {
            if !crate::validate::slug_to_look_up("slug", slug)? {
                return Ok(None);
            }
            R::SLUG.eq(slug)
        }
    };
    let select = R::Entity::find().filter(condition);
    let found = db.select_first_of(select, 1, projection).await?;
    Ok(found.into_iter().next())
}

/// The records with these ids, by id: one statement per batch of keys.
pub async fn load_many<R: RecordType>(
    db: &impl SelectAll,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Row<R>>, Error> {
    let rows = rows_where_in::<R::Entity, _, _>(db, R::ID, ids, R::ID).await?;
    Ok(index_by(rows, R::id))
}

/// How many records match `filter` (checked).
pub async fn count<R: Listed>(db: &impl ConnectionTrait, filter: &R::Filter) -> Result<u64, Error> {
    Ok(R::narrow(filter, R::Entity::find()).count(db).await?)
}

/// One page of the records matching `filter` (checked), in `ordering`.
#[tracing::instrument(skip_all, fields(entity = R::NAME))]
pub async fn list<R: Listed>(
    db: &impl SelectAll,
    filter: &R::Filter,
    ordering: Ordering,
    request: &PageRequest,
) -> Result<Page<Row<R>>, Error> {
    let (spec, value, _) = sort::<R>(ordering)?;
    let select = (R::narrow(filter, R::Entity::find()), &Projection::all());
    page::fetch(db, select, &spec, request, value, R::id).await
}

/// As [`list`], reading only the columns `reads` names (as the table spells them), the id
/// and the order's column: the rows' other fields hold fillers ([`Projection`]).
#[tracing::instrument(skip_all, fields(entity = R::NAME))]
pub async fn list_reading<R: Listed>(
    db: &impl SelectAll,
    filter: &R::Filter,
    ordering: Ordering,
    request: &PageRequest,
    reads: &[&str],
) -> Result<Page<Row<R>>, Error> {
    let (spec, value, sort_column) = sort::<R>(ordering)?;
    let projection = reading::<R>(reads, Some(sort_column));
    let select = R::narrow(filter, R::Entity::find());
    page::fetch(db, (select, &projection), &spec, request, value, R::id).await
}

type SortValueOf<R> = fn(&Row<R>) -> SortValue;

/// The SQL order of `ordering` with the name its cursors carry, a row's value of it and the
/// column both read.
fn sort<R: Listed>(ordering: Ordering) -> Result<(SortSpec, SortValueOf<R>, Column<R>), Error> {
    let descending = ordering.descending;
    let pick = |ascending, descending_name| {
        if descending {
            descending_name
        } else {
            ascending
        }
    };
    // Slugs are unique and never NULL.
    let key_is_unique = ordering.field == OrderField::Slug;
    let (name, key, value, column): (_, _, SortValueOf<R>, _) = match ordering.field {
        OrderField::Name => (
            pick("name_asc", "name_desc"),
            Expr::col(R::NAME_FOLDED),
            |row| SortValue::Text(R::name_folded(row).to_owned()),
            R::NAME_FOLDED,
        ),
        OrderField::UpdatedAt => (
            pick("updated_asc", "updated_desc"),
            Expr::col(R::UPDATED_AT),
            |row| SortValue::Time(R::updated_at(row)),
            R::UPDATED_AT,
        ),
        OrderField::Slug => (
            pick("slug_asc", "slug_desc"),
            Expr::col(R::SLUG),
            |row| SortValue::Text(R::slug(row).to_owned()),
            R::SLUG,
        ),
        OrderField::Year => {
            let year = R::year_order().ok_or_else(|| {
                Error::invalid(
                    "orderBy.field",
                    format!("{} lists have no year to sort by", R::NAME),
                )
            })?;
            (
                pick("year_asc", "year_desc"),
                year.key,
                year.value,
                year.column,
            )
        }
    };
    let spec = SortSpec {
        name,
        key,
        id: Expr::col(R::ID),
        key_is_unique,
        descending,
    };
    Ok((spec, value, column))
}

/// Declares a record type over an entity module with the usual key columns (`id`, `slug`):
/// `record_type!(/** doc */ Funders: funder, "funder");`.
macro_rules! record_type {
    ($(#[$doc:meta])* $marker:ident: $entity:ident, $name:literal) => {
        $(#[$doc])*
        pub struct $marker;

        impl $crate::record::RecordType for $marker {
            type Entity = $entity::Entity;
            const NAME: &'static str = $name;
            const ID: $entity::Column = $entity::Column::Id;
            const SLUG: $entity::Column = $entity::Column::Slug;

            fn id(row: &$entity::Model) -> uuid::Uuid {
                row.id
            }
        }
    };
}

/// Makes a record type listed, with the usual sort columns (`name_folded`, `slug`,
/// `updated_at`), its filter's check and the narrowing of a select by it, and, when given, its
/// year order.
macro_rules! listed {
    (
        $marker:ident: $entity:ident, $filter:ty, check = $check:path, narrow = $narrow:path
        $(, year = $year:path)?
    ) => {
        impl $crate::record::Listed for $marker {
            type Filter = $filter;
            const NAME_FOLDED: $entity::Column = $entity::Column::NameFolded;
            const UPDATED_AT: $entity::Column = $entity::Column::UpdatedAt;

            fn check(filter: $filter) -> Result<$filter, $crate::Error> {
                $check(filter)
            }

            fn narrow(
                filter: &$filter,
                select: sea_orm::Select<$entity::Entity>,
            ) -> sea_orm::Select<$entity::Entity> {
                $narrow(filter, select)
            }

            fn name_folded(row: &$entity::Model) -> &str {
                &row.name_folded
            }

            fn slug(row: &$entity::Model) -> &str {
                &row.slug
            }

            fn updated_at(row: &$entity::Model) -> chrono::DateTime<chrono::Utc> {
                row.updated_at
            }

            $(
                fn year_order() -> Option<$crate::record::YearOrder<Self>> {
                    Some($year())
                }
            )?
        }
    };
}

/// Declares a list's filter and its `checked` from one list of fields: each field names the
/// argument it comes from (`filter.<argument>`, for error messages) and the check in
/// [`filter_check`] that folds repeats and bounds it. Checks run in the order declared.
macro_rules! list_filter {
    (
        $(#[$meta:meta])*
        pub struct $filter:ident {
            $($(#[$field_meta:meta])* pub $field:ident: $type:ty = $check:ident($argument:literal),)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default)]
        pub struct $filter {
            $($(#[$field_meta])* pub $field: $type,)+
        }

        impl $filter {
            /// The filter as given in argument `filter`, checked, with repeats folded.
            pub fn checked(self) -> Result<Self, $crate::Error> {
                Ok(Self {
                    $($field: $crate::record::filter_check::$check(
                        concat!("filter.", $argument),
                        self.$field,
                    )?,)+
                })
            }
        }
    };
}

pub(crate) use {list_filter, listed, record_type};

/// The checks a [`list_filter!`] field may name: each takes the argument's name and value and
/// gives the value with repeats folded, or the error naming the argument.
pub mod filter_check {
    use std::hash::Hash;

    use crate::validate::{self, YearRange};
    use crate::{Error, limits};

    /// ISO 3166-1 alpha-2 codes (and `EU`).
    pub fn countries(field: &str, codes: Vec<String>) -> Result<Vec<String>, Error> {
        validate::countries(field, codes)
    }

    /// Values of a closed vocabulary.
    pub fn vocabulary<T: Eq + Hash + Clone + sea_orm::Iterable>(
        field: &str,
        values: Vec<T>,
    ) -> Result<Vec<T>, Error> {
        limits::fold_vocabulary(field, values)
    }

    /// Theme slugs.
    pub fn themes(field: &str, slugs: Vec<String>) -> Result<Vec<String>, Error> {
        validate::filter_values(field, slugs, limits::MAX_THEMES)
    }

    /// Identifier schemes.
    pub fn schemes(field: &str, schemes: Vec<String>) -> Result<Vec<String>, Error> {
        validate::filter_values(field, schemes, limits::MAX_SCHEMES)
    }

    /// A year range; `field` names its lower end.
    pub fn years(field: &str, years: YearRange) -> Result<YearRange, Error> {
        years.checked(field)
    }

    /// Records named by slug or id.
    pub fn records(field: &str, refs: Vec<String>) -> Result<Vec<String>, Error> {
        validate::filter_values(field, refs, limits::MAX_RECORD_REFS)
    }

    /// NUTS codes, each known.
    pub fn nuts(field: &str, codes: Vec<String>) -> Result<Vec<String>, Error> {
        crate::nuts::filter_codes(field, codes)
    }

    /// A yes-or-no filter: nothing to check.
    pub fn flag(_field: &str, value: Option<bool>) -> Result<Option<bool>, Error> {
        Ok(value)
    }

    /// A text to look for.
    pub fn text(field: &str, text: Option<String>) -> Result<Option<String>, Error> {
        validate::optional_filter_text(field, text)
    }
}

/// The narrowings that filters of several record types share.
pub(crate) trait Narrowing<E: EntityTrait>: Sized {
    /// Rows whose `column` is one of `values`; no values, no narrowing.
    fn any_of<V: Into<sea_orm::Value> + Clone>(self, column: E::Column, values: &[V]) -> Self;
    /// Rows whose folded `column` contains `needle` (folded by the caller); none, no
    /// narrowing.
    fn folded_contains(self, column: E::Column, needle: Option<&str>) -> Self;
    /// Rows (by `id`) tagged in link table `L` (`record`, `theme` columns) with one of the
    /// theme slugs `themes`; none, no narrowing.
    fn tagged<L: EntityTrait>(
        self,
        id: E::Column,
        link: (L::Column, L::Column),
        themes: &[String],
    ) -> Self;
    /// Rows whose NUTS `column` is in one of the regions `codes` (checked codes); none, no
    /// narrowing.
    fn in_nuts(self, column: E::Column, codes: &[String]) -> Self;
    /// Rows (by `id`) linked in table `L` (`record`, `project` columns) to a project with a
    /// funding of one of the kinds `programmes`; none, no narrowing.
    fn funded_by<L: EntityTrait>(
        self,
        id: E::Column,
        link: (L::Column, L::Column),
        programmes: &[ProgrammeKind],
    ) -> Self;
}

/// `column` (a NUTS code) lies in one of the regions `codes` (checked codes): a prefix match,
/// the same in SQLite and PostgreSQL.
pub(crate) fn in_nuts_regions(column: impl IntoColumnRef + Clone, codes: &[String]) -> Condition {
    crate::nuts::prefix_patterns(codes)
        .into_iter()
        .fold(Condition::any(), |any, pattern| {
            any.add(Expr::col(column.clone()).like(pattern))
        })
}

impl<E: EntityTrait> Narrowing<E> for Select<E> {
    fn any_of<V: Into<sea_orm::Value> + Clone>(self, column: E::Column, values: &[V]) -> Self {
        if values.is_empty() {
            return self;
        }
        self.filter(column.is_in(values.iter().cloned()))
    }

    fn folded_contains(self, column: E::Column, needle: Option<&str>) -> Self {
        let Some(needle) = needle else {
            return self;
        };
        self.filter(
            Expr::col(column)
                .like(LikeExpr::new(crate::text::contains_pattern(needle)).escape('\\')),
        )
    }

    fn tagged<L: EntityTrait>(
        self,
        id: E::Column,
        (record, theme): (L::Column, L::Column),
        themes: &[String],
    ) -> Self {
        use symbios_entity::theme as themes_table;
        if themes.is_empty() {
            return self;
        }
        let tagged = Query::select()
            .column(record)
            .from(L::default())
            .inner_join(
                themes_table::Entity,
                Expr::col((themes_table::Entity, themes_table::Column::Id))
                    .equals((L::default(), theme)),
            )
            .and_where(themes_table::Column::Slug.is_in(themes.iter().cloned()))
            .to_owned();
        self.filter(id.in_subquery(tagged))
    }

    fn in_nuts(self, column: E::Column, codes: &[String]) -> Self {
        if codes.is_empty() {
            return self;
        }
        self.filter(in_nuts_regions(column, codes))
    }

    fn funded_by<L: EntityTrait>(
        self,
        id: E::Column,
        (record, project): (L::Column, L::Column),
        programmes: &[ProgrammeKind],
    ) -> Self {
        use symbios_entity::funding;
        if programmes.is_empty() {
            return self;
        }
        let funded = Query::select()
            .column((L::default(), record))
            .from(L::default())
            .inner_join(
                funding::Entity,
                Expr::col((funding::Entity, funding::Column::ProjectId))
                    .equals((L::default(), project)),
            )
            .and_where(funding::Column::ProgrammeKind.is_in(programmes.iter().copied()))
            .to_owned();
        self.filter(id.in_subquery(funded))
    }
}
