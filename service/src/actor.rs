//! Actors: lists with filters and orders, lookups by id and slug, batched loads.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select};
use symbios_entity::vocabulary::ActorKind;
use symbios_entity::{actor, external_identifier};
use tracing::instrument;
use uuid::Uuid;

use super::load::{index_by, rows_where_in};
use super::page::{self, Page, PageRequest, SortSpec, SortValue};
use super::{Error, limits, text, validate};

/// Which actors a list holds; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// ISO 3166-1 alpha-2 codes, any of.
    pub countries: Vec<String>,
    /// Kinds, any of.
    pub kinds: Vec<ActorKind>,
    /// Has an identifier in one of these schemes (e.g. `NO-BRC`).
    pub schemes: Vec<String>,
    /// Name contains this text, ignoring case and diacritics.
    pub name_contains: Option<String>,
}

impl Filter {
    /// The filter as given in argument `filter`, checked, with repeats folded.
    pub fn checked(self) -> Result<Self, Error> {
        Ok(Self {
            countries: validate::countries("filter.country", self.countries)?,
            kinds: limits::fold_vocabulary("filter.kind", self.kinds)?,
            schemes: validate::filter_values("filter.scheme", self.schemes, limits::MAX_SCHEMES)?,
            name_contains: validate::optional_filter_text(
                "filter.nameContains",
                self.name_contains,
            )?,
        })
    }
}

/// What an actor list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    /// Name, ignoring case and diacritics.
    #[default]
    Name,
    /// Last change.
    UpdatedAt,
    /// Slug, the human-readable key: an order that stays put when a name is edited.
    Slug,
}

/// An actor order: field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ordering {
    /// The sort field.
    pub field: OrderField,
    /// Largest first.
    pub descending: bool,
}

fn apply(filter: &Filter, select: Select<actor::Entity>) -> Select<actor::Entity> {
    let mut select = select;
    if !filter.countries.is_empty() {
        select = select.filter(actor::Column::Country.is_in(filter.countries.clone()));
    }
    if !filter.kinds.is_empty() {
        select = select.filter(actor::Column::Kind.is_in(filter.kinds.clone()));
    }
    if !filter.schemes.is_empty() {
        let identified = Query::select()
            .column(external_identifier::Column::ActorId)
            .from(external_identifier::Entity)
            .and_where(external_identifier::Column::Scheme.is_in(filter.schemes.clone()))
            .to_owned();
        select = select.filter(actor::Column::Id.in_subquery(identified));
    }
    if let Some(needle) = &filter.name_contains {
        select = select.filter(
            Expr::col(actor::Column::NameFolded)
                .like(LikeExpr::new(text::contains_pattern(needle)).escape('\\')),
        );
    }
    select
}

fn sort_spec(ordering: Ordering) -> SortSpec {
    let (name, key) = match (ordering.field, ordering.descending) {
        (OrderField::Name, false) => ("name_asc", Expr::col(actor::Column::NameFolded)),
        (OrderField::Name, true) => ("name_desc", Expr::col(actor::Column::NameFolded)),
        (OrderField::UpdatedAt, false) => ("updated_asc", Expr::col(actor::Column::UpdatedAt)),
        (OrderField::UpdatedAt, true) => ("updated_desc", Expr::col(actor::Column::UpdatedAt)),
        (OrderField::Slug, descending) => (
            if descending { "slug_desc" } else { "slug_asc" },
            Expr::col(actor::Column::Slug),
        ),
    };
    SortSpec {
        name,
        key,
        id: Expr::col(actor::Column::Id),
        descending: ordering.descending,
    }
}

fn sort_value(field: OrderField, row: &actor::Model) -> SortValue {
    match field {
        OrderField::Name => SortValue::Text(row.name_folded.clone()),
        OrderField::UpdatedAt => SortValue::Time(row.updated_at),
        OrderField::Slug => SortValue::Text(row.slug.clone()),
    }
}

/// One page of actors matching `filter`, in `ordering`.
#[instrument(skip_all, fields(entity = "actor"))]
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    ordering: Ordering,
    request: &PageRequest,
) -> Result<Page<actor::Model>, Error> {
    let select = apply(filter, actor::Entity::find());
    page::fetch(
        db,
        select,
        &sort_spec(ordering),
        request,
        |row| sort_value(ordering.field, row),
        |row| row.id,
    )
    .await
}

/// How many actors match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> Result<u64, Error> {
    Ok(apply(filter, actor::Entity::find()).count(db).await?)
}

/// The actor with this id, if any.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<actor::Model>, Error> {
    Ok(actor::Entity::find_by_id(id).one(db).await?)
}

/// The actor with this slug, if any.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<actor::Model>, Error> {
    if !super::validate::slug_to_look_up("slug", slug)? {
        return Ok(None);
    }
    Ok(actor::Entity::find()
        .filter(actor::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The actors with these ids, by id.
pub async fn load_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, actor::Model>, Error> {
    let rows =
        rows_where_in::<actor::Entity, _, _>(db, actor::Column::Id, ids, actor::Column::Id).await?;
    Ok(index_by(rows, |row| row.id))
}
