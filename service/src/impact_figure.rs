//! Published impact figures of case studies.

use symbios_entity::impact_figure;

use super::case_study::CaseStudies;
use super::relation::relation;

relation!(
    /// Impact figures: a published figure of what a case study achieves.
    ImpactFigures: impact_figure;
    /// The case study a figure belongs to.
    CaseStudyId(case_study_id) -> CaseStudies;
);
