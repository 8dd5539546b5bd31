//! Domain operations over sea-orm: reading records and their relations, pagination, language
//! fallback, and (for the seed) writing records together with their change-log rows.
//!
//! Invariant: this module never imports actix-web or async-graphql. Functions are free
//! functions that take the connection first (`&impl ConnectionTrait`, or `&impl SelectAll`
//! for the hot reads that [`direct_read`] can run on SQLite) and return [`Error`], whose
//! variants are domain outcomes, never transport ones.

pub mod access;
pub mod audit;
pub mod case_study_actor;
pub mod change_feed;
pub mod change_log;
pub mod csv_cell;
pub mod database_identity;
pub mod dataset;
pub mod digest;
pub mod direct_read;
pub mod error;
pub mod external_identifier;
pub mod flow_documents;
pub mod funding;
pub mod impact_figure;
pub mod inventory;
pub mod lang;
pub mod limits;
pub mod linked_data;
mod load;
pub mod localized_text;
pub mod membership;
pub mod network_export;
pub mod node;
pub mod nuts;
pub mod page;
pub mod participation;
pub mod project_export;
pub mod record;
pub mod relation;
pub mod resource_flow;
pub mod search_documents;
pub mod source;
pub mod statistics;
pub mod text;
pub mod transfer;
pub mod trusted_documents;
pub mod validate;
pub mod webhook;
pub mod write;

// The record types, one module each: the type's filter and sort columns (`record`), what the
// search index takes from it (`search_documents`) and its whole-record fields, patch and
// checks (`write`). `docs/adding-a-record-type.md` walks through adding one: its module
// line here and one entry in each registry list below that it belongs to.
pub mod actor;
pub mod case_study;
pub mod funder;
pub mod project;
pub mod theme;

pub use error::Error;
pub use load::MAX_KEYS_PER_STATEMENT;

// The record-type registry: the lists of record types that the rest of the code expands into
// its enums and dispatches. Each list is a macro that calls back with the list, so that one
// edit here reaches every enum and `match` built from it, and the compiler then names every
// impl a new entry still needs.
//
// Each entry starts with `Variant`, the type's name in `symbios_entity::EntityType`, in the
// service's enums and in the GraphQL schema; what follows in brackets is what that list's
// users need: the sea-orm entity module (whose name is also the record type's kind in the
// search index), the service's record type (see [`record`]), or the struct of the whole
// record.

/// Calls `$callback!` with the searchable record types, each as
/// `Variant(entity_module, RecordType)`, followed by `$more` (see [`with_node_records!`]);
/// `Variant` names the record type in `EntityType` and in the GraphQL `SearchType`.
#[macro_export]
macro_rules! with_searchable_records {
    ($callback:path $(, $($more:tt)*)?) => {
        $callback! {
            CaseStudy(case_study, CaseStudies),
            Project(project, Projects),
            Actor(actor, Actors),
            Funder(funder, Funders),
            $($($more)*)?
        }
    };
}

/// Calls `$callback!` with the record types that can be fetched by id alone, each as
/// `Variant(entity_module, RecordType)`: every searchable record type, and the themes. The
/// one list behind `node::NodeRecord`, `node::find`, the GraphQL `Node` interface and the
/// versioned columns of the record tables.
#[macro_export]
macro_rules! with_node_records {
    ($callback:path) => {
        $crate::with_searchable_records! { $callback, Theme(theme, Themes), }
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
/// references come first, each as `Variant(WholeRecordFields)` (the struct of the whole
/// record that implements `write::Record`, which is also the NDJSON line's `record`).
#[macro_export]
macro_rules! with_transfer_records {
    ($callback:path) => {
        $callback! {
            Theme($crate::theme::ThemeFields),
            Actor($crate::actor::ActorFields),
            Funder($crate::funder::FunderFields),
            Project($crate::project::ProjectFields),
            CaseStudy($crate::case_study::CaseStudyFields),
            Participation($crate::write::ParticipationFields),
            Funding($crate::write::FundingFields),
            CaseStudyActor($crate::write::CaseStudyActorFields),
            ResourceFlow($crate::write::FlowFields),
            ImpactFigure($crate::write::ImpactFields),
            Membership($crate::write::MembershipFields),
        }
    };
}
