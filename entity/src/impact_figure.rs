//! A published impact figure of a case study (metric, value, unit, year).

use sea_orm::entity::prelude::*;

versioned_table!("impact_figure", relation {
    pub case_study_id: Uuid,
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub year: Option<i32>,
    pub note: Option<String>,
});
