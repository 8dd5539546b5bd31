//! Bounds of a search's filter, checked before any query is built: each list may hold a
//! bounded number of different values, so that no request can make the search build an
//! unbounded query. Repeats are folded: a value given twice filters once, and counts once.

use std::collections::BTreeSet;
use std::fmt;

use crate::Error;
use crate::index::SearchFilter;

/// Most different countries in a filter: the 249 ISO 3166-1 codes, `XK` (Kosovo) and `EU`.
pub const MAX_FILTER_COUNTRIES: usize = 251;
/// Most different record types in a filter: more than any schema has.
pub const MAX_FILTER_KINDS: usize = 16;
/// Most different theme slugs in a filter.
pub const MAX_FILTER_THEMES: usize = 100;
/// Most different languages in a filter: one per language tag the index knows.
pub const MAX_FILTER_LANGS: usize = 8;
/// Most different flow categories in a filter: more than the vocabulary holds.
pub const MAX_FILTER_CATEGORIES: usize = 16;

/// A list of a [`SearchFilter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterList {
    /// [`SearchFilter::kinds`].
    Kinds,
    /// [`SearchFilter::countries`].
    Countries,
    /// [`SearchFilter::themes`].
    Themes,
    /// [`SearchFilter::langs`].
    Langs,
    /// [`SearchFilter::categories`].
    Categories,
}

impl FilterList {
    /// The most different values the list may hold.
    pub fn max(self) -> usize {
        match self {
            FilterList::Kinds => MAX_FILTER_KINDS,
            FilterList::Countries => MAX_FILTER_COUNTRIES,
            FilterList::Themes => MAX_FILTER_THEMES,
            FilterList::Langs => MAX_FILTER_LANGS,
            FilterList::Categories => MAX_FILTER_CATEGORIES,
        }
    }
}

impl fmt::Display for FilterList {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            FilterList::Kinds => "kinds",
            FilterList::Countries => "countries",
            FilterList::Themes => "themes",
            FilterList::Langs => "langs",
            FilterList::Categories => "categories",
        })
    }
}

impl SearchFilter {
    /// Refuses a list with more different values than its maximum.
    pub fn check(&self) -> Result<(), Error> {
        let kinds: BTreeSet<&str> = self.kinds.iter().map(|kind| kind.as_str()).collect();
        let excluded: BTreeSet<&str> = self
            .excluded_kinds
            .iter()
            .map(|kind| kind.as_str())
            .collect();
        let lists = [
            (FilterList::Kinds, kinds.len().max(excluded.len())),
            (FilterList::Countries, distinct(&self.countries).len()),
            (FilterList::Themes, distinct(&self.themes).len()),
            (FilterList::Langs, distinct(&self.langs).len()),
            (FilterList::Categories, distinct(&self.categories).len()),
        ];
        for (list, count) in lists {
            let max = list.max();
            if count > max {
                return Err(Error::InvalidFilter {
                    list,
                    reason: format!(
                        "has more than {max} different values; at most {max} are accepted"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// The different values of a list, each once.
pub(crate) fn distinct(values: &[String]) -> BTreeSet<&str> {
    values.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter_of(countries: Vec<String>) -> SearchFilter {
        SearchFilter {
            countries,
            ..SearchFilter::default()
        }
    }

    #[test]
    fn repeats_count_once() {
        assert!(filter_of(vec!["SE".to_owned(); 100_000]).check().is_ok());
    }

    #[test]
    fn too_many_different_values_are_refused_naming_the_list() {
        let countries: Vec<String> = (0..=MAX_FILTER_COUNTRIES)
            .map(|n| format!("{n:03}"))
            .collect();
        let at_most: Vec<String> = countries
            .iter()
            .take(MAX_FILTER_COUNTRIES)
            .cloned()
            .collect();
        assert!(filter_of(at_most).check().is_ok());
        match filter_of(countries).check() {
            Err(Error::InvalidFilter { list, reason }) => {
                assert_eq!(list, FilterList::Countries);
                assert!(reason.contains("251"), "{reason}");
            }
            other => panic!("expected a refused filter, got {other:?}"),
        }
    }
}
