//! Funders: the record type and its filter; the funder record of an actor.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Select};
use symbios_entity::funder;
use symbios_entity::vocabulary::FunderKind;
use symbios_search::Kind;
use uuid::Uuid;

use super::load::{group_by, rows_where_in};
use super::record::Narrowing;
use super::record::{listed, record_type};
use super::search_documents::{Indexed, Searchable};
use super::{Error, limits, validate};

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

record_type!(
    /// The funders: a listed record type.
    Funders: funder, "funder"
);
listed!(Funders: funder, Filter, check = Filter::checked, narrow = apply);

impl Searchable for Funders {
    const KIND: Kind = Kind::Funder;

    fn indexed(row: &funder::Model) -> Indexed {
        Indexed::named(&row.name, &row.country)
    }
}

fn apply(filter: &Filter, select: Select<funder::Entity>) -> Select<funder::Entity> {
    select
        .any_of(funder::Column::Country, &filter.countries)
        .any_of(funder::Column::Kind, &filter.kinds)
        .folded_contains(funder::Column::NameFolded, filter.name_contains.as_deref())
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
