//! Actors: the record type and its filter.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, QueryFilter, Select};
use symbios_entity::vocabulary::ActorKind;
use symbios_entity::{actor, external_identifier};
use symbios_search::Kind;

use super::record::Narrowing;
use super::record::{listed, record_type};
use super::search_documents::{Indexed, Searchable};
use super::{Error, limits, validate};

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

record_type!(
    /// The actors: a listed record type.
    Actors: actor, "actor"
);
listed!(Actors: actor, Filter, check = Filter::checked, narrow = apply);

impl Searchable for Actors {
    const KIND: Kind = Kind::Actor;

    fn indexed(row: &actor::Model) -> Indexed {
        Indexed::named(&row.name, &row.country)
    }
}

fn apply(filter: &Filter, select: Select<actor::Entity>) -> Select<actor::Entity> {
    let select = select
        .any_of(actor::Column::Country, &filter.countries)
        .any_of(actor::Column::Kind, &filter.kinds)
        .folded_contains(actor::Column::NameFolded, filter.name_contains.as_deref());
    if filter.schemes.is_empty() {
        return select;
    }
    let identified = Query::select()
        .column(external_identifier::Column::ActorId)
        .from(external_identifier::Entity)
        .and_where(external_identifier::Column::Scheme.is_in(filter.schemes.clone()))
        .to_owned();
    select.filter(actor::Column::Id.in_subquery(identified))
}
