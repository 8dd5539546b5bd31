//! Public sources of case studies.

use symbios_entity::source;

use super::case_study::CaseStudies;
use super::relation::relation;

relation!(
    /// Sources: a public source a case study is based on.
    Sources: source;
    /// The case study a source belongs to.
    CaseStudyId(case_study_id) -> CaseStudies;
);
