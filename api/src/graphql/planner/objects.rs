//! What the planner knows of each object type it answers: for every field, how it is
//! written from the row (and from which stored column: a page reads only the columns its
//! selection writes) or loaded for the level, and what it costs in complexity. The
//! values are written as the object types in `graphql::types` resolve them (the e2e test
//! `planner` compares both paths byte for byte); a field not listed here makes the planner
//! step aside.

use std::any::TypeId;
use std::marker::PhantomData;

use async_graphql::{InputType, ScalarType, Value as ConstValue};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::IdenStatic;
use symbios_entity::{
    actor, case_study, case_study_actor, funder, funding, impact_figure, participation, project,
    resource_flow, source,
};
use uuid::Uuid;

use super::exec::{Field, Nested, ObjectPlan, Out, write_str, write_value};
use crate::service::record::Row as RecordRow;
use crate::service::relation::ForeignKey;

/// Rows of `K`'s relation.
type RelationRow<K> = crate::service::relation::Row<<K as ForeignKey>::Relation>;
use super::nested::{DistinctTargets, RowsOf, RowsWithTargets, Target, Texts};
use super::select::{Cost, Selected, Selector};
use crate::graphql::limits::relation_complexity;
use crate::graphql::types::enums::{
    ActorKind, CaseStudyKind, CaseStudyRole, CaseStudyStatus, FlowCategory, FlowStatus, FunderKind,
    ParticipationRole, ProgrammeKind, ProjectStatus,
};
use crate::service::lang::{ChosenText, LanguagePreference};
use crate::service::localized_text::field as text_field;
use crate::service::{
    case_study_actor as roles, funding as fundings, impact_figure as impacts,
    participation as participations, resource_flow as flows, source as sources,
};

/// A planned field and its cost, or `None`: outside the subset.
pub(super) type Planned<R> = Option<(Field<R>, Cost)>;

/// An object type's table: the plan of each of its fields.
pub(super) type Table<R> = for<'d> fn(&Selector<'d>, Selected<'d>) -> Planned<R>;

/// A field written from the row's `column` alone.
fn leaf<'d, R>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    column: impl IdenStatic,
    write: fn(&R, &mut Out),
) -> Planned<R> {
    selector.leaf(field)?;
    Some((Field::Leaf(write, Some(column.as_str())), 1))
}

/// A text of the row, stored in `column`.
fn text<'d, R>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    column: impl IdenStatic,
    read: for<'r> fn(&'r R) -> &'r str,
) -> Planned<R> {
    selector.counted(field, Field::Text(read, Some(column.as_str())))
}

/// An optional text of the row, stored in `column`.
fn optional_text<'d, R>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    column: impl IdenStatic,
    read: for<'r> fn(&'r R) -> Option<&'r str>,
) -> Planned<R> {
    selector.counted(field, Field::OptionalText(read, Some(column.as_str())))
}

fn id(id: Uuid, out: &mut Out) {
    write_str(&id.to_string(), out);
}

fn int(value: i32, out: &mut Out) {
    write_value(&InputType::to_value(&value), out);
}

fn optional_int(value: Option<i32>, out: &mut Out) {
    write_value(
        &value.map_or(ConstValue::Null, |value| InputType::to_value(&value)),
        out,
    );
}

pub(super) fn float(value: f64, out: &mut Out) {
    write_value(&InputType::to_value(&value), out);
}

fn optional_float(value: Option<f64>, out: &mut Out) {
    write_value(
        &value.map_or(ConstValue::Null, |value| InputType::to_value(&value)),
        out,
    );
}

fn optional_date(value: Option<NaiveDate>, out: &mut Out) {
    write_value(
        &value.map_or(ConstValue::Null, |value| InputType::to_value(&value)),
        out,
    );
}

fn time(value: DateTime<Utc>, out: &mut Out) {
    write_value(&ScalarType::to_value(&value), out);
}

fn enumeration(value: impl InputType, out: &mut Out) {
    write_value(&InputType::to_value(&value), out);
}

fn optional_enumeration<T: InputType>(value: Option<T>, out: &mut Out) {
    write_value(
        &value.map_or(ConstValue::Null, |value| InputType::to_value(&value)),
        out,
    );
}

