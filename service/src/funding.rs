//! Fundings: money from a funder to a project.

use symbios_entity::funding;

use super::funder::Funders;
use super::project::Projects;
use super::relation::relation;

relation!(
    /// Fundings: money from a funder to a project.
    Fundings: funding;
    /// The funder granting a funding.
    FunderId(funder_id) -> Funders;
    /// The project funded.
    ProjectId(project_id) -> Projects;
);
