//! Checks of single input values shared by every operation; each error names its field.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::error::FieldError;
use super::lang::SUPPORTED_LANGUAGES;
use super::{Error, limits};

/// Longest free-text filter accepted.
pub const MAX_FILTER_TEXT: usize = 200;

/// Which control characters a text may hold.
///
/// No text takes NUL or any other C0 or C1 control (Unicode category Cc): PostgreSQL cannot
/// store NUL at all, and the others are invisible in every client. Long texts keep their
/// layout: line breaks (`\n`, and `\r` as in `\r\n`) and tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Names, titles, slugs, ids, schemes, keys, codes, filters: no control characters.
    Line,
    /// Descriptions, summaries, bodies and notes: line breaks and tabs, no other controls.
    Paragraphs,
}

/// The first control character `text` may not hold as a text of `kind`, with its position
/// (counted in characters from 1).
pub fn forbidden_control(text: &str, kind: TextKind) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, character)| {
            character.is_control()
                && !(kind == TextKind::Paragraphs && matches!(character, '\n' | '\r' | '\t'))
        })
        .map(|(index, character)| (index + 1, character))
}

/// Why a text with a forbidden control character is refused.
fn control_reason(position: usize, character: char, kind: TextKind) -> String {
    let allowed = match kind {
        TextKind::Line => "one-line values take no control characters",
        TextKind::Paragraphs => "long texts take only line breaks and tabs",
    };
    format!(
        "holds the control character U+{:04X} at character {position}; {allowed}",
        u32::from(character)
    )
}

/// `text` holds no control character that a text of `kind` may not hold.
pub fn controls(field: &str, text: &str, kind: TextKind) -> Result<(), Error> {
    match forbidden_control(text, kind) {
        Some((position, character)) => Err(Error::invalid(
            field,
            control_reason(position, character, kind),
        )),
        None => Ok(()),
    }
}

/// A one-line text argument (slug, key, scheme, filter): no control characters.
pub fn one_line(field: &str, text: &str) -> Result<(), Error> {
    controls(field, text, TextKind::Line)
}

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

/// Country codes given in list argument `field`: repeats folded, at most
/// [`limits::MAX_COUNTRIES`] different ones, each a code [`country`] accepts.
pub fn countries(field: &str, codes: Vec<String>) -> Result<Vec<String>, Error> {
    let codes = limits::fold(field, codes, limits::MAX_COUNTRIES)?;
    for code in &codes {
        country(field, code)?;
    }
    Ok(codes)
}

/// One-line values of list argument `field` (theme slugs, schemes): repeats folded, at most
/// `max` different ones, none with a control character.
pub fn filter_values(field: &str, values: Vec<String>, max: usize) -> Result<Vec<String>, Error> {
    let values = limits::fold(field, values, max)?;
    for value in &values {
        one_line(field, value)?;
    }
    Ok(values)
}

/// An optional free-text filter, as [`filter_text`].
pub fn optional_filter_text(field: &str, text: Option<String>) -> Result<Option<String>, Error> {
    if let Some(text) = &text {
        filter_text(field, text)?;
    }
    Ok(text)
}

/// A range of years, both ends optional and inclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearRange {
    /// In or after this year.
    pub from: Option<i32>,
    /// In or before this year.
    pub to: Option<i32>,
}

impl YearRange {
    /// The years from `from` to `to`, either end open when `None`.
    pub fn between(from: Option<i32>, to: Option<i32>) -> Self {
        Self { from, to }
    }