/// A localized text field of a record (`summary(lang:)`).
fn localized<'d, R: Sync + 'static>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    record_id: fn(&R) -> Uuid,
    stored: &'static str,
) -> Planned<R> {
    let arguments = selector.arguments(field, &[("lang", "String")])?;
    let lang = match arguments.get("lang") {
        None | Some(ConstValue::Null) => None,
        Some(ConstValue::String(tag)) => Some(LanguagePreference::from_tag(tag).ok()?),
        Some(_) => return None,
    };
    let (plan, cost) = selector.object(field, "LocalizedText", localized_text)?;
    let texts = Texts {
        id: record_id,
        field: stored,
        lang,
        plan,
    };
    Some((Field::Nested(Box::new(texts)), cost.saturating_add(1)))
}

fn localized_text<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<ChosenText> {
    match field.node.name.node.as_str() {
        "text" => selector.counted(field, Field::Text(|chosen| &chosen.text, None)),
        "lang" => selector.counted(field, Field::Text(|chosen| &chosen.lang, None)),
        "original" => selector.counted(
            field,
            Field::Leaf(
                |text, out| write_value(&ConstValue::Boolean(text.is_original), out),
                None,
            ),
        ),
        "originalLang" => {
            selector.counted(field, Field::Text(|chosen| &chosen.original_lang, None))
        }
        "availableLanguages" => selector.counted(
            field,
            Field::Leaf(
                |text, out| {
                    let _ = serde_json::to_writer(&mut *out, &text.available);
                },
                None,
            ),
        ),
        _ => None,
    }
}

/// An object field without arguments whose values load per level: `wrap` makes its nested
/// field of the selection's plan, `cost` its complexity of the selection's.
fn object_field<'d, P, C>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    (type_name, table): (&'static str, Table<C>),
    wrap: impl FnOnce(ObjectPlan<C>) -> Box<dyn Nested<P>>,
    cost: fn(Cost) -> Cost,
) -> Planned<P> {
    selector.no_arguments(field)?;
    let (plan, child) = selector.object(field, type_name, table)?;
    Some((Field::Nested(wrap(plan)), cost(child)))
}

/// A relation list (`actors`): its rows loaded per level.
fn rows<'d, K>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    type_name: &'static str,
    table: Table<RelationRow<K>>,
) -> Planned<RecordRow<K::Target>>
where
    K: ForeignKey,
    RowsOf<K>: Nested<RecordRow<K::Target>>,
{
    let wrap = |plan| {
        Box::new(RowsOf::<K> {
            plan,
            key: PhantomData,
        }) as Box<dyn Nested<_>>
    };
    object_field(
        selector,
        field,
        (type_name, table),
        wrap,
        relation_complexity,
    )
}

/// A relation list whose rows name records by key `T` (a case study's `actors`, each row
/// naming an actor): when its selection asks for those records, the rows and the records
/// load in one loader round ([`RowsWithTargets`]) instead of two.
fn rows_with<'d, K, T>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    type_name: &'static str,
    table: Table<RelationRow<K>>,
) -> Planned<RecordRow<K::Target>>
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation>,
    RowsOf<K>: Nested<RecordRow<K::Target>>,
    RowsWithTargets<K, T>: Nested<RecordRow<K::Target>>,
{
    let wrap = |plan: ObjectPlan<RelationRow<K>>| {
        let names_records = plan.fields.iter().any(|(_, field)| {
            matches!(field, Field::Nested(nested) if nested.target_key() == Some(TypeId::of::<T>()))
        });
        if names_records {
            Box::new(RowsWithTargets::<K, T> {
                plan,
                keys: PhantomData,
            }) as Box<dyn Nested<_>>
        } else {
            Box::new(RowsOf::<K> {
                plan,
                key: PhantomData,
            })
        }
    };
    object_field(
        selector,
        field,
        (type_name, table),
        wrap,
        relation_complexity,
    )
}

/// The record a relation row names (`actor`).
fn target<'d, K>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    type_name: &'static str,
    table: Table<RecordRow<K::Target>>,
) -> Planned<RelationRow<K>>
where
    K: ForeignKey,
    Target<K>: Nested<RelationRow<K>>,
{
    let wrap = |plan| {
        Box::new(Target::<K> {
            plan,
            key: PhantomData,
        }) as Box<dyn Nested<_>>
    };
    object_field(selector, field, (type_name, table), wrap, |cost| {
        cost.saturating_add(1)
    })
}

