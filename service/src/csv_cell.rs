//! CSV cells safe to open in a spreadsheet: a text cell that starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return would be read as a formula (CSV injection), so it gets a
//! leading `'`, which spreadsheets show as text. Numbers (`-5`, `+3.5`) are left as they
//! are: they are values, not formulas. Quoting (RFC 4180) is the `csv` crate's.

use std::borrow::Cow;

/// `cell`, prefixed with `'` when a spreadsheet would take it for a formula.
pub fn guard(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_kept() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+46 8 123"), "'+46 8 123");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("-2+3"), "'-2+3");
        assert_eq!(guard("\tx"), "'\tx");
        assert_eq!(guard("-5"), "-5");
        assert_eq!(guard("Kalundborg"), "Kalundborg");
        assert_eq!(guard(""), "");
    }
}
