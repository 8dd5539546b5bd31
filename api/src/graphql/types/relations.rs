//! Types that link records: roles, fundings, flows, figures, sources, identifiers, memberships.

use chrono::NaiveDate;

use super::actor::Actor;
use super::case_study::CaseStudy;
use super::enums::{CaseStudyRole, FlowCategory, FlowStatus, ParticipationRole, ProgrammeKind};
use super::funder::Funder;
use super::project::Project;
use super::relation_object::{relation_object, role_object};
use crate::service::localized_text::field;
use crate::service::{
    case_study_actor, external_identifier, funding, impact_figure, membership, participation,
    resource_flow, source,
};

role_object! {
    /// An actor's role in a case study.
    CaseStudyActor(case_study_actor) = case_study_actor::CaseStudyActors, role: CaseStudyRole;
    /// Id of this role record.
    id;
    /// The actor.
    actor: Actor = case_study_actor::ActorId, "actor";
    /// The case study.
    case_study: CaseStudy = case_study_actor::CaseStudyId, "caseStudy";
    /// Version, for `expectedVersion` in updates and deletes.
    version;
}

role_object! {
    /// An actor's role in a project.
    Participation(participation) = participation::Participations, role: ParticipationRole;
    /// Id of this participation.
    id;
    /// The actor.
    actor: Actor = participation::ActorId, "actor";
    /// The project.
    project: Project = participation::ProjectId, "project";
    /// Starts at 1 and grows by one with every change.
    version;
}

relation_object! {
    /// Money from a funder to a project.
    Funding(funding) = funding::Fundings;
    fields {
        /// Id of this funding.
        id;

        /// The funder.
        funder: Funder = funding::FunderId;

        /// The funded project.
        project: Project = funding::ProjectId;

        /// Programme or scheme, e.g. `Interreg Sverige–Norge 2014–2020`, `Skaparkraft`.
        programme: Option<&str> = |row| row.programme.as_deref();

        /// What kind of programme `programme` is (Interreg, Horizon Europe, ERDF …).
        programme_kind: Option<ProgrammeKind> = |row| row.programme_kind.map(Into::into);

        /// Amount as published, in `currency`.
        amount: Option<f64> = |row| row.amount;

        /// ISO 4217 currency code.
        currency: Option<&str> = |row| row.currency.as_deref();

        /// First day of the funded period.
        period_start: Option<NaiveDate> = |row| row.period_start;

        /// Last day of the funded period.
        period_end: Option<NaiveDate> = |row| row.period_end;

        /// Starts at 1 and grows by one with every change.
        version;
    }
}

relation_object! {
    /// A resource moving from one actor to another within a case study.
    ResourceFlow(resource_flow) = resource_flow::ResourceFlows;
    fields {
        /// Id of this flow.
        id;

        /// The case study the flow belongs to.
        case_study: CaseStudy = resource_flow::CaseStudyId;

        /// The supplying actor.
        from: Actor = resource_flow::FromActorId;

        /// The receiving actor, when there is a single one.
        to: Actor = resource_flow::ToActorId;

        /// What flows, e.g. `Gypsum`, `Steam`, `Surface water`, in the language it was written
        /// in (`resourceLang`); `resourceName` gives it in other languages.
        resource: &str = |row| &row.resource;

        /// The language `resource` is written in.
        resource_lang: &str = |row| &row.resource_lang;

        /// The resource's name in `lang` (else `Accept-Language`, else the original), marked
        /// when it is the original.
        resource_name: localized field::RESOURCE;

        /// Every name of the resource, the original marked.
        resource_translations: translations field::RESOURCE;

        /// Material, energy, water, nutrient or by-product.
        category: FlowCategory = |row| row.category.into();

        /// Quantity per `unit`.
        quantity: Option<f64> = |row| row.quantity;

        /// Unit of `quantity`, e.g. `t/yr`.
        unit: Option<&str> = |row| row.unit.as_deref();

        /// Year the quantity refers to.
        year: Option<i32> = |row| row.year;

        /// Whether the flow runs.
        status: FlowStatus = |row| row.status.into();

        /// European Waste Catalogue code, when known.
        ewc_code: Option<&str> = |row| row.ewc_code.as_deref();

        /// Description in `lang` (else `Accept-Language`, else the original).
        description: localized field::DESCRIPTION;

        /// Starts at 1 and grows by one with every change.
        version;
    }
}

relation_object! {
    /// A published impact figure of a case study.
    ImpactFigure(impact_figure) = impact_figure::ImpactFigures;
    fields {
        /// Id of this figure.
        id;

        /// The case study the figure belongs to.
        case_study: CaseStudy = impact_figure::CaseStudyId;

        /// What is measured, e.g. `co2_saved`, `cost_saved`.
        metric: &str = |row| &row.metric;

        /// The value, in `unit`.
        value: f64 = |row| row.value;

        /// Unit of `value`, e.g. `t/yr`, `DKK/yr`.
        unit: &str = |row| &row.unit;

        /// Year the figure refers to.
        year: Option<i32> = |row| row.year;

        /// How the figure should be read, e.g. `approx., as published`.
        note: Option<&str> = |row| row.note.as_deref();

        /// Version, for `expectedVersion` in updates and deletes.
        version;
    }
}

relation_object! {
    /// A public source a case study is based on.
    Source(source) = source::Sources;
    fields {
        /// The case study the source belongs to.
        case_study: CaseStudy = source::CaseStudyId;

        /// Address of the source.
        url: &str = |row| &row.url;

        /// Title of the source.
        title: &str = |row| &row.title;

        /// When the source was last read.
        accessed: Option<NaiveDate> = |row| row.accessed;
    }
}

relation_object! {
    /// An actor's identifier in an outside registry.
    ExternalIdentifier(external_identifier) = external_identifier::ExternalIdentifiers;
    fields {
        /// The actor identified.
        actor: Actor = external_identifier::ActorId;

        /// org-id.guide prefix (`DK-CVR`, `SE-BLV`, `NO-BRC`, `NL-KVK` …) or `wikidata`.
        scheme: &str = |row| &row.scheme;

        /// The identifier within the scheme.
        value: &str = |row| &row.value;
    }
}

relation_object! {
    /// A person's membership of an organisation.
    Membership(membership) = membership::Memberships;
    fields {
        /// Id of this membership.
        id;

        /// The person.
        person: Actor = membership::PersonId;

        /// The organisation.
        organisation: Actor = membership::OrganisationId;

        /// The person's title in the organisation.
        title: Option<&str> = |row| row.title.as_deref();

        /// Version, for `expectedVersion` in updates and deletes.
        version;
    }
}