/// The distinct records key `T` names in the rows of the relation whose key `P` names the
/// parent (a project's `funders`), in the order of the rows.
fn distinct_targets<'d, P, T>(
    selector: &Selector<'d>,
    field: Selected<'d>,
    type_name: &'static str,
    table: Table<RecordRow<T::Target>>,
) -> Planned<RecordRow<P::Target>>
where
    P: ForeignKey,
    T: ForeignKey<Relation = P::Relation>,
    DistinctTargets<P, T>: Nested<RecordRow<P::Target>>,
{
    let wrap = |plan| {
        Box::new(DistinctTargets::<P, T> {
            plan,
            keys: PhantomData,
        }) as Box<dyn Nested<_>>
    };
    object_field(
        selector,
        field,
        (type_name, table),
        wrap,
        relation_complexity,
    )
}

/// What every record type's row has, and the columns that store it.
trait RecordRowFields: Sync + 'static {
    type Column: IdenStatic;
    const ID: Self::Column;
    const SLUG: Self::Column;
    const ORIGINAL_LANG: Self::Column;
    const VERSION: Self::Column;
    const CREATED_AT: Self::Column;
    const UPDATED_AT: Self::Column;
    fn record_id(&self) -> Uuid;
    fn slug(&self) -> &str;
    fn original_lang(&self) -> &str;
    fn version(&self) -> i32;
    fn created_at(&self) -> DateTime<Utc>;
    fn updated_at(&self) -> DateTime<Utc>;
}

macro_rules! record_row_fields {
    ($($entity:ident),+) => {
        $(impl RecordRowFields for $entity::Model {
            type Column = $entity::Column;
            const ID: Self::Column = $entity::Column::Id;
            const SLUG: Self::Column = $entity::Column::Slug;
            const ORIGINAL_LANG: Self::Column = $entity::Column::OriginalLang;
            const VERSION: Self::Column = $entity::Column::Version;
            const CREATED_AT: Self::Column = $entity::Column::CreatedAt;
            const UPDATED_AT: Self::Column = $entity::Column::UpdatedAt;
            fn record_id(&self) -> Uuid {
                self.id
            }
            fn slug(&self) -> &str {
                &self.slug
            }
            fn original_lang(&self) -> &str {
                &self.original_lang
            }
            fn version(&self) -> i32 {
                self.version
            }
            fn created_at(&self) -> DateTime<Utc> {
                self.created_at
            }
            fn updated_at(&self) -> DateTime<Utc> {
                self.updated_at
            }
        })+
    };
}

record_row_fields!(case_study, actor, project, funder);

/// The fields every record type has (`id`, `slug`, `originalLang` and the versioned ones).
fn record_field<'d, R: RecordRowFields>(
    selector: &Selector<'d>,
    field: Selected<'d>,
) -> Planned<R> {
    match field.node.name.node.as_str() {
        "id" => leaf(selector, field, R::ID, |row: &R, out| {
            id(row.record_id(), out)
        }),
        "slug" => text(selector, field, R::SLUG, |row: &R| row.slug()),
        "originalLang" => text(selector, field, R::ORIGINAL_LANG, |row: &R| {
            row.original_lang()
        }),
        "version" => leaf(selector, field, R::VERSION, |row: &R, out| {
            int(row.version(), out);
        }),
        "createdAt" => leaf(selector, field, R::CREATED_AT, |row: &R, out| {
            time(row.created_at(), out);
        }),
        "updatedAt" => leaf(selector, field, R::UPDATED_AT, |row: &R, out| {
            time(row.updated_at(), out);
        }),
        _ => None,
    }
}

