//! The shape of the bundled JSON files (see `api/seed/FORMAT.md`). Unknown fields are
//! refused, so a typo in a key is an error rather than a silently missing value.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Text per language code.
pub type Localized = BTreeMap<String, String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeRecord {
    pub slug: String,
    pub labels: Localized,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifierRecord {
    pub scheme: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipRecord {
    pub organisation: String,
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorRecord {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub website: Option<String>,
    pub lang: String,
    pub description: Localized,
    #[serde(default)]
    pub identifiers: Vec<IdentifierRecord>,
    #[serde(default)]
    pub memberships: Vec<MembershipRecord>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunderRecord {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub actor: Option<String>,
    pub website: Option<String>,
    pub lang: String,
    pub description: Localized,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationRecord {
    pub actor: String,
    pub role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingRecord {
    pub funder: String,
    pub programme: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectRecord {
    pub slug: String,
    pub name: String,
    pub acronym: Option<String>,
    pub status: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub website: Option<String>,
    pub lang: String,
    pub summary: Localized,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub participations: Vec<ParticipationRecord>,
    #[serde(default)]
    pub fundings: Vec<FundingRecord>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStudyActorRecord {
    pub actor: String,
    pub role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowRecord {
    pub from: String,
    pub to: Option<String>,
    pub resource: String,
    pub category: String,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub status: String,
    pub ewc_code: Option<String>,
    #[serde(default)]
    pub description: Localized,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpactRecord {
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub year: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    pub url: String,
    pub title: String,
    pub accessed: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStudyRecord {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub municipality: Option<String>,
    pub region: Option<String>,
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub established_year: Option<i32>,
    pub status: String,
    pub lang: String,
    pub summary: Localized,
    pub body: Localized,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub actors: Vec<CaseStudyActorRecord>,
    #[serde(default)]
    pub projects: Vec<String>,
    #[serde(default)]
    pub flows: Vec<FlowRecord>,
    #[serde(default)]
    pub impacts: Vec<ImpactRecord>,
    #[serde(default)]
    pub sources: Vec<SourceRecord>,
}
