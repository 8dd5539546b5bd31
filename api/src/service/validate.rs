//! Checks of single input values shared by every operation; each error names its field.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Error;
use super::error::FieldError;
use super::lang::SUPPORTED_LANGUAGES;

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

/// `scheme` is an org-id.guide style identifier scheme such as `NO-BRC` or `wikidata`.
pub fn scheme(field: &str, scheme: &str) -> Result<(), Error> {
    let well_formed = (2..=32).contains(&scheme.len())
        && scheme
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            "must be 2–32 letters, digits, `-` or `_`, such as NO-BRC or wikidata",
        ))
    }
}

/// Lowercase ASCII letters and digits joined by single `-`, 1–120 characters.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Texts of one field by language tag.
pub type Localized = BTreeMap<String, String>;

/// Longest name or title.
pub const MAX_NAME: usize = 300;
/// Longest localized text.
pub const MAX_TEXT: usize = 20_000;

/// Collects every refused field of one input, so that the caller hears of all of them at once.
#[derive(Debug, Default)]
pub struct Violations {
    errors: Vec<FieldError>,
}

impl Violations {
    /// Records that `field` is refused because of `reason`.
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// Records the refusal in `result`, if any.
    pub fn check(&mut self, result: Result<(), Error>) {
        if let Err(error) = result {
            self.errors.extend(error.field_errors());
        }
    }

    /// `Ok` when nothing was refused.
    pub fn into_result(self) -> Result<(), Error> {
        match self.errors.len() {
            0 => Ok(()),
            _ => Err(Error::InvalidFields(self.errors)),
        }
    }

    /// Whether nothing was refused so far.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// A required text: not blank, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max {
            self.add(field, format!("is longer than {max} characters"));
        }
    }

    /// An optional text: when given, not blank and at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, max);
        }
    }

    /// A slug: lowercase ASCII letters and digits joined by `-`, at most 120 characters.
    pub fn slug(&mut self, field: &str, slug: &str) {
        if !is_slug(slug) {
            self.add(
                field,
                "must be lowercase ASCII letters and digits joined by `-` (at most 120)",
            );
        }
    }

    /// An ISO 3166-1 alpha-2 country code.
    pub fn country(&mut self, field: &str, code: &str) {
        self.check(country(field, code));
    }

    /// A supported language tag.
    pub fn lang(&mut self, field: &str, lang: &str) {
        if !SUPPORTED_LANGUAGES.contains(&lang) {
            self.add(
                field,
                format!(
                    "`{}` is not one of {}",
                    lang.chars().take(20).collect::<String>(),
                    SUPPORTED_LANGUAGES.join(", ")
                ),
            );
        }
    }

    /// Texts by language: supported tags, non-empty texts, and (when `required` or when any
    /// text is given) one in the original language.
    pub fn localized(&mut self, field: &str, texts: &Localized, original: &str, required: bool) {
        if texts.is_empty() && !required {
            return;
        }
        for (lang, value) in texts {
            self.lang(&format!("{field}.{lang}"), lang);
            self.text(&format!("{field}.{lang}"), value, MAX_TEXT);
        }
        if !texts.contains_key(original) {
            self.add(
                field,
                format!("has no text in the original language `{original}`"),
            );
        }
    }

    /// An http(s) URL of at most 500 characters.
    pub fn url(&mut self, field: &str, value: &str) {
        if value.len() > 500 {
            self.add(field, "is longer than 500 characters");
            return;
        }
        match url::Url::parse(value) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
            _ => self.add(field, "must be an http(s) URL"),
        }
    }

    /// A year between 1800 and 2100.
    pub fn year(&mut self, field: &str, year: Option<i32>) {
        if let Some(year) = year
            && !(1800..=2100).contains(&year)
        {
            self.add(field, format!("{year} is outside 1800–2100"));
        }
    }

    /// A date range whose start is not after its end.
    pub fn date_range(&mut self, field: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) {
        if let (Some(start), Some(end)) = (start, end)
            && start > end
        {
            self.add(field, format!("ends ({end}) before it starts ({start})"));
        }
    }

    /// Latitude and longitude: both or neither, within range.
    pub fn coordinates(&mut self, latitude: Option<f64>, longitude: Option<f64>) {
        match (latitude, longitude) {
            (Some(latitude), Some(longitude)) => {
                if !(-90.0..=90.0).contains(&latitude) {
                    self.add("latitude", format!("{latitude} is outside −90…90"));
                }
                if !(-180.0..=180.0).contains(&longitude) {
                    self.add("longitude", format!("{longitude} is outside −180…180"));
                }
            }
            (None, None) => {}
            _ => self.add("latitude", "give both latitude and longitude, or neither"),
        }
    }

    /// A non-negative finite amount and its ISO 4217 currency, which an amount needs.
    pub fn amount(&mut self, field: &str, amount: Option<f64>, currency: Option<&str>) {
        if let Some(amount) = amount
            && !(amount.is_finite() && amount >= 0.0)
        {
            self.add(field, "must be a non-negative number");
        }
        match currency {
            Some(code) if iso_currency::Currency::from_code(code).is_none() => self.add(
                "currency",
                format!(
                    "`{}` is not an ISO 4217 currency code such as EUR, SEK or NOK",
                    code.chars().take(20).collect::<String>()
                ),
            ),
            None if amount.is_some() => self.add("currency", "an amount needs its currency"),
            _ => {}
        }
    }

    /// A finite number.
    pub fn finite(&mut self, field: &str, value: Option<f64>) {
        if let Some(value) = value
            && !value.is_finite()
        {
            self.add(field, "must be a finite number");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_collect_every_field() {
        let mut violations = Violations::default();
        violations.text("name", " ", 10);
        violations.country("country", "XX");
        violations.url("website", "ftp://example.org");
        violations.coordinates(Some(91.0), None);
        violations.amount("amount", Some(-1.0), Some("EURO"));
        violations.lang("originalLang", "xx");
        let Err(Error::InvalidFields(errors)) = violations.into_result() else {
            panic!("expected refused fields");
        };
        let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "country",
                "website",
                "latitude",
                "amount",
                "currency",
                "originalLang"
            ]
        );
    }

    #[test]
    fn schemes() {
        assert!(scheme("scheme", "NO-BRC").is_ok());
        assert!(scheme("scheme", "wikidata").is_ok());
        assert!(scheme("scheme", "no spaces").is_err());
        assert!(scheme("scheme", "").is_err());
    }

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