/// `CaseStudy`.
pub(super) fn case_study<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
) -> Planned<case_study::Model> {
    type Row = case_study::Model;
    use case_study::Column;
    match field.node.name.node.as_str() {
        "title" => text(selector, field, Column::Title, |row: &Row| &row.title),
        "kind" => leaf(selector, field, Column::Kind, |row: &Row, out| {
            enumeration(CaseStudyKind::from(row.kind), out);
        }),
        "status" => leaf(selector, field, Column::Status, |row: &Row, out| {
            enumeration(CaseStudyStatus::from(row.status), out);
        }),
        "country" => text(selector, field, Column::Country, |row: &Row| &row.country),
        "establishedYear" => leaf(
            selector,
            field,
            Column::EstablishedYear,
            |row: &Row, out| {
                optional_int(row.established_year, out);
            },
        ),
        "location" => {
            selector.no_arguments(field)?;
            let (plan, cost) = selector.object(field, "Location", location)?;
            Some((Field::Inline(plan), cost.saturating_add(1)))
        }
        "summary" => localized(selector, field, |row: &Row| row.id, text_field::SUMMARY),
        "body" => localized(selector, field, |row: &Row| row.id, text_field::BODY),
        "actors" => rows_with::<roles::CaseStudyId, roles::ActorId>(
            selector,
            field,
            "CaseStudyActor",
            case_study_actor,
        ),
        "flows" => rows::<flows::CaseStudyId>(selector, field, "ResourceFlow", resource_flow),
        "impacts" => rows::<impacts::CaseStudyId>(selector, field, "ImpactFigure", impact_figure),
        "sources" => rows::<sources::CaseStudyId>(selector, field, "Source", source),
        _ => record_field(selector, field),
    }
}

/// `Location`, over its case study's row.
fn location<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<case_study::Model> {
    type Row = case_study::Model;
    use case_study::Column;
    match field.node.name.node.as_str() {
        "place" => text(selector, field, Column::Place, |row: &Row| &row.place),
        "municipality" => optional_text(selector, field, Column::Municipality, |row: &Row| {
            row.municipality.as_deref()
        }),
        "region" => optional_text(selector, field, Column::Region, |row: &Row| {
            row.region.as_deref()
        }),
        "country" => text(selector, field, Column::Country, |row: &Row| &row.country),
        "latitude" => leaf(selector, field, Column::Latitude, |row: &Row, out| {
            optional_float(row.latitude, out)
        }),
        "longitude" => leaf(selector, field, Column::Longitude, |row: &Row, out| {
            optional_float(row.longitude, out);
        }),
        _ => None,
    }
}

/// `Actor`.
pub(super) fn actor<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<actor::Model> {
    type Row = actor::Model;
    use actor::Column;
    match field.node.name.node.as_str() {
        "name" => text(selector, field, Column::Name, |row: &Row| &row.name),
        "kind" => leaf(selector, field, Column::Kind, |row: &Row, out| {
            enumeration(ActorKind::from(row.kind), out);
        }),
        "country" => text(selector, field, Column::Country, |row: &Row| &row.country),
        "website" => optional_text(selector, field, Column::Website, |row: &Row| {
            row.website.as_deref()
        }),
        "description" => localized(selector, field, |row: &Row| row.id, text_field::DESCRIPTION),
        "projects" => rows_with::<participations::ActorId, participations::ProjectId>(
            selector,
            field,
            "Participation",
            participation,
        ),
        "caseStudies" => rows_with::<roles::ActorId, roles::CaseStudyId>(
            selector,
            field,
            "CaseStudyActor",
            case_study_actor,
        ),
        "flowsOut" => rows::<flows::FromActorId>(selector, field, "ResourceFlow", resource_flow),
        "flowsIn" => rows::<flows::ToActorId>(selector, field, "ResourceFlow", resource_flow),
        _ => record_field(selector, field),
    }
}

/// `Project`.
pub(super) fn project<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<project::Model> {
    type Row = project::Model;
    use project::Column;
    match field.node.name.node.as_str() {
        "name" => text(selector, field, Column::Name, |row: &Row| &row.name),
        "acronym" => optional_text(selector, field, Column::Acronym, |row: &Row| {
            row.acronym.as_deref()
        }),
        "status" => leaf(selector, field, Column::Status, |row: &Row, out| {
            enumeration(ProjectStatus::from(row.status), out);
        }),
        "startDate" => leaf(selector, field, Column::StartDate, |row: &Row, out| {
            optional_date(row.start_date, out)
        }),
        "endDate" => leaf(selector, field, Column::EndDate, |row: &Row, out| {
            optional_date(row.end_date, out)
        }),
        "website" => optional_text(selector, field, Column::Website, |row: &Row| {
            row.website.as_deref()
        }),
        "summary" => localized(selector, field, |row: &Row| row.id, text_field::SUMMARY),
        "participants" => rows_with::<participations::ProjectId, participations::ActorId>(
            selector,
            field,
            "Participation",
            participation,
        ),
        "fundings" => rows_with::<fundings::ProjectId, fundings::FunderId>(
            selector, field, "Funding", funding,
        ),
        "funders" => distinct_targets::<fundings::ProjectId, fundings::FunderId>(
            selector, field, "Funder", funder,
        ),
        _ => record_field(selector, field),
    }
}

