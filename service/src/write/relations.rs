//! Writing the versioned relations: participations, fundings, case-study roles, resource flows,
//! impact figures and memberships. Each belongs to parent records (project, case study,
//! actor, funder) whose versions are bumped with it.
//!
//! They differ only in their columns and checks, so one macro writes their [`Record`] impls.

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait};
use serde::{Deserialize, Serialize};
use symbios_entity::vocabulary::{
    ActorKind, CaseStudyRole, EntityType, FlowCategory, FlowStatus, ParticipationRole,
    ProgrammeKind,
};
use symbios_entity::{
    actor, case_study_actor, funding, impact_figure, membership, participation, resource_flow,
};
use uuid::Uuid;

use super::input_format::{localized, optional_vocabulary, vocabulary};
use super::parts;
use super::store::TextsByField;
use super::{Lookup, OwnedTexts, Record, Reference, Stored};
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
/// localized text field). Each parent is checked to exist and has its version bumped.
macro_rules! relation_record {
    (
        $fields:ident, $patch:ident, $entity:ident, $name:ident,
        columns { $($column:ident),* $(,)? },
        $(texts { $text_field:ident => $text_name:expr },)?
        $(own { $($own:ident),* } = ($read:path, $write:path, $owned_texts:path),)?
        parents { $($parent:ident ($input:literal): $parent_type:ident),* $(,)? },
        $(also refers to { $($also:ident ($also_input:literal): $also_type:ident),* },)?
        $(unique { $($unique:ident: $unique_column:ident ($unique_input:literal)),+ },)?
        validate = $validate:path
        $(, check = $check:path)? $(,)?
    ) => {
        impl Record for $fields {
            type Patch = $patch;
            type Table = $entity::Entity;
            const TYPE: EntityType = EntityType::$name;
            const NAME: &'static str = stringify!($name);

            async fn from_row(
                _db: &DatabaseTransaction,
                #[allow(unused_mut)] Stored { row, mut texts }: Stored<Self>,
            ) -> Result<Self, Error> {
                let _ = &mut texts;
                $(let ($($own,)*) = $read(&row, &mut texts);)?
                Ok(Self {
                    $($column: row.$column,)*
                    $($text_field: texts.take($text_name),)?
                    $($($own,)*)?
                })
            }

            fn to_row(&self) -> $entity::ActiveModel {
                #[allow(unused_mut)]
                let mut row = $entity::ActiveModel {
                    $($column: Set(self.$column.clone()),)*
                    ..Default::default()
                };
                $($write(self, &mut row);)?
                row
            }

            $(fn texts(&self) -> OwnedTexts<'_> {
                OwnedTexts::of(&self.original_lang).with($text_name, &self.$text_field)
            })?

            $(fn texts(&self) -> OwnedTexts<'_> {
                $owned_texts(self)
            })?

            fn apply(&mut self, patch: $patch) {
                $(parts::set(&mut self.$column, patch.$column);)*
                $(parts::set(&mut self.$text_field, patch.$text_field);)?
                $($(parts::set(&mut self.$own, patch.$own);)*)?
            }

            fn validate(&self, violations: &mut Violations) {
                $validate(self, violations);
            }

            const BATCHABLE: bool = relation_record!(@batchable $($check)?);

            fn references(&self) -> Vec<Reference> {
                #[allow(unused_mut)]
                let mut references = vec![
                    $(Reference::new($input, EntityType::$parent_type, self.$parent)),*
                ];
                $($(if let Some(id) = ReferenceField::id(&self.$also) {
                    references.push(Reference::new($also_input, EntityType::$also_type, id));
                })*)?
                references
            }

            async fn check_references(
                &self,
                #[allow(unused_variables)] lookup: Lookup<'_>,
            ) -> Result<(), Error> {
                $(
                    let same = [$(ColumnTrait::eq(&$entity::Column::$unique_column, self.$unique.clone())),+];
                    let inputs = [$($unique_input),+];
                    parts::must_be_unique::<$entity::Entity>(
                        (lookup.db, lookup.id, &mut *lookup.violations),
                        Self::NAME,
                        same,
                        &inputs,
                    )
                    .await?;
                )?
                $($check(self, lookup).await?;)?
                Ok(())
            }

            fn parents(&self) -> Vec<(EntityType, Uuid)> {
                vec![$((EntityType::$parent_type, self.$parent)),*]
            }
        }
    };
    // Without a check of its own, a relation checks only that its references exist and its
    // unique key is free (which the table enforces, so a batch may leave it to the database).
    (@batchable) => {
        true
    };
    (@batchable $check:path) => {
        false
    };
}

/// A field that names a record: an id, or an optional one.
trait ReferenceField {
    fn id(&self) -> Option<Uuid>;
}

impl ReferenceField for Uuid {
    fn id(&self) -> Option<Uuid> {
        Some(*self)
    }
}

impl ReferenceField for Option<Uuid> {
    fn id(&self) -> Option<Uuid> {
        *self
    }
}

fn no_checks<T>(_: &T, _: &mut Violations) {}

relation_fields! {
    /// An actor's part in a project.
    ParticipationFields, ParticipationPatch {
        project_id: Uuid,
        actor_id: Uuid,
        #[serde(with = "vocabulary")]
        role: ParticipationRole,
    }
}

relation_record!(
    ParticipationFields, ParticipationPatch, participation, Participation,
    columns { project_id, actor_id, role },
    parents { project_id ("projectId"): Project, actor_id ("actorId"): Actor },
    unique {
        project_id: ProjectId ("projectId"), actor_id: ActorId ("actorId"), role: Role ("role")
    },
    validate = no_checks,
);

