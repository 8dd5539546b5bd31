//! An entry of the controlled theme vocabulary; its labels are in `localized_text`.

use sea_orm::entity::prelude::*;

versioned_table!("theme", record {});
