//! Funders: lists with filters and orders, lookups by id and slug, batched loads.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select};
use symbios_entity::funder;
use symbios_entity::vocabulary::FunderKind;
use tracing::instrument;
use uuid::Uuid;

use super::load::{group_by, index_by, rows_where_in};
use super::page::{self, Page, PageRequest, SortSpec, SortValue};
use super::{Error, limits, text, validate};

/// Which funders a list holds; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// ISO 3166-1 alpha-2 codes (`EU` for EU-level funders), any of.
    pub countries: Vec<String>,
    /// Kinds, any of.
    pub kinds: Vec<FunderKind>,
    /// Name contains this text, ignoring case and diacritics.
    pub name_contains: Option<String>,
}

impl Filter {
    /// The filter as given in argument `filter`, checked, with repeats folded.
    pub fn checked(self) -> Result<Self, Error> {
        Ok(Self {
            countries: validate::countries("filter.country", self.countries)?,
            kinds: limits::fold_vocabulary("filter.kind", self.kinds)?,
            name_contains: validate::optional_filter_text(
                "filter.nameContains",
                self.name_contains,
            )?,
        })
    }
}

/// What a funder list is sorted by.
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

/// A funder order: field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ordering {
    /// The sort field.
    pub field: OrderField,
    /// Largest first.
    pub descending: bool,
}

fn apply(filter: &Filter, select: Select<funder::Entity>) -> Select<funder::Entity> {
    let mut select = select;
    if !filter.countries.is_empty() {
        select = select.filter(funder::Column::Country.is_in(filter.countries.clone()));
    }
    if !filter.kinds.is_empty() {
        select = select.filter(funder::Column::Kind.is_in(filter.kinds.clone()));
    }
    if let Some(needle) = &filter.name_contains {
        select = select.filter(
            Expr::col(funder::Column::NameFolded)
                .like(LikeExpr::new(text::contains_pattern(needle)).escape('\\')),
        );
    }
    select
}

fn sort_spec(ordering: Ordering) -> SortSpec {
    let (name, key) = match (ordering.field, ordering.descending) {
        (OrderField::Name, false) => ("name_asc", Expr::col(funder::Column::NameFolded)),
        (OrderField::Name, true) => ("name_desc", Expr::col(funder::Column::NameFolded)),
        (OrderField::UpdatedAt, false) => ("updated_asc", Expr::col(funder::Column::UpdatedAt)),
        (OrderField::UpdatedAt, true) => ("updated_desc", Expr::col(funder::Column::UpdatedAt)),
        (OrderField::Slug, descending) => (
            if descending { "slug_desc" } else { "slug_asc" },
            Expr::col(funder::Column::Slug),
        ),
    };
    SortSpec {
        name,
        key,
        id: Expr::col(funder::Column::Id),
        descending: ordering.descending,
    }
}

fn sort_value(field: OrderField, row: &funder::Model) -> SortValue {
    match field {
        OrderField::Name => SortValue::Text(row.name_folded.clone()),
        OrderField::UpdatedAt => SortValue::Time(row.updated_at),
        OrderField::Slug => SortValue::Text(row.slug.clone()),
    }
}

/// One page of funders matching `filter`, in `ordering`.
#[instrument(skip_all, fields(entity = "funder"))]
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    ordering: Ordering,
    request: &PageRequest,
) -> Result<Page<funder::Model>, Error> {
    let select = apply(filter, funder::Entity::find());
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

/// How many funders match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> Result<u64, Error> {
    Ok(apply(filter, funder::Entity::find()).count(db).await?)
}

/// The funder with this id, if any.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<funder::Model>, Error> {
    Ok(funder::Entity::find_by_id(id).one(db).await?)
}

/// The funder with this slug, if any.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<funder::Model>, Error> {
    if !super::validate::slug_to_look_up("slug", slug)? {
        return Ok(None);
    }
    Ok(funder::Entity::find()
        .filter(funder::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The funders with these ids, by id.
pub async fn load_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, funder::Model>, Error> {
    let rows =
        rows_where_in::<funder::Entity, _, _>(db, funder::Column::Id, ids, funder::Column::Id)
            .await?;
    Ok(index_by(rows, |row| row.id))
}

/// The funder record each actor also is, by actor id.
pub async fn by_actor(
    db: &impl ConnectionTrait,
    actor_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<funder::Model>>, Error> {
    let rows = rows_where_in::<funder::Entity, _, _>(
        db,
        funder::Column::ActorId,
        actor_ids,
        funder::Column::Id,
    )
    .await?;
    Ok(group_by(rows, |row| row.actor_id.unwrap_or_default()))
}
