//! Writing the versioned relations: participations, fundings, case-study roles, resource flows,
//! impact figures and memberships. Each belongs to parent records (project, case study,
//! actor, funder) whose versions are bumped with it.
//!
//! They differ only in their columns and checks, so one macro writes their [`Record`] impls.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{
    CaseStudyRole, EntityType, FlowCategory, FlowStatus, ParticipationRole,
};
use symbios_entity::{
    actor, case_study, case_study_actor, funder, funding, impact_figure, membership, participation,
    project, resource_flow,
};
use uuid::Uuid;

use super::input_format::{localized, vocabulary};
use super::parts;
use super::{Record, Versioned};
use crate::Error;
use crate::localized_text::field;
use crate::validate::{Localized, Violations};

/// Declares a relation's whole-record struct (deserializable, as imports read it) and its
/// patch (every field optional).
macro_rules! relation_fields {
    ($(#[$doc:meta])* $fields:ident, $patch:ident {
        $($(#[$attr:meta])* $column:ident : $ty:ty),* $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $fields {
            $($(#[$attr])* pub $column: $ty,)*
        }

        /// Changes; `None` keeps a value, `Some(None)` clears an optional one.
        #[derive(Debug, Clone, Default)]
        pub struct $patch {
            $(pub $column: Option<$ty>,)*
        }
    };
}

/// Implements [`Record`] for a relation whose columns are its fields (plus, for flows, one
/// localized text field).
macro_rules! relation_record {
    (
        $fields:ident, $patch:ident, $entity:ident, $type:expr, $name:literal,
        columns { $($column:ident),* $(,)? },
        $(texts { $text_field:ident => $text_name:expr },)?
        validate = $validate:path,
        check = $check:path,
        parents = $parents:path $(,)?
    ) => {
        impl Record for $fields {
            type Patch = $patch;
            const TYPE: EntityType = $type;
            const NAME: &'static str = $name;

            async fn load(
                db: &DatabaseTransaction,
                id: Uuid,
            ) -> Result<Option<Versioned<Self>>, Error> {
                let Some(row) = $entity::Entity::find_by_id(id).one(db).await? else {
                    return Ok(None);
                };
                let record = Self {
                    $($column: row.$column,)*
                    $($text_field: parts::load_texts(db, $type, id, $text_name).await?,)?
                };
                Ok(Some(Versioned { record, version: row.version }))
            }

            fn apply(&mut self, patch: $patch) {
                $(parts::set(&mut self.$column, patch.$column);)*
                $(parts::set(&mut self.$text_field, patch.$text_field);)?
            }

            fn validate(&self, violations: &mut Violations) {
                $validate(self, violations);
            }

            async fn check_references(
                &self,
                db: &DatabaseTransaction,
                _id: Uuid,
                violations: &mut Violations,
            ) -> Result<(), Error> {
                $check(self, db, violations).await
            }

            async fn insert(
                &self,
                db: &DatabaseTransaction,
                id: Uuid,
                at: DateTime<Utc>,
            ) -> Result<(), Error> {
                let row = $entity::ActiveModel {
                    id: Set(id),
                    $($column: Set(self.$column.clone()),)*
                    version: Set(1),
                    created_at: Set(at),
                    updated_at: Set(at),
                };
                $entity::Entity::insert(row).exec_without_returning(db).await?;
                $(parts::insert_texts(
                    db, $type, id, $text_name, &self.$text_field, &self.original_lang,
                ).await?;)?
                Ok(())
            }

            async fn update(
                &self,
                db: &DatabaseTransaction,
                id: Uuid,
                expected: i32,
                at: DateTime<Utc>,
            ) -> Result<bool, Error> {
                let row = $entity::ActiveModel {
                    $($column: Set(self.$column.clone()),)*
                    version: Set(expected + 1),
                    updated_at: Set(at),
                    ..Default::default()
                };
                let columns = ($entity::Column::Id, $entity::Column::Version);
                if !parts::guarded_update::<$entity::Entity, _>(db, row, columns, id, expected)
                    .await?
                {
                    return Ok(false);
                }
                $(parts::replace_texts(
                    db, $type, id, $text_name, &self.$text_field, &self.original_lang,
                ).await?;)?
                Ok(true)
            }

            async fn delete(
                db: &DatabaseTransaction,
                id: Uuid,
                expected: i32,
            ) -> Result<bool, Error> {
                let columns = ($entity::Column::Id, $entity::Column::Version);
                parts::guarded_delete::<$entity::Entity, _>(db, $type, columns, id, expected).await
            }

            async fn referenced_by(
                _db: &DatabaseTransaction,
                _id: Uuid,
            ) -> Result<Vec<String>, Error> {
                Ok(Vec::new())
            }

            fn parents(&self) -> Vec<(EntityType, Uuid)> {
                $parents(self)
            }
        }
    };
}

/// Reports `field` when `E` has no row `id`.
async fn exists<E: EntityTrait>(
    db: &DatabaseTransaction,
    id: Uuid,
    field: &str,
    what: &str,
    violations: &mut Violations,
) -> Result<(), Error>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    if E::find_by_id(id).one(db).await?.is_none() {
        violations.add(field, format!("there is no {what} {id}"));
    }
    Ok(())
}

relation_fields! {
    /// An actor's part in a project.
    ParticipationFields, ParticipationPatch {
        project_id: Uuid,
        actor_id: Uuid,
        #[serde(with = "vocabulary")]
        role: ParticipationRole,
    }
}

fn no_checks<T>(_: &T, _: &mut Violations) {}

async fn check_participation(
    fields: &ParticipationFields,
    db: &DatabaseTransaction,
    violations: &mut Violations,
) -> Result<(), Error> {
    exists::<project::Entity>(db, fields.project_id, "projectId", "project", violations).await?;
    exists::<actor::Entity>(db, fields.actor_id, "actorId", "actor", violations).await
}

fn participation_parents(fields: &ParticipationFields) -> Vec<(EntityType, Uuid)> {
    vec![
        (EntityType::Project, fields.project_id),
        (EntityType::Actor, fields.actor_id),
    ]
}

relation_record!(
    ParticipationFields,
    ParticipationPatch,
    participation,
    EntityType::Participation,
    "Participation",
    columns {
        project_id,
        actor_id,
        role
    },
    validate = no_checks,
    check = check_participation,
    parents = participation_parents,
);

relation_fields! {
    /// A funder's grant to a project.
    FundingFields, FundingPatch {
        funder_id: Uuid,
        project_id: Uuid,
        #[serde(default)]
        programme: Option<String>,
        #[serde(default)]
        amount: Option<f64>,
        #[serde(default)]
        currency: Option<String>,
        #[serde(default)]
        period_start: Option<NaiveDate>,
        #[serde(default)]
        period_end: Option<NaiveDate>,
    }
}

fn validate_funding(fields: &FundingFields, violations: &mut Violations) {
    violations.optional_text("programme", fields.programme.as_deref(), 300);
    violations.amount("amount", fields.amount, fields.currency.as_deref());
    violations.date_range("periodEnd", fields.period_start, fields.period_end);
}

async fn check_funding(
    fields: &FundingFields,
    db: &DatabaseTransaction,
    violations: &mut Violations,
) -> Result<(), Error> {
    exists::<funder::Entity>(db, fields.funder_id, "funderId", "funder", violations).await?;
    exists::<project::Entity>(db, fields.project_id, "projectId", "project", violations).await
}

fn funding_parents(fields: &FundingFields) -> Vec<(EntityType, Uuid)> {
    vec![
        (EntityType::Project, fields.project_id),
        (EntityType::Funder, fields.funder_id),
    ]
}

relation_record!(
    FundingFields,
    FundingPatch,
    funding,
    EntityType::Funding,
    "Funding",
    columns {
        funder_id,
        project_id,
        programme,
        amount,
        currency,
        period_start,
        period_end
    },
    validate = validate_funding,
    check = check_funding,
    parents = funding_parents,
);

relation_fields! {
    /// An actor's role in a case study.
    CaseStudyActorFields, CaseStudyActorPatch {
        case_study_id: Uuid,
        actor_id: Uuid,
        #[serde(with = "vocabulary")]
        role: CaseStudyRole,
    }
}

async fn check_case_study_actor(
    fields: &CaseStudyActorFields,
    db: &DatabaseTransaction,
    violations: &mut Violations,
) -> Result<(), Error> {
    exists::<case_study::Entity>(
        db,
        fields.case_study_id,
        "caseStudyId",
        "case study",
        violations,
    )
    .await?;
    exists::<actor::Entity>(db, fields.actor_id, "actorId", "actor", violations).await
}

fn case_study_actor_parents(fields: &CaseStudyActorFields) -> Vec<(EntityType, Uuid)> {
    vec![
        (EntityType::CaseStudy, fields.case_study_id),
        (EntityType::Actor, fields.actor_id),
    ]
}

relation_record!(
    CaseStudyActorFields,
    CaseStudyActorPatch,
    case_study_actor,
    EntityType::CaseStudyActor,
    "CaseStudyActor",
    columns {
        case_study_id,
        actor_id,
        role
    },
    validate = no_checks,
    check = check_case_study_actor,
    parents = case_study_actor_parents,
);

relation_fields! {
    /// A resource exchanged in a case study.
    FlowFields, FlowPatch {
        case_study_id: Uuid,
        from_actor_id: Uuid,
        #[serde(default)]
        to_actor_id: Option<Uuid>,
        resource: String,
        #[serde(with = "vocabulary")]
        category: FlowCategory,
        #[serde(default)]
        quantity: Option<f64>,
        #[serde(default)]
        unit: Option<String>,
        #[serde(default)]
        year: Option<i32>,
        #[serde(with = "vocabulary")]
        status: FlowStatus,
        #[serde(default)]
        ewc_code: Option<String>,
        original_lang: String,
        #[serde(default, with = "localized")]
        description: Localized,
    }
}

fn validate_flow(fields: &FlowFields, violations: &mut Violations) {
    violations.text("resource", &fields.resource, 200);
    violations.finite("quantity", fields.quantity);
    if fields.quantity.is_some_and(|quantity| quantity < 0.0) {
        violations.add("quantity", "must not be negative");
    }
    if fields.quantity.is_some() && fields.unit.is_none() {
        violations.add("unit", "a quantity needs its unit");
    }
    violations.optional_text("unit", fields.unit.as_deref(), 50);
    violations.year("year", fields.year);
    if let Some(code) = &fields.ewc_code {
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit() || c == '*') {
            violations.add(
                "ewcCode",
                "must be a six-digit European Waste Catalogue code",
            );
        }
    }
    violations.lang("originalLang", &fields.original_lang);
    violations.localized(
        "description",
        &fields.description,
        &fields.original_lang,
        false,
    );
}

async fn check_flow(
    fields: &FlowFields,
    db: &DatabaseTransaction,
    violations: &mut Violations,
) -> Result<(), Error> {
    exists::<case_study::Entity>(
        db,
        fields.case_study_id,
        "caseStudyId",
        "case study",
        violations,
    )
    .await?;
    exists::<actor::Entity>(db, fields.from_actor_id, "fromActorId", "actor", violations).await?;
    if let Some(to) = fields.to_actor_id {
        exists::<actor::Entity>(db, to, "toActorId", "actor", violations).await?;
    }
    Ok(())
}

fn flow_parents(fields: &FlowFields) -> Vec<(EntityType, Uuid)> {
    vec![(EntityType::CaseStudy, fields.case_study_id)]
}

relation_record!(
    FlowFields, FlowPatch, resource_flow, EntityType::ResourceFlow, "ResourceFlow",
    columns {
        case_study_id, from_actor_id, to_actor_id, resource, category, quantity, unit, year,
        status, ewc_code, original_lang,
    },
    texts { description => field::DESCRIPTION },
    validate = validate_flow,
    check = check_flow,
    parents = flow_parents,
);

relation_fields! {
    /// A measured effect of a case study.
    ImpactFields, ImpactPatch {
        case_study_id: Uuid,
        metric: String,
        value: f64,
        unit: String,
        #[serde(default)]
        year: Option<i32>,
        #[serde(default)]
        note: Option<String>,
    }
}

fn validate_impact(fields: &ImpactFields, violations: &mut Violations) {
    violations.text("metric", &fields.metric, 200);
    violations.finite("value", Some(fields.value));
    violations.text("unit", &fields.unit, 50);
    violations.year("year", fields.year);
    violations.optional_long_text("note", fields.note.as_deref(), 1000);
}

async fn check_impact(
    fields: &ImpactFields,
    db: &DatabaseTransaction,
    violations: &mut Violations,
) -> Result<(), Error> {
    exists::<case_study::Entity>(
        db,
        fields.case_study_id,
        "caseStudyId",
        "case study",
        violations,
    )
    .await
}

fn impact_parents(fields: &ImpactFields) -> Vec<(EntityType, Uuid)> {
    vec![(EntityType::CaseStudy, fields.case_study_id)]
}

relation_record!(
    ImpactFields,
    ImpactPatch,
    impact_figure,
    EntityType::ImpactFigure,
    "ImpactFigure",
    columns {
        case_study_id,
        metric,
        value,
        unit,
        year,
        note
    },
    validate = validate_impact,
    check = check_impact,
    parents = impact_parents,
);

relation_fields! {
    /// A person's membership of an organisation (both are actors).
    MembershipFields, MembershipPatch {
        person_id: Uuid,
        organisation_id: Uuid,
        #[serde(default)]
        title: Option<String>,
    }
}

fn validate_membership(fields: &MembershipFields, violations: &mut Violations) {
    violations.optional_text("title", fields.title.as_deref(), 200);
    if fields.person_id == fields.organisation_id {
        violations.add(
            "organisationId",
            "a person cannot be a member of themselves",
        );
    }
}

async fn check_membership(
    fields: &MembershipFields,
    db: &DatabaseTransaction,
    violations: &mut Violations,
) -> Result<(), Error> {
    match actor::Entity::find_by_id(fields.person_id).one(db).await? {
        None => violations.add(
            "personId",
            format!("there is no actor {}", fields.person_id),
        ),
        Some(person) if person.kind != symbios_entity::vocabulary::ActorKind::Person => {
            violations.add("personId", "is not an actor of kind PERSON");
        }
        Some(_) => {}
    }
    exists::<actor::Entity>(
        db,
        fields.organisation_id,
        "organisationId",
        "actor",
        violations,
    )
    .await
}

fn membership_parents(fields: &MembershipFields) -> Vec<(EntityType, Uuid)> {
    vec![
        (EntityType::Actor, fields.person_id),
        (EntityType::Actor, fields.organisation_id),
    ]
}

relation_record!(
    MembershipFields,
    MembershipPatch,
    membership,
    EntityType::Membership,
    "Membership",
    columns {
        person_id,
        organisation_id,
        title
    },
    validate = validate_membership,
    check = check_membership,
    parents = membership_parents,
);