/// A role's table: its id, role and version, and the two records it links.
macro_rules! role_table {
    (
        $(#[$doc:meta])* $name:ident: $entity:ident, $role:ty;
        $a:literal => $a_key:ty, $a_type:literal, $a_table:ident;
        $b:literal => $b_key:ty, $b_type:literal, $b_table:ident;
    ) => {
        $(#[$doc])*
        fn $name<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<$entity::Model> {
            type Row = $entity::Model;
            use $entity::Column;
            match field.node.name.node.as_str() {
                "id" => leaf(selector, field, Column::Id, |row: &Row, out| id(row.id, out)),
                "role" => leaf(selector, field, Column::Role, |row: &Row, out| {
                    enumeration(<$role>::from(row.role), out);
                }),
                "version" => leaf(selector, field, Column::Version, |row: &Row, out| {
                    int(row.version, out);
                }),
                $a => target::<$a_key>(selector, field, $a_type, $a_table),
                $b => target::<$b_key>(selector, field, $b_type, $b_table),
                _ => None,
            }
        }
    };
}

role_table! {
    /// `CaseStudyActor`: an actor's role in a case study.
    case_study_actor: case_study_actor, CaseStudyRole;
    "actor" => roles::ActorId, "Actor", actor;
    "caseStudy" => roles::CaseStudyId, "CaseStudy", case_study;
}

role_table! {
    /// `Participation`: an actor's role in a project.
    participation: participation, ParticipationRole;
    "actor" => participations::ActorId, "Actor", actor;
    "project" => participations::ProjectId, "Project", project;
}

/// `Funder`.
pub(super) fn funder<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<funder::Model> {
    type Row = funder::Model;
    use funder::Column;
    match field.node.name.node.as_str() {
        "name" => text(selector, field, Column::Name, |row: &Row| &row.name),
        "kind" => leaf(selector, field, Column::Kind, |row: &Row, out| {
            enumeration(FunderKind::from(row.kind), out);
        }),
        "country" => text(selector, field, Column::Country, |row: &Row| &row.country),
        "website" => optional_text(selector, field, Column::Website, |row: &Row| {
            row.website.as_deref()
        }),
        "description" => localized(selector, field, |row: &Row| row.id, text_field::DESCRIPTION),
        "fundings" => rows_with::<fundings::FunderId, fundings::ProjectId>(
            selector, field, "Funding", funding,
        ),
        "projects" => distinct_targets::<fundings::FunderId, fundings::ProjectId>(
            selector, field, "Project", project,
        ),
        _ => record_field(selector, field),
    }
}

/// `Funding`: money from a funder to a project.
fn funding<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<funding::Model> {
    type Row = funding::Model;
    use funding::Column;
    match field.node.name.node.as_str() {
        "id" => leaf(selector, field, Column::Id, |row: &Row, out| {
            id(row.id, out)
        }),
        "funder" => target::<fundings::FunderId>(selector, field, "Funder", funder),
        "project" => target::<fundings::ProjectId>(selector, field, "Project", project),
        "programme" => optional_text(selector, field, Column::Programme, |row: &Row| {
            row.programme.as_deref()
        }),
        "programmeKind" => leaf(selector, field, Column::ProgrammeKind, |row: &Row, out| {
            optional_enumeration(row.programme_kind.map(ProgrammeKind::from), out);
        }),
        "amount" => leaf(selector, field, Column::Amount, |row: &Row, out| {
            optional_float(row.amount, out)
        }),
        "currency" => optional_text(selector, field, Column::Currency, |row: &Row| {
            row.currency.as_deref()
        }),
        "periodStart" => leaf(selector, field, Column::PeriodStart, |row: &Row, out| {
            optional_date(row.period_start, out);
        }),
        "periodEnd" => leaf(selector, field, Column::PeriodEnd, |row: &Row, out| {
            optional_date(row.period_end, out);
        }),
        "version" => leaf(selector, field, Column::Version, |row: &Row, out| {
            int(row.version, out)
        }),
        _ => None,
    }
}

/// `ResourceFlow`: a resource moving from one actor to another within a case study.
pub(super) fn resource_flow<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
) -> Planned<resource_flow::Model> {
    type Row = resource_flow::Model;
    use resource_flow::Column;
    match field.node.name.node.as_str() {
        "id" => leaf(selector, field, Column::Id, |row: &Row, out| {
            id(row.id, out)
        }),
        "caseStudy" => target::<flows::CaseStudyId>(selector, field, "CaseStudy", case_study),
        "from" => target::<flows::FromActorId>(selector, field, "Actor", actor),
        "to" => target::<flows::ToActorId>(selector, field, "Actor", actor),
        "resource" => text(selector, field, Column::Resource, |row: &Row| &row.resource),
        "resourceLang" => text(selector, field, Column::ResourceLang, |row: &Row| {
            &row.resource_lang
        }),
        "resourceName" => localized(selector, field, |row: &Row| row.id, text_field::RESOURCE),
        "category" => leaf(selector, field, Column::Category, |row: &Row, out| {
            enumeration(FlowCategory::from(row.category), out);
        }),
        "quantity" => leaf(selector, field, Column::Quantity, |row: &Row, out| {
            optional_float(row.quantity, out);
        }),
        "unit" => optional_text(selector, field, Column::Unit, |row: &Row| {
            row.unit.as_deref()
        }),
        "year" => leaf(selector, field, Column::Year, |row: &Row, out| {
            optional_int(row.year, out)
        }),
        "status" => leaf(selector, field, Column::Status, |row: &Row, out| {
            enumeration(FlowStatus::from(row.status), out);
        }),
        "ewcCode" => optional_text(selector, field, Column::EwcCode, |row: &Row| {
            row.ewc_code.as_deref()
        }),
        "description" => localized(selector, field, |row: &Row| row.id, text_field::DESCRIPTION),
        "version" => leaf(selector, field, Column::Version, |row: &Row, out| {
            int(row.version, out)
        }),
        _ => None,
    }
}

/// `ImpactFigure`: a published impact figure of a case study.
fn impact_figure<'d>(
    selector: &Selector<'d>,
    field: Selected<'d>,
) -> Planned<impact_figure::Model> {
    type Row = impact_figure::Model;
    use impact_figure::Column;
    match field.node.name.node.as_str() {
        "id" => leaf(selector, field, Column::Id, |row: &Row, out| {
            id(row.id, out)
        }),
        "caseStudy" => target::<impacts::CaseStudyId>(selector, field, "CaseStudy", case_study),
        "metric" => text(selector, field, Column::Metric, |row: &Row| &row.metric),
        "value" => leaf(selector, field, Column::Value, |row: &Row, out| {
            float(row.value, out)
        }),
        "unit" => text(selector, field, Column::Unit, |row: &Row| &row.unit),
        "year" => leaf(selector, field, Column::Year, |row: &Row, out| {
            optional_int(row.year, out)
        }),
        "note" => optional_text(selector, field, Column::Note, |row: &Row| {
            row.note.as_deref()
        }),
        "version" => leaf(selector, field, Column::Version, |row: &Row, out| {
            int(row.version, out)
        }),
        _ => None,
    }
}

/// `Source`: a public source a case study is based on.
fn source<'d>(selector: &Selector<'d>, field: Selected<'d>) -> Planned<source::Model> {
    type Row = source::Model;
    use source::Column;
    match field.node.name.node.as_str() {
        "caseStudy" => target::<sources::CaseStudyId>(selector, field, "CaseStudy", case_study),
        "url" => text(selector, field, Column::Url, |row: &Row| &row.url),
        "title" => text(selector, field, Column::Title, |row: &Row| &row.title),
        "accessed" => leaf(selector, field, Column::Accessed, |row: &Row, out| {
            optional_date(row.accessed, out);
        }),
        _ => None,
    }
}