relation_fields! {
    /// A funder's grant to a project.
    FundingFields, FundingPatch {
        funder_id: Uuid,
        project_id: Uuid,
        #[serde(default)]
        programme: Option<String>,
        /// What kind of programme `programme` is.
        #[serde(default, with = "optional_vocabulary", skip_serializing_if = "Option::is_none")]
        programme_kind: Option<ProgrammeKind>,
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

relation_record!(
    FundingFields, FundingPatch, funding, Funding,
    columns {
        funder_id, project_id, programme, programme_kind, amount, currency, period_start,
        period_end,
    },
    parents { project_id ("projectId"): Project, funder_id ("funderId"): Funder },
    validate = validate_funding,
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

relation_record!(
    CaseStudyActorFields, CaseStudyActorPatch, case_study_actor, CaseStudyActor,
    columns { case_study_id, actor_id, role },
    parents { case_study_id ("caseStudyId"): CaseStudy, actor_id ("actorId"): Actor },
    unique {
        case_study_id: CaseStudyId ("caseStudyId"), actor_id: ActorId ("actorId"),
        role: Role ("role")
    },
    validate = no_checks,
);

relation_fields! {
    /// A resource exchanged in a case study.
    FlowFields, FlowPatch {
        case_study_id: Uuid,
        from_actor_id: Uuid,
        #[serde(default)]
        to_actor_id: Option<Uuid>,
        /// The resource's name in `resourceLang`.
        resource: String,
        /// The language `resource` is written in, when not `originalLang`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resource_lang: Option<String>,
        /// The resource's name in other languages.
        #[serde(default, with = "localized", skip_serializing_if = "Localized::is_empty")]
        resource_translations: Localized,
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
    if let Some(lang) = &fields.resource_lang {
        violations.lang("resourceLang", lang);
    }
    let resource_lang = fields.resource_lang();
    if fields.resource_translations.contains_key(resource_lang) {
        violations.add(
            "resourceTranslations",
            format!("holds a name in `{resource_lang}`, the language of `resource`"),
        );
    }
    if !fields.resource_translations.is_empty() {
        // With the original, which the checks of localized texts ask for (and `resource` is
        // checked as itself above).
        violations.localized_labels(
            "resourceTranslations",
            &fields.resource_names(),
            resource_lang,
            true,
        );
    }
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

impl FlowFields {
    /// The language `resource` is written in.
    pub fn resource_lang(&self) -> &str {
        self.resource_lang.as_deref().unwrap_or(&self.original_lang)
    }

    /// The resource's names by language, the original among them.
    pub fn resource_names(&self) -> Localized {
        let mut names = self.resource_translations.clone();
        names.insert(self.resource_lang().to_owned(), self.resource.clone());
        names
    }
}

/// A flow's resource language, resource translations and description from its row and texts.
fn read_flow_texts(
    row: &resource_flow::Model,
    texts: &mut TextsByField,
) -> (Option<String>, Localized, Localized) {
    let resource_lang = (!row.resource_lang.is_empty() && row.resource_lang != row.original_lang)
        .then(|| row.resource_lang.clone());
    let mut translations = texts.take(field::RESOURCE);
    translations.remove(resource_lang.as_deref().unwrap_or(&row.original_lang));
    (resource_lang, translations, texts.take(field::DESCRIPTION))
}

/// The columns a flow's resource names give: their language and their folded forms.
fn write_flow_names(fields: &FlowFields, row: &mut resource_flow::ActiveModel) {
    row.resource_lang = Set(fields.resource_lang().to_owned());
    row.resource_folded = Set(crate::resource_flow::folded_names(
        &fields.resource,
        fields.resource_translations.values(),
    ));
}

/// A flow's texts: the description (original in `originalLang`) and the resource names
/// (original in `resourceLang`).
fn flow_texts(fields: &FlowFields) -> OwnedTexts<'_> {
    OwnedTexts::of(&fields.original_lang)
        .with(field::DESCRIPTION, &fields.description)
        .with_names(
            field::RESOURCE,
            fields.resource_names(),
            fields.resource_lang(),
        )
}

relation_record!(
    FlowFields, FlowPatch, resource_flow, ResourceFlow,
    columns {
        case_study_id, from_actor_id, to_actor_id, resource, category, quantity, unit, year,
        status, ewc_code, original_lang,
    },
    own { resource_lang, resource_translations, description } =
        (read_flow_texts, write_flow_names, flow_texts),
    parents { case_study_id ("caseStudyId"): CaseStudy },
    // The actors must exist but are not its parents: the flow is part of its case study.
    also refers to { from_actor_id ("fromActorId"): Actor, to_actor_id ("toActorId"): Actor },
    validate = validate_flow,
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

relation_record!(
    ImpactFields, ImpactPatch, impact_figure, ImpactFigure,
    columns { case_study_id, metric, value, unit, year, note },
    parents { case_study_id ("caseStudyId"): CaseStudy },
    validate = validate_impact,
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

/// A member is an actor of kind PERSON (that it exists is checked as a parent).
async fn check_person(fields: &MembershipFields, lookup: Lookup<'_>) -> Result<(), Error> {
    let person = actor::Entity::find_by_id(fields.person_id)
        .one(lookup.db)
        .await?;
    if person.is_some_and(|person| person.kind != ActorKind::Person) {
        lookup
            .violations
            .add("personId", "is not an actor of kind PERSON");
    }
    Ok(())
}

relation_record!(
    MembershipFields, MembershipPatch, membership, Membership,
    columns { person_id, organisation_id, title },
    parents { person_id ("personId"): Actor, organisation_id ("organisationId"): Actor },
    validate = validate_membership,
    check = check_person,
);
