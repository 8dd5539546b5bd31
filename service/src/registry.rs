//! The record-type registry: the lists of record types that the rest of the code expands into
//! its enums and dispatches (each list is a macro that calls back with the list, so that one
//! edit here reaches every enum and `match` built from it, and the compiler then names every
//! impl a new entry still needs). `docs/adding-a-record-type.md` walks through an addition.
//!
//! Each entry starts with `Variant`, the type's name in
//! `symbios_entity::vocabulary::EntityType`, in the search index's `Kind`, in the service's
//! enums and in the GraphQL schema; what follows in brackets is what that list's users need:
//! the sea-orm entity module, the service's record type (see [`crate::record`]), or the
//! write module's struct of the whole record.

/// Calls `$callback!` with the record types that can be fetched by id alone, each as
/// `Variant(entity_module, RecordType)`: the one list behind `node::NodeRecord`, `node::find` and the
/// GraphQL `Node` interface.
#[macro_export]
macro_rules! with_node_records {
    ($callback:path) => {
        $callback! {
            CaseStudy(case_study, CaseStudies),
            Project(project, Projects),
            Actor(actor, Actors),
            Funder(funder, Funders),
            Theme(theme, Themes),
        }
    };
}

/// Calls `$callback!` with the searchable record types, each as
/// `Variant(entity_module, RecordType)`; `Variant` names the record type in `EntityType`,
/// in `symbios_search::Kind` and in the GraphQL `SearchType`.
#[macro_export]
macro_rules! with_searchable_records {
    ($callback:path) => {
        $callback! {
            CaseStudy(case_study, CaseStudies),
            Project(project, Projects),
            Actor(actor, Actors),
            Funder(funder, Funders),
        }
    };
}

/// Calls `$callback!` with every record type the change log records, each as
/// `Variant(entity_module)`; `Variant` names it in `EntityType`, in `change_feed::ChangedRecord` and in
/// the GraphQL feed.
#[macro_export]
macro_rules! with_changed_records {
    ($callback:path) => {
        $callback! {
            CaseStudy(case_study),
            Project(project),
            Actor(actor),
            Funder(funder),
            Funding(funding),
            Participation(participation),
            CaseStudyActor(case_study_actor),
            ResourceFlow(resource_flow),
            ImpactFigure(impact_figure),
            Theme(theme),
            Membership(membership),
        }
    };
}

/// Calls `$callback!` with every record type an import or export handles, in an order where
/// references come first, each as `Variant(WholeRecordFields)` (the `write` module's struct
/// of the whole record, which is also the NDJSON line's `record`).
#[macro_export]
macro_rules! with_transfer_records {
    ($callback:path) => {
        $callback! {
            Theme(ThemeFields),
            Actor(ActorFields),
            Funder(FunderFields),
            Project(ProjectFields),
            CaseStudy(CaseStudyFields),
            Participation(ParticipationFields),
            Funding(FundingFields),
            CaseStudyActor(CaseStudyActorFields),
            ResourceFlow(FlowFields),
            ImpactFigure(ImpactFields),
            Membership(MembershipFields),
        }
    };
}
