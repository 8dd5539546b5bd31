//! GraphQL enums mirroring the entity vocabularies, and list orders.

use async_graphql::Enum;
use symbios_entity::vocabulary;

use crate::graphql::mutation::input::{At, FromInput};

/// Input enums the service takes as its vocabulary's values.
macro_rules! vocabulary_inputs {
    ($($name:ident),+) => {
        $(impl FromInput<$name> for vocabulary::$name {
            fn from_input(input: $name, _at: At) -> async_graphql::Result<Self> {
                Ok(input.into())
            }
        })+
    };
}

vocabulary_inputs!(
    ActorKind,
    FunderKind,
    CaseStudyKind,
    CaseStudyStatus,
    ProjectStatus,
    ProgrammeKind
);

/// What kind of organisation (or person) an actor is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::ActorKind")]
pub enum ActorKind {
    Company,
    Municipality,
    Region,
    University,
    ResearchInstitute,
    Cluster,
    Network,
    Agency,
    Ngo,
    Consultancy,
    Person,
}

/// What kind of body a funder is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::FunderKind")]
pub enum FunderKind {
    EuFund,
    NationalAgency,
    Region,
    Municipality,
    Foundation,
    Private,
}

/// What kind of case a case study documents.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::CaseStudyKind")]
pub enum CaseStudyKind {
    IndustrialSymbiosisPark,
    IndustrialSymbiosisNetwork,
    IndustrialPark,
    BusinessNetwork,
    Cluster,
    RegionalProgramme,
}

/// Whether a case study is running.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::CaseStudyStatus")]
pub enum CaseStudyStatus {
    Active,
    Completed,
    Planned,
}

/// Whether a project is running.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::ProjectStatus")]
pub enum ProjectStatus {
    Planned,
    Ongoing,
    Completed,
}

/// The part an actor plays in a project.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::ParticipationRole")]
pub enum ParticipationRole {
    Lead,
    Partner,
    CoFinancer,
    SteeringGroup,
    Research,
    Host,
}

/// The part an actor plays in a case study.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::CaseStudyRole")]
pub enum CaseStudyRole {
    Operator,
    Coordinator,
    Facilitator,
    Supplier,
    Receiver,
    Partner,
    Researcher,
    PublicAuthority,
}

/// What a resource flow carries.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::FlowCategory")]
pub enum FlowCategory {
    Material,
    Energy,
    Water,
    Nutrient,
    ByProduct,
}

/// What kind of programme a funding comes from.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::ProgrammeKind")]
pub enum ProgrammeKind {
    /// An Interreg programme (European Territorial Cooperation), e.g. Interreg Sverige–Norge,
    /// Interreg Baltic Sea Region.
    Interreg,
    /// Horizon Europe (2021–2027).
    HorizonEurope,
    /// Horizon 2020 (2014–2020).
    #[graphql(name = "HORIZON_2020")]
    Horizon2020,
    /// The LIFE programme for the environment and climate action.
    Life,
    /// The European Regional Development Fund (ERDF / ERUF / EFRO) outside Interreg.
    Erdf,
    /// A national agency's programme, e.g. Vinnova's.
    NationalAgency,
    /// A region's or municipality's own money or scheme, e.g. Skaparkraft.
    RegionalOrLocal,
    /// Any other programme.
    Other,
}

/// Whether a resource flow runs.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::FlowStatus")]
pub enum FlowStatus {
    Active,
    Historic,
    Planned,
    Potential,
}

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest first (A–Z, oldest first).
    #[default]
    Asc,
    /// Largest first (Z–A, newest first).
    Desc,
}

impl OrderDirection {
    /// Whether the order is descending.
    pub fn is_descending(self) -> bool {
        self == OrderDirection::Desc
    }
}
