//! Text folding for name filters and sorting: lower case, no diacritics, so that `sotenas`
//! finds "Sotenäs" and `orsted` finds "Ørsted" on SQLite and PostgreSQL alike.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases `text` and removes diacritics; letters that do not decompose (ø, æ, ß, đ, ł)
/// are spelled out the way Nordic and German readers type them without the key.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for character in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        for lower in character.to_lowercase() {
            match lower {
                'ø' => folded.push('o'),
                'æ' => folded.push_str("ae"),
                'œ' => folded.push_str("oe"),
                'ß' => folded.push_str("ss"),
                'đ' => folded.push('d'),
                'ł' => folded.push('l'),
                'þ' => folded.push_str("th"),
                other => folded.push(other),
            }
        }
    }
    folded
}

/// A `LIKE` pattern that matches `needle` anywhere, with `\` as the escape character.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for character in fold(needle).chars() {
        if matches!(character, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_nordic_and_german_letters() {
        for (name, folded) in [
            ("Sotenäs", "sotenas"),
            ("Ørsted", "orsted"),
            (
                "Næringshagen i Orkdalsregionen",
                "naeringshagen i orkdalsregionen",
            ),
            ("Linköpings universitet", "linkopings universitet"),
            ("Straße", "strasse"),
            ("Ålesund", "alesund"),
        ] {
            assert_eq!(fold(name), folded, "{name}");
        }
    }

    #[test]
    fn pattern_escapes_wildcards() {
        assert_eq!(contains_pattern("50%_x"), "%50\\%\\_x%");
        assert_eq!(contains_pattern("a\\b"), "%a\\\\b%");
    }
}
