//! The schema.org terms a record is described with: the JSON-LD context, the type of each
//! kind of actor and funder, and the registry pages that stand for an external identifier.

use serde_json::{Value, json};
use symbios_entity::vocabulary::{ActorKind, FunderKind};

/// The context of every document: schema.org as the vocabulary, written out in full (not
/// schema.org's remote context) so that a processor needs no network, and links typed as IRIs.
pub fn context() -> Value {
    json!({
        "@vocab": "https://schema.org/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "url": { "@type": "@id" },
        "sameAs": { "@type": "@id" },
        "startDate": { "@type": "xsd:date" },
        "endDate": { "@type": "xsd:date" },
    })
}

/// The schema.org type of an actor: refined where the kind says it plainly.
pub fn actor_type(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::Municipality | ActorKind::Region | ActorKind::Agency => "GovernmentOrganization",
        ActorKind::University => "CollegeOrUniversity",
        ActorKind::ResearchInstitute => "ResearchOrganization",
        ActorKind::Ngo => "NGO",
        ActorKind::Person => "Person",
        ActorKind::Company | ActorKind::Cluster | ActorKind::Network | ActorKind::Consultancy => {
            "Organization"
        }
    }
}

/// The schema.org type of a funder.
pub fn funder_type(kind: FunderKind) -> &'static str {
    match kind {
        FunderKind::NationalAgency | FunderKind::Region | FunderKind::Municipality => {
            "GovernmentOrganization"
        }
        FunderKind::EuFund | FunderKind::Foundation | FunderKind::Private => "Organization",
    }
}

/// The page that stands for identifier `value` in `scheme`, for `sameAs`: Wikidata's entity
/// IRI, or the public register of an org-id.guide list whose register has one page per
/// organisation. Other schemes have none (the identifier is still given as `identifier`).
pub fn same_as(scheme: &str, value: &str) -> Option<String> {
    let value = value.trim();
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|character| character.is_ascii_alphanumeric());
    if !plain {
        return None;
    }
    let prefix = match scheme.to_ascii_uppercase().as_str() {
        "WIKIDATA" => "http://www.wikidata.org/entity/",
        "DK-CVR" => "https://datacvr.virk.dk/enhed/virksomhed/",
        "NO-BRC" => "https://data.brreg.no/enhetsregisteret/oppslag/enheter/",
        "GB-COH" => "https://find-and-update.company-information.service.gov.uk/company/",
        _ => return None,
    };
    Some(format!("{prefix}{value}"))
}

/// The identifier as text: a Wikidata QID as it is, an org-id.guide identifier as
/// `SCHEME-value` (org-id.guide's own form, e.g. `DK-CVR-24256790`).
pub fn identifier(scheme: &str, value: &str) -> String {
    if scheme.eq_ignore_ascii_case("wikidata") {
        value.to_owned()
    } else {
        format!("{scheme}-{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_with_a_page_per_organisation_give_same_as() {
        assert_eq!(
            same_as("wikidata", "Q1130849").as_deref(),
            Some("http://www.wikidata.org/entity/Q1130849")
        );
        assert_eq!(
            same_as("NO-BRC", "974767880").as_deref(),
            Some("https://data.brreg.no/enhetsregisteret/oppslag/enheter/974767880")
        );
        assert_eq!(same_as("SE-BLV", "2021000000"), None);
        // A value that is not plain letters and digits makes no IRI.
        assert_eq!(same_as("DK-CVR", "24 25/6790"), None);
        assert_eq!(identifier("DK-CVR", "24256790"), "DK-CVR-24256790");
        assert_eq!(identifier("wikidata", "Q1"), "Q1");
    }
}