    /// The range checked by [`year_range`]; errors name `from_field`.
    pub fn checked(self, from_field: &str) -> Result<Self, Error> {
        year_range(from_field, self.from, self.to)?;
        Ok(self)
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

/// A free-text filter is one line of at most [`MAX_FILTER_TEXT`] characters.
pub fn filter_text(field: &str, text: &str) -> Result<(), Error> {
    one_line(field, text)?;
    if text.chars().count() > MAX_FILTER_TEXT {
        Err(Error::invalid(
            field,
            format!("is longer than {MAX_FILTER_TEXT} characters"),
        ))
    } else {
        Ok(())
    }
}

/// `scheme` is an org-id.guide style identifier scheme such as `NO-BRC` or `wikidata`
/// (ASCII only, so it never holds a control character).
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

/// Whether `slug` (argument `field` of a lookup) can name a record: a slug with control
/// characters is refused like every text argument; any other malformed slug cannot exist,
/// so it finds nothing without asking the database.
pub fn slug_to_look_up(field: &str, slug: &str) -> Result<bool, Error> {
    one_line(field, slug)?;
    Ok(is_slug(slug))
}

/// Texts of one field by language tag.
pub type Localized = BTreeMap<String, String>;

/// Longest name or title.
pub const MAX_NAME: usize = 300;
/// Longest localized text.
pub const MAX_TEXT: usize = 20_000;

/// Collects every refused field of one input, so that the caller hears of all of them at once.
///
/// Some refusals also mean that the input must not reach the database at all, not even in a
/// lookup (is this slug taken? does this theme exist?): a control character (PostgreSQL
/// cannot even receive a NUL) or a list over its maximum. They are recorded with
/// [`Violations::refuse`], and [`Violations::lookups_allowed`] tells the checks against the
/// database to stay away. Other refusals (a malformed slug, a blank name) still let them
/// run, so that every refused field is reported at once.
#[derive(Debug, Default)]
pub struct Violations {
    errors: Vec<FieldError>,
    unsafe_to_look_up: bool,
}

impl Violations {
    /// Records that `field` is refused because of `reason`.
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// Records that `field` is refused because of `reason`, and that the input must not be
    /// looked up in the database.
    pub fn refuse(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.unsafe_to_look_up = true;
        self.add(field, reason);
    }

    /// Whether the input may be checked against the database: nothing refused so far makes
    /// a lookup unsafe or pointless.
    pub fn lookups_allowed(&self) -> bool {
        !self.unsafe_to_look_up
    }

    /// Refuses control characters that a text of `kind` may not hold; `true` when there are
    /// none.
    pub fn controls(&mut self, field: &str, value: &str, kind: TextKind) -> bool {
        match forbidden_control(value, kind) {
            Some((position, character)) => {
                self.refuse(field, control_reason(position, character, kind));
                false
            }
            None => true,
        }
    }

    /// A list of `len` different values (repeats folded already) at most `max` long; `true`
    /// when it is.
    pub fn list_length(&mut self, field: &str, len: usize, max: usize) -> bool {
        if len > max {
            self.refuse(field, limits::too_long(max));
            false
        } else {
            true
        }
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

    /// A required one-line text: not blank, no control characters, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        self.text_of_kind(field, value, max, TextKind::Line);
    }

    /// A required long text: not blank, no control characters but line breaks and tabs, at
    /// most `max` characters.
    pub fn long_text(&mut self, field: &str, value: &str, max: usize) {
        self.text_of_kind(field, value, max, TextKind::Paragraphs);
    }

    fn text_of_kind(&mut self, field: &str, value: &str, max: usize, kind: TextKind) {
        if !self.controls(field, value, kind) {
            return;
        }
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max {
            self.add(field, format!("is longer than {max} characters"));
        }
    }

    /// An optional one-line text: when given, as [`Violations::text`].
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, max);
        }
    }

    /// An optional long text: when given, as [`Violations::long_text`].
    pub fn optional_long_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.long_text(field, value, max);
        }
    }

    /// A slug: lowercase ASCII letters and digits joined by `-`, at most 120 characters.
    pub fn slug(&mut self, field: &str, slug: &str) {
        if self.controls(field, slug, TextKind::Line) && !is_slug(slug) {
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

    /// Long texts by language (descriptions, summaries, bodies): supported tags, non-empty
    /// texts that may hold line breaks and tabs, and (when `required` or when any text is
    /// given) one in the original language.
    pub fn localized(&mut self, field: &str, texts: &Localized, original: &str, required: bool) {
        self.localized_of_kind(field, texts, original, required, TextKind::Paragraphs);
    }

    /// One-line texts by language (theme labels), as [`Violations::localized`] otherwise.
    pub fn localized_labels(
        &mut self,
        field: &str,
        texts: &Localized,
        original: &str,
        required: bool,
    ) {
        self.localized_of_kind(field, texts, original, required, TextKind::Line);
    }

    fn localized_of_kind(
        &mut self,
        field: &str,
        texts: &Localized,
        original: &str,
        required: bool,
        kind: TextKind,
    ) {
        if texts.is_empty() && !required {
            return;
        }
        if !self.list_length(field, texts.len(), limits::MAX_LANGUAGES) {
            return;
        }
        for (lang, value) in texts {
            let name = format!("{field}.{}", lang.chars().take(20).collect::<String>());
            self.lang(&name, lang);
            self.text_of_kind(&name, value, MAX_TEXT, kind);
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
        if !self.controls(field, value, TextKind::Line) {
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

    /// A NUTS code of the bundled list, in `country` (the code's first two letters).
    pub fn nuts(&mut self, field: &str, code: Option<&str>, country: &str) {
        let Some(code) = code else {
            return;
        };
        match crate::nuts::checked(field, code) {
            Err(error) => self.check(Err(error)),
            Ok(code) if !code.starts_with(country) => self.add(
                field,
                format!("`{code}` is a region outside the record's country {country}"),
            ),
            Ok(_) => {}
        }
    }

    /// An amount of money: a non-negative number and an ISO 4217 currency.
    pub fn money(&mut self, field: &str, amount: f64, currency: &str) {
        if !(amount.is_finite() && amount >= 0.0) {
            self.add(format!("{field}.amount"), "must be a non-negative number");
        }
        if iso_currency::Currency::from_code(currency).is_none() {
            self.add(
                format!("{field}.currency"),
                format!(
                    "`{}` is not an ISO 4217 currency code such as EUR, SEK or NOK",
                    currency.chars().take(20).collect::<String>()
                ),
            );
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
    fn one_line_values_take_no_control_characters() {
        assert!(one_line("slug", "kalundborg").is_ok());
        for text in ["a\0b", "a\nb", "a\tb", "a\u{7f}", "a\u{85}b", "\u{9f}"] {
            assert!(one_line("slug", text).is_err(), "{text:?}");
        }
        let error = one_line("name", "a\0b").unwrap_err().to_string();
        assert_eq!(
            error,
            "name: holds the control character U+0000 at character 2; one-line values take no control characters"
        );
    }

    #[test]
    fn long_texts_keep_line_breaks_and_tabs_only() {
        let kind = TextKind::Paragraphs;
        assert_eq!(forbidden_control("one\r\ntwo\tthree\n", kind), None);
        assert_eq!(forbidden_control("bell\u{7}", kind), Some((5, '\u{7}')));
        assert_eq!(forbidden_control("nul\0", kind), Some((4, '\0')));
        assert_eq!(
            forbidden_control("next line\u{85}", kind),
            Some((10, '\u{85}'))
        );
    }

    #[test]
    fn refusals_that_keep_input_from_the_database() {
        let mut violations = Violations::default();
        violations.text("name", "", 10);
        violations.country("country", "XX");
        assert!(
            violations.lookups_allowed(),
            "blank or unknown values are looked up safely"
        );
        violations.text("identifiers[0].value", "a\0", 200);
        assert!(!violations.lookups_allowed());
        let mut slugs = Violations::default();
        slugs.slug("slug", "Not A Slug");
        assert!(
            slugs.lookups_allowed(),
            "a malformed slug finds nothing, safely"
        );
        slugs.slug("slug", "a\0");
        assert!(!slugs.lookups_allowed());
    }

    #[test]
    fn slugs_to_look_up() {
        assert_eq!(slug_to_look_up("slug", "kalundborg").ok(), Some(true));
        assert_eq!(slug_to_look_up("slug", "Not A Slug").ok(), Some(false));
        assert!(slug_to_look_up("slug", "a\0b").is_err());
    }

    /// Asserts that `check` takes each of `valid` and refuses each of `invalid`.
    fn takes_only(check: fn(&str, &str) -> Result<(), Error>, valid: &[&str], invalid: &[&str]) {
        for value in valid {
            assert!(check("field", value).is_ok(), "{value:?} is valid");
        }
        for value in invalid {
            assert!(check("field", value).is_err(), "{value:?} is refused");
        }
    }

    #[test]
    fn schemes() {
        takes_only(scheme, &["NO-BRC", "wikidata"], &["no spaces", ""]);
    }

    #[test]
    fn countries() {
        takes_only(country, &["SE", "EU"], &["se", "XX", "SWE"]);
    }

    #[test]
    fn year_ranges() {
        assert!(year_range("yearFrom", Some(2000), Some(2020)).is_ok());
        assert!(year_range("yearFrom", Some(2021), Some(2020)).is_err());
        assert!(year_range("yearFrom", Some(-5), None).is_err());
        assert!(year_range("yearFrom", None, None).is_ok());
    }
}
