//! Maxima of every list a caller sends (list arguments and list input fields), and the
//! folding of repeated values.
//!
//! Each maximum comes from the domain: there are 251 country codes (249 ISO 3166-1, `XK`
//! and `EU`), 8 language tags, a few values per vocabulary. Repeats are folded
//! first (the first of each value is kept, in the order given), then the different values
//! are counted: a repeated value asks for nothing more, so 500 copies of `SE` are one
//! country, while 252 different countries are refused with `BAD_USER_INPUT` naming the
//! field and the maximum. Folding is linear (a hash set), so it costs little even for a
//! list as long as the request body allows; the HTTP layer bounds list lengths before
//! execution as well. Every maximum keeps the statements a list reaches far below the
//! databases' bind limits (32,766 variables for SQLite, 65,535 for PostgreSQL).

use std::collections::HashSet;
use std::hash::Hash;

use super::Error;

/// Countries in a filter: every code the API accepts (the 249 ISO 3166-1 alpha-2 codes,
/// `XK` for Kosovo, `EU` for EU-level funders).
pub const MAX_COUNTRIES: usize = 251;
/// Texts of one localized field, or languages in a filter: one per supported language tag.
pub const MAX_LANGUAGES: usize = super::lang::SUPPORTED_LANGUAGES.len();
/// Theme slugs in a filter or on a record; the vocabulary holds 14 themes.
pub const MAX_THEMES: usize = 100;
/// Identifier schemes in a filter.
pub const MAX_SCHEMES: usize = 100;
/// Records named by slug or id in a filter (a flow's case studies or actors).
pub const MAX_RECORD_REFS: usize = 100;
/// Identifiers of one actor: one per scheme (org-id.guide lists, wikidata …).
pub const MAX_IDENTIFIERS: usize = 50;
/// Projects a case study belongs to.
pub const MAX_PROJECT_IDS: usize = 100;
/// Sources of one case study.
pub const MAX_SOURCES: usize = 100;
/// NUTS codes in a filter: the bundled list (`nuts/nuts.tsv`) has 272.
pub const MAX_NUTS_CODES: usize = 300;

/// Why a list of more than `max` different values is refused.
pub fn too_long(max: usize) -> String {
    format!("has more than {max} different values; at most {max} are accepted")
}

/// `values` (argument or input field `field`) with repeats folded, in the order first
/// given, when at most `max` different values remain.
pub fn fold<T: Eq + Hash + Clone>(
    field: &str,
    values: Vec<T>,
    max: usize,
) -> Result<Vec<T>, Error> {
    let mut seen: HashSet<T> = HashSet::new();
    let mut folded: Vec<T> = Vec::new();
    for value in values {
        if seen.insert(value.clone()) {
            if folded.len() == max {
                return Err(Error::invalid(field, too_long(max)));
            }
            folded.push(value);
        }
    }
    Ok(folded)
}

/// Values of a closed vocabulary (an enum), each once: a list of them is capped by the
/// vocabulary's size, which folding alone guarantees.
pub fn fold_vocabulary<T: Eq + Hash + Clone + sea_orm::Iterable>(
    field: &str,
    values: Vec<T>,
) -> Result<Vec<T>, Error> {
    fold(field, values, T::iter().count())
}

#[cfg(test)]
mod tests {
    use sea_orm::Iterable;
    use symbios_entity::vocabulary::ActorKind;

    use super::*;

    #[test]
    fn repeats_are_folded_in_order() {
        let values = ["SE", "NO", "SE", "DK", "NO"].map(str::to_owned).to_vec();
        assert_eq!(
            fold("country", values, 5).unwrap(),
            ["SE", "NO", "DK"].map(str::to_owned)
        );
    }

    #[test]
    fn different_values_are_capped_after_folding() {
        let countries: Vec<String> = (0..=MAX_COUNTRIES).map(|n| format!("{n:03}")).collect();
        let error = fold("filter.country", countries, MAX_COUNTRIES).unwrap_err();
        assert_eq!(
            error.to_string(),
            "filter.country: has more than 251 different values; at most 251 are accepted"
        );
        assert_eq!(
            fold("country", vec!["SE"; 500], MAX_COUNTRIES).unwrap(),
            ["SE"]
        );
    }

    #[test]
    fn a_vocabulary_list_folds_to_at_most_its_size() {
        let all: Vec<ActorKind> = ActorKind::iter().chain(ActorKind::iter()).collect();
        let folded = fold_vocabulary("kind", all).unwrap();
        assert_eq!(folded.len(), ActorKind::iter().count());
    }
}
