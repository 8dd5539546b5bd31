//! The EU project fields' shared objects: NUTS regions (a record's region and the regions
//! containing it) and amounts of money (a project's budget and EU contribution).

use async_graphql::{InputObject, SimpleObject};

use crate::graphql::mutation::input::{At, FromInput};
use crate::service::{nuts, project};

/// A NUTS region (Eurostat's NUTS 2024 classification, levels 1 to 3).
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct NutsRegion {
    /// NUTS code, e.g. `SE232`.
    pub code: String,
    /// 1 (largest), 2 or 3 (smallest).
    pub level: i32,
    /// Eurostat's name, e.g. `Västra Götalands län`.
    pub name: String,
}

/// The region of `code` and each region containing it, most specific first; empty without
/// a code.
pub fn nuts_path(code: Option<&str>) -> Vec<NutsRegion> {
    code.map(nuts::path)
        .unwrap_or_default()
        .into_iter()
        .map(|region| NutsRegion {
            code: region.code.to_owned(),
            level: i32::from(region.level),
            name: region.name.to_owned(),
        })
        .collect()
}

/// An amount of money.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct Money {
    /// The amount as published, in `currency`.
    pub amount: f64,
    /// ISO 4217 currency code, e.g. `EUR`.
    pub currency: String,
}

impl Money {
    /// The amount and currency of two optional columns, when both are set.
    pub fn of(amount: Option<f64>, currency: Option<&str>) -> Option<Money> {
        Some(Money {
            amount: amount?,
            currency: currency?.to_owned(),
        })
    }
}

/// An amount of money to write.
#[derive(InputObject, Debug, Clone)]
pub struct MoneyInput {
    /// Non-negative.
    pub amount: f64,
    /// ISO 4217, e.g. EUR, SEK, NOK.
    pub currency: String,
}

impl FromInput<MoneyInput> for project::Money {
    fn from_input(input: MoneyInput, _at: At) -> async_graphql::Result<Self> {
        Ok(project::Money {
            amount: input.amount,
            currency: input.currency,
        })
    }
}
