//! Closed vocabularies stored as short strings.

use sea_orm::entity::prelude::*;

pub use crate::EntityType;

/// What kind of organisation (or person) an actor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ActorKind {
    #[sea_orm(string_value = "company")]
    Company,
    #[sea_orm(string_value = "municipality")]
    Municipality,
    #[sea_orm(string_value = "region")]
    Region,
    #[sea_orm(string_value = "university")]
    University,
    #[sea_orm(string_value = "research_institute")]
    ResearchInstitute,
    #[sea_orm(string_value = "cluster")]
    Cluster,
    #[sea_orm(string_value = "network")]
    Network,
    #[sea_orm(string_value = "agency")]
    Agency,
    #[sea_orm(string_value = "ngo")]
    Ngo,
    #[sea_orm(string_value = "consultancy")]
    Consultancy,
    #[sea_orm(string_value = "person")]
    Person,
}

/// What kind of body a funder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum FunderKind {
    #[sea_orm(string_value = "eu_fund")]
    EuFund,
    #[sea_orm(string_value = "national_agency")]
    NationalAgency,
    #[sea_orm(string_value = "region")]
    Region,
    #[sea_orm(string_value = "municipality")]
    Municipality,
    #[sea_orm(string_value = "foundation")]
    Foundation,
    #[sea_orm(string_value = "private")]
    Private,
}

/// What kind of programme a funding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ProgrammeKind {
    #[sea_orm(string_value = "interreg")]
    Interreg,
    #[sea_orm(string_value = "horizon_europe")]
    HorizonEurope,
    #[sea_orm(string_value = "horizon_2020")]
    Horizon2020,
    #[sea_orm(string_value = "life")]
    Life,
    #[sea_orm(string_value = "erdf")]
    Erdf,
    #[sea_orm(string_value = "national_agency")]
    NationalAgency,
    #[sea_orm(string_value = "regional_or_local")]
    RegionalOrLocal,
    #[sea_orm(string_value = "other")]
    Other,
}

/// What kind of case a case study documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum CaseStudyKind {
    #[sea_orm(string_value = "industrial_symbiosis_park")]
    IndustrialSymbiosisPark,
    #[sea_orm(string_value = "industrial_symbiosis_network")]
    IndustrialSymbiosisNetwork,
    #[sea_orm(string_value = "industrial_park")]
    IndustrialPark,
    #[sea_orm(string_value = "business_network")]
    BusinessNetwork,
    #[sea_orm(string_value = "cluster")]
    Cluster,
    #[sea_orm(string_value = "regional_programme")]
    RegionalProgramme,
}

/// Whether a case study is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CaseStudyStatus {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "planned")]
    Planned,
}

/// Whether a project is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProjectStatus {
    #[sea_orm(string_value = "planned")]
    Planned,
    #[sea_orm(string_value = "ongoing")]
    Ongoing,
    #[sea_orm(string_value = "completed")]
    Completed,
}

/// The part an actor plays in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ParticipationRole {
    #[sea_orm(string_value = "lead")]
    Lead,
    #[sea_orm(string_value = "partner")]
    Partner,
    #[sea_orm(string_value = "co_financer")]
    CoFinancer,
    #[sea_orm(string_value = "steering_group")]
    SteeringGroup,
    #[sea_orm(string_value = "research")]
    Research,
    #[sea_orm(string_value = "host")]
    Host,
}

/// The part an actor plays in a case study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CaseStudyRole {
    #[sea_orm(string_value = "operator")]
    Operator,
    #[sea_orm(string_value = "coordinator")]
    Coordinator,
    #[sea_orm(string_value = "facilitator")]
    Facilitator,
    #[sea_orm(string_value = "supplier")]
    Supplier,
    #[sea_orm(string_value = "receiver")]
    Receiver,
    #[sea_orm(string_value = "partner")]
    Partner,
    #[sea_orm(string_value = "researcher")]
    Researcher,
    #[sea_orm(string_value = "public_authority")]
    PublicAuthority,
}

/// What a resource flow carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FlowCategory {
    #[sea_orm(string_value = "material")]
    Material,
    #[sea_orm(string_value = "energy")]
    Energy,
    #[sea_orm(string_value = "water")]
    Water,
    #[sea_orm(string_value = "nutrient")]
    Nutrient,
    #[sea_orm(string_value = "by_product")]
    ByProduct,
}

/// Whether a resource flow runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FlowStatus {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "historic")]
    Historic,
    #[sea_orm(string_value = "planned")]
    Planned,
    #[sea_orm(string_value = "potential")]
    Potential,
}

/// What a change-log row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum ChangeOp {
    #[sea_orm(string_value = "upsert")]
    Upsert,
    #[sea_orm(string_value = "delete")]
    Delete,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    /// Writes actors under its own identifier scheme only.
    #[sea_orm(string_value = "partner")]
    Partner,
    /// Writes every record.
    #[sea_orm(string_value = "editor")]
    Editor,
    /// Writes every record and reads the audit log.
    #[sea_orm(string_value = "admin")]
    Admin,
}
