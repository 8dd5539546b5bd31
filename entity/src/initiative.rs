//! A local or regional circular-economy initiative (the walk-through record type of
//! `docs/adding-a-record-type.md`). The description is in `localized_text`.

use sea_orm::entity::prelude::*;

versioned_table!("initiative", record {
    pub name: String,
    /// `name` lower-cased and without diacritics, for filtering and sorting.
    pub name_folded: String,
    pub country: String,
    pub original_lang: String,
});
