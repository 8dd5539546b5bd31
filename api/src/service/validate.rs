//! Checks of single input values shared by every operation; each error names its field.

use super::Error;

/// Longest free-text filter accepted.
pub const MAX_FILTER_TEXT: usize = 200;

/// `code` is an ISO 3166-1 alpha-2 country code (or `EU`, for EU-level funders).
pub fn country(field: &str, code: &str) -> Result<(), Error> {
    let well_formed = code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_uppercase());
    if well_formed && (code == "EU" || celes::Country::from_alpha2(code).is_ok()) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!(
                "{:?} is not an ISO 3166-1 alpha-2 country code such as SE, NO or DK",
                code.chars().take(20).collect::<String>()
            ),
        ))
    }
}

/// `from..=to` is a range of years (either end may be open).
pub fn year_range(from_field: &str, from: Option<i32>, to: Option<i32>) -> Result<(), Error> {
    for year in [from, to].into_iter().flatten() {
        if !(0..=9999).contains(&year) {
            return Err(Error::invalid(
                from_field,
                format!("year {year} is out of range 0–9999"),
            ));
        }
    }
    match (from, to) {
        (Some(from), Some(to)) if from > to => Err(Error::invalid(
            from_field,
            format!("{from} is after the end of the range, {to}"),
        )),
        _ => Ok(()),
    }
}

/// A free-text filter is not longer than [`MAX_FILTER_TEXT`] characters.
pub fn filter_text(field: &str, text: &str) -> Result<(), Error> {
    if text.chars().count() > MAX_FILTER_TEXT {
        Err(Error::invalid(
            field,
            format!("is longer than {MAX_FILTER_TEXT} characters"),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries() {
        assert!(country("country", "SE").is_ok());
        assert!(country("country", "EU").is_ok());
        assert!(country("country", "se").is_err());
        assert!(country("country", "XX").is_err());
        assert!(country("country", "SWE").is_err());
    }

    #[test]
    fn year_ranges() {
        assert!(year_range("yearFrom", Some(2000), Some(2020)).is_ok());
        assert!(year_range("yearFrom", Some(2021), Some(2020)).is_err());
        assert!(year_range("yearFrom", Some(-5), None).is_err());
        assert!(year_range("yearFrom", None, None).is_ok());
    }
}
