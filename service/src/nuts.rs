//! NUTS regions: Eurostat's NUTS 2024 codes (levels 1 to 3) of the countries in the bundled
//! dataset, read from `nuts/nuts.tsv` (source, version and licence in `nuts/NOTICE.md`).
//! A record keeps its most specific code; the regions containing it are its prefixes
//! (`SE232` ⊂ `SE23` ⊂ `SE2`), which is also how a filter finds sub-regions.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::{Error, limits};

/// The bundled list, one `code<TAB>level<TAB>name` per line.
const LIST: &str = include_str!("../nuts/nuts.tsv");

/// One NUTS region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// E.g. `SE232`.
    pub code: &'static str,
    /// 1, 2 or 3.
    pub level: u8,
    /// Eurostat's name, e.g. `Västra Götalands län`.
    pub name: &'static str,
}

static REGIONS: LazyLock<BTreeMap<&'static str, Region>> = LazyLock::new(|| {
    LIST.lines()
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let (code, level, name) = (cells.next()?, cells.next()?, cells.next()?);
            let level = level.parse().ok()?;
            Some((code, Region { code, level, name }))
        })
        .collect()
});

/// The region of `code` (upper case), if the list has it.
pub fn region(code: &str) -> Option<&'static Region> {
    REGIONS.get(code)
}

/// The region of `code`, then each region containing it, up to level 1; empty for a code
/// the list does not have.
pub fn path(code: &str) -> Vec<&'static Region> {
    (3..=code.len())
        .rev()
        .filter_map(|length| code.get(..length))
        .filter_map(region)
        .collect()
}

/// `code` upper-cased when the list has it, else why not, for input field `field`.
pub fn checked(field: &str, code: &str) -> Result<String, Error> {
    let upper = code.to_ascii_uppercase();
    match region(&upper) {
        Some(region) => Ok(region.code.to_owned()),
        None => Err(Error::invalid(
            field,
            format!(
                "`{}` is not a NUTS 2024 code (levels 1–3) of DK, FR, NL, NO or SE, such as \
                 SE2, SE23 or SE232",
                code.chars().take(20).collect::<String>()
            ),
        )),
    }
}

/// The codes of filter argument `field`: repeats folded, at most [`limits::MAX_NUTS_CODES`], each
/// known, upper-cased.
pub fn filter_codes(field: &str, codes: Vec<String>) -> Result<Vec<String>, Error> {
    let codes = limits::fold(field, codes, limits::MAX_NUTS_CODES)?;
    let mut known: Vec<String> = Vec::with_capacity(codes.len());
    for code in &codes {
        let code = checked(field, code)?;
        if !known.contains(&code) {
            known.push(code);
        }
    }
    Ok(known)
}

/// The `LIKE` patterns matching `codes` and their sub-regions. Codes are checked against the
/// list, which holds letters and digits only, so nothing needs escaping.
pub fn prefix_patterns(codes: &[String]) -> Vec<String> {
    codes.iter().map(|code| format!("{code}%")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_every_level_of_the_dataset_countries() {
        for country in ["DK", "FR", "NL", "NO", "SE"] {
            for level in 1..=3 {
                assert!(
                    REGIONS
                        .values()
                        .any(|region| region.code.starts_with(country) && region.level == level),
                    "{country} level {level}"
                );
            }
        }
        assert_eq!(REGIONS.len(), LIST.lines().count());
    }

    #[test]
    fn a_path_runs_from_the_region_to_level_one() {
        let path: Vec<(&str, u8, &str)> = path("SE232")
            .into_iter()
            .map(|region| (region.code, region.level, region.name))
            .collect();
        assert_eq!(
            path,
            [
                ("SE232", 3, "Västra Götalands län"),
                ("SE23", 2, "Västsverige"),
                ("SE2", 1, "Södra Sverige"),
            ]
        );
        assert!(super::path("XX999").is_empty());
    }

    #[test]
    fn codes_are_checked_and_upper_cased() {
        assert_eq!(checked("nutsCode", "no0a3").ok().as_deref(), Some("NO0A3"));
        assert!(checked("nutsCode", "SE9").is_err());
        assert!(checked("nutsCode", "SEZZZ").is_err());
        let folded = filter_codes("filter.nuts", vec!["se2".into(), "SE2".into()]);
        assert_eq!(folded.ok(), Some(vec!["SE2".to_owned()]));
    }
}
