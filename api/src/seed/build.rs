//! Checks every record of a [`Dataset`] and turns it into rows.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveEnum, Iterable};
use symbios_entity::vocabulary::{
    ActorKind, CaseStudyKind, CaseStudyRole, CaseStudyStatus, EntityType, FlowCategory, FlowStatus,
    FunderKind, ParticipationRole, ProjectStatus,
};
use symbios_entity::{
    actor, case_study, case_study_actor, case_study_project, case_study_theme, external_identifier,
    funder, funding, impact_figure, localized_text, participation, project, project_theme,
    resource_flow, source, theme,
};
use uuid::Uuid;

use super::model::Localized;
use super::{Dataset, Problem};
use crate::service::dataset::Records;
use crate::service::lang::SUPPORTED_LANGUAGES;
use crate::service::localized_text::field;
use crate::service::validate::Violations;
use crate::service::{limits, text, validate};

/// Namespace of the UUID v5 ids of bundled records.
const NAMESPACE: Uuid = Uuid::from_u128(0x5f1c_2b3e_8d4a_4c6e_9a07_3b51_d2e8_c0a1);

/// The id of a bundled record: UUID v5 of `"<kind>:<key>"`.
pub fn record_id(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{key}").as_bytes())
}

/// Collects problems for one file and record at a time.
struct Checker {
    problems: Vec<Problem>,
    file: &'static str,
    record: String,
}

impl Checker {
    fn at(&mut self, file: &'static str, record: &str) {
        self.file = file;
        self.record = record.to_owned();
    }

    fn problem(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file,
            record: self.record.clone(),
            field: field.into(),
            reason: reason.into(),
        });
    }

    fn slug(&mut self, slug: &str, seen: &mut HashSet<String>) {
        if !validate::is_slug(slug) {
            self.problem(
                "slug",
                "must be lowercase ASCII letters and digits joined by `-`",
            );
        }
        if !seen.insert(slug.to_owned()) {
            self.problem("slug", "is used by another record in this file");
        }
    }

    /// Runs checks shared with the API (`service::validate`) and records what they refuse.
    fn shared(&mut self, run: impl FnOnce(&mut Violations)) {
        let mut violations = Violations::default();
        run(&mut violations);
        if let Err(error) = violations.into_result() {
            for refused in error.field_errors() {
                self.problem(refused.field, refused.reason);
            }
        }
    }

    /// A list of at most `max` items (the API's maxima, `service::limits`).
    fn list(&mut self, field: &str, len: usize, max: usize) {
        self.shared(|check| {
            check.list_length(field, len, max);
        });
    }

    fn text(&mut self, field: &str, value: &str, max: usize) {
        self.shared(|check| check.text(field, value, max));
    }

    fn vocabulary<T: ActiveEnum<Value = String> + Iterable>(
        &mut self,
        field: &str,
        value: &str,
    ) -> Option<T> {
        match T::try_from_value(&value.to_owned()) {
            Ok(parsed) => Some(parsed),
            Err(_) => {
                let allowed: Vec<String> = T::iter().map(|v| v.to_value()).collect();
                self.problem(
                    field,
                    format!("`{value}` is not one of {}", allowed.join(", ")),
                );
                None
            }
        }
    }

    fn country(&mut self, field: &str, code: &str) {
        self.shared(|check| check.country(field, code));
    }

    fn lang(&mut self, field: &str, lang: &str) {
        self.shared(|check| check.lang(field, lang));
    }

    fn localized(&mut self, field: &str, texts: &Localized, original: &str, required: bool) {
        self.shared(|check| check.localized(field, texts, original, required));
    }

    fn url(&mut self, field: &str, value: &str) {
        self.shared(|check| check.url(field, value));
    }

    fn date(&mut self, field: &str, value: Option<&str>) -> Option<NaiveDate> {
        let value = value?;
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                self.problem(field, format!("`{value}` is not a date YYYY-MM-DD"));
                None
            }
        }
    }

    fn year(&mut self, field: &str, year: Option<i32>) {
        self.shared(|check| check.year(field, year));
    }

    fn reference(&mut self, field: &str, slug: &str, known: &HashSet<String>, kind: &str) {
        if !known.contains(slug) {
            self.problem(
                field,
                format!("refers to {kind} `{slug}`, which does not exist"),
            );
        }
    }
}

fn texts_of(
    rows: &mut Vec<localized_text::Model>,
    entity_type: EntityType,
    entity_id: Uuid,
    field_name: &str,
    texts: &Localized,
    original: &str,
) {
    rows.extend(texts.iter().map(|(lang, value)| localized_text::Model {
        entity_type,
        entity_id,
        field: field_name.to_owned(),
        lang: lang.clone(),
        text: value.trim().to_owned(),
        is_original: lang == original,
    }));
}

/// Checks `dataset` and builds its rows, stamped `now`; every problem is reported at once.
pub fn build_records(dataset: &Dataset, now: DateTime<Utc>) -> Result<Records, Vec<Problem>> {
    let mut check = Checker {
        problems: Vec::new(),
        file: "",
        record: String::new(),
    };
    let mut records = Records::default();

    let mut theme_slugs = HashSet::new();
    for record in &dataset.themes {
        check.at("themes.json", &record.slug);
        check.slug(&record.slug, &mut theme_slugs);
        for lang in SUPPORTED_LANGUAGES {
            if !record.labels.contains_key(lang) {
                check.problem("labels", format!("has no label in `{lang}`"));
            }
        }
        check.shared(|check| check.localized_labels("labels", &record.labels, "en", true));
        let id = record_id("theme", &record.slug);
        records.themes.push(theme::Model {
            id,
            slug: record.slug.clone(),
            version: 1,
            created_at: now,
            updated_at: now,
        });
        texts_of(
            &mut records.texts,
            EntityType::Theme,
            id,
            field::LABEL,
            &record.labels,
            "en",
        );
    }

    let mut actor_slugs = HashSet::new();
    for record in &dataset.actors {
        check.at("actors.json", &record.slug);
        check.slug(&record.slug, &mut actor_slugs);
    }
    let mut identifiers_seen = HashSet::new();
    for record in &dataset.actors {
        check.at("actors.json", &record.slug);
        check.text("name", &record.name, 300);
        let kind = check.vocabulary::<ActorKind>("kind", &record.kind);
        check.country("country", &record.country);
        check.lang("lang", &record.lang);
        check.localized("description", &record.description, &record.lang, true);
        if let Some(website) = &record.website {
            check.url("website", website);
        }
        let id = record_id("actor", &record.slug);
        check.list(
            "identifiers",
            record.identifiers.len(),
            limits::MAX_IDENTIFIERS,
        );
        for (index, identifier) in record.identifiers.iter().enumerate() {
            let field_name = format!("identifiers[{index}]");
            check.text(&format!("{field_name}.scheme"), &identifier.scheme, 32);
            check.text(&format!("{field_name}.value"), &identifier.value, 200);
            if !identifiers_seen.insert((identifier.scheme.clone(), identifier.value.clone())) {
                check.problem(
                    field_name,
                    "this scheme and value already belong to another actor",
                );
            }
            let key = format!("{}:{}", identifier.scheme, identifier.value);
            records.identifiers.push(external_identifier::Model {
                id: record_id("identifier", &key),
                actor_id: id,
                scheme: identifier.scheme.clone(),
                value: identifier.value.clone(),
                source_version: None,
            });
        }
        for (index, membership) in record.memberships.iter().enumerate() {
            check.reference(
                &format!("memberships[{index}].organisation"),
                &membership.organisation,
                &actor_slugs,
                "actor",
            );
            let organisation_id = record_id("actor", &membership.organisation);
            records.memberships.push(symbios_entity::membership::Model {
                id: record_id(
                    "membership",
                    &format!("{}:{}", record.slug, membership.organisation),
                ),
                person_id: id,
                organisation_id,
                title: membership.title.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        if let Some(kind) = kind {
            records.actors.push(actor::Model {
                id,
                slug: record.slug.clone(),
                name: record.name.trim().to_owned(),
                name_folded: text::fold(record.name.trim()),
                kind,
                country: record.country.clone(),
                website: record.website.clone(),
                original_lang: record.lang.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        texts_of(
            &mut records.texts,
            EntityType::Actor,
            id,
            field::DESCRIPTION,
            &record.description,
            &record.lang,
        );
    }

    let mut funder_slugs = HashSet::new();
    for record in &dataset.funders {
        check.at("funders.json", &record.slug);
        check.slug(&record.slug, &mut funder_slugs);
        check.text("name", &record.name, 300);
        let kind = check.vocabulary::<FunderKind>("kind", &record.kind);
        check.country("country", &record.country);
        check.lang("lang", &record.lang);
        check.localized("description", &record.description, &record.lang, true);
        if let Some(website) = &record.website {
            check.url("website", website);
        }
        if let Some(actor_slug) = &record.actor {
            check.reference("actor", actor_slug, &actor_slugs, "actor");
        }
        let id = record_id("funder", &record.slug);
        if let Some(kind) = kind {
            records.funders.push(funder::Model {
                id,
                slug: record.slug.clone(),
                name: record.name.trim().to_owned(),
                name_folded: text::fold(record.name.trim()),
                kind,
                country: record.country.clone(),
                actor_id: record.actor.as_deref().map(|slug| record_id("actor", slug)),
                website: record.website.clone(),
                original_lang: record.lang.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        texts_of(
            &mut records.texts,
            EntityType::Funder,
            id,
            field::DESCRIPTION,
            &record.description,
            &record.lang,
        );
    }

    let mut project_slugs = HashSet::new();
    for record in &dataset.projects {
        check.at("projects.json", &record.slug);
        check.slug(&record.slug, &mut project_slugs);
    }
    for record in &dataset.projects {
        check.at("projects.json", &record.slug);
        check.text("name", &record.name, 300);
        let status = check.vocabulary::<ProjectStatus>("status", &record.status);
        let start_date = check.date("start_date", record.start_date.as_deref());
        let end_date = check.date("end_date", record.end_date.as_deref());
        if let (Some(start), Some(end)) = (start_date, end_date)
            && end < start
        {
            check.problem("end_date", "is before start_date");
        }
        check.lang("lang", &record.lang);
        check.localized("summary", &record.summary, &record.lang, true);
        if let Some(website) = &record.website {
            check.url("website", website);
        }
        let id = record_id("project", &record.slug);
        check.list("themes", record.themes.len(), limits::MAX_THEMES);
        for (index, theme_slug) in record.themes.iter().enumerate() {
            check.reference(
                &format!("themes[{index}]"),
                theme_slug,
                &theme_slugs,
                "theme",
            );
            records.project_themes.push(project_theme::Model {
                project_id: id,
                theme_id: record_id("theme", theme_slug),
            });
        }
        let mut roles_seen = HashSet::new();
        for (index, participation_record) in record.participations.iter().enumerate() {
            let field_name = format!("participations[{index}]");
            check.reference(
                &format!("{field_name}.actor"),
                &participation_record.actor,
                &actor_slugs,
                "actor",
            );
            let role = check.vocabulary::<ParticipationRole>(
                &format!("{field_name}.role"),
                &participation_record.role,
            );
            if !roles_seen.insert((
                participation_record.actor.clone(),
                participation_record.role.clone(),
            )) {
                check.problem(field_name, "repeats an actor and role given before");
            }
            if let Some(role) = role {
                let key = format!(
                    "{}:{}:{}",
                    record.slug, participation_record.actor, participation_record.role
                );
                records.participations.push(participation::Model {
                    id: record_id("participation", &key),
                    project_id: id,
                    actor_id: record_id("actor", &participation_record.actor),
                    role,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                });
            }
        }
        for (index, funding_record) in record.fundings.iter().enumerate() {
            let field_name = format!("fundings[{index}]");
            check.reference(
                &format!("{field_name}.funder"),
                &funding_record.funder,
                &funder_slugs,
                "funder",
            );
            let period_start = check.date(
                &format!("{field_name}.period_start"),
                funding_record.period_start.as_deref(),
            );
            let period_end = check.date(
                &format!("{field_name}.period_end"),
                funding_record.period_end.as_deref(),
            );
            if let (Some(start), Some(end)) = (period_start, period_end)
                && end < start
            {
                check.problem(format!("{field_name}.period_end"), "is before period_start");
            }
            if let Some(amount) = funding_record.amount
                && !(amount.is_finite() && amount >= 0.0)
            {
                check.problem(
                    format!("{field_name}.amount"),
                    "must be a number of at least 0",
                );
            }
            match (&funding_record.amount, &funding_record.currency) {
                (Some(_), None) => check.problem(
                    format!("{field_name}.currency"),
                    "is required with an amount",
                ),
                (_, Some(code)) if iso_currency::Currency::from_code(code).is_none() => {
                    check.problem(
                        format!("{field_name}.currency"),
                        format!("`{code}` is not an ISO 4217 currency code"),
                    );
                }
                _ => {}
            }
            records.fundings.push(funding::Model {
                id: record_id(
                    "funding",
                    &format!("{}:{}:{index}", record.slug, funding_record.funder),
                ),
                funder_id: record_id("funder", &funding_record.funder),
                project_id: id,
                programme: funding_record.programme.clone(),
                amount: funding_record.amount,
                currency: funding_record.currency.clone(),
                period_start,
                period_end,
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        if let Some(status) = status {
            records.projects.push(project::Model {
                id,
                slug: record.slug.clone(),
                name: record.name.trim().to_owned(),
                name_folded: text::fold(record.name.trim()),
                acronym: record.acronym.clone(),
                status,
                start_date,
                end_date,
                website: record.website.clone(),
                original_lang: record.lang.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        texts_of(
            &mut records.texts,
            EntityType::Project,
            id,
            field::SUMMARY,
            &record.summary,
            &record.lang,
        );
    }

    let mut case_study_slugs = HashSet::new();
    for record in &dataset.case_studies {
        check.at("case_studies.json", &record.slug);
        check.slug(&record.slug, &mut case_study_slugs);
        check.text("title", &record.title, 300);
        check.text("place", &record.place, 200);
        let kind = check.vocabulary::<CaseStudyKind>("kind", &record.kind);
        let status = check.vocabulary::<CaseStudyStatus>("status", &record.status);
        check.country("country", &record.country);
        if let Some(latitude) = record.latitude
            && !(-90.0..=90.0).contains(&latitude)
        {
            check.problem("latitude", "must be between -90 and 90");
        }
        if let Some(longitude) = record.longitude
            && !(-180.0..=180.0).contains(&longitude)
        {
            check.problem("longitude", "must be between -180 and 180");
        }
        check.year("established_year", record.established_year);
        check.lang("lang", &record.lang);
        check.localized("summary", &record.summary, &record.lang, true);
        check.localized("body", &record.body, &record.lang, true);
        let id = record_id("case_study", &record.slug);
        check.list("themes", record.themes.len(), limits::MAX_THEMES);
        check.list("projects", record.projects.len(), limits::MAX_PROJECT_IDS);
        check.list("sources", record.sources.len(), limits::MAX_SOURCES);
        for (index, theme_slug) in record.themes.iter().enumerate() {
            check.reference(
                &format!("themes[{index}]"),
                theme_slug,
                &theme_slugs,
                "theme",
            );
            records.case_study_themes.push(case_study_theme::Model {
                case_study_id: id,
                theme_id: record_id("theme", theme_slug),
            });
        }
        for (index, project_slug) in record.projects.iter().enumerate() {
            check.reference(
                &format!("projects[{index}]"),
                project_slug,
                &project_slugs,
                "project",
            );
            records.case_study_projects.push(case_study_project::Model {
                case_study_id: id,
                project_id: record_id("project", project_slug),
            });
        }
        let mut roles_seen = HashSet::new();
        for (index, actor_record) in record.actors.iter().enumerate() {
            let field_name = format!("actors[{index}]");
            check.reference(
                &format!("{field_name}.actor"),
                &actor_record.actor,
                &actor_slugs,
                "actor",
            );
            let role = check
                .vocabulary::<CaseStudyRole>(&format!("{field_name}.role"), &actor_record.role);
            if !roles_seen.insert((actor_record.actor.clone(), actor_record.role.clone())) {
                check.problem(field_name, "repeats an actor and role given before");
            }
            if let Some(role) = role {
                let key = format!(
                    "{}:{}:{}",
                    record.slug, actor_record.actor, actor_record.role
                );
                records.case_study_actors.push(case_study_actor::Model {
                    id: record_id("case_study_actor", &key),
                    case_study_id: id,
                    actor_id: record_id("actor", &actor_record.actor),
                    role,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                });
            }
        }
        for (index, flow) in record.flows.iter().enumerate() {
            let field_name = format!("flows[{index}]");
            check.reference(
                &format!("{field_name}.from"),
                &flow.from,
                &actor_slugs,
                "actor",
            );
            if let Some(to) = &flow.to {
                check.reference(&format!("{field_name}.to"), to, &actor_slugs, "actor");
            }
            check.text(&format!("{field_name}.resource"), &flow.resource, 200);
            let category =
                check.vocabulary::<FlowCategory>(&format!("{field_name}.category"), &flow.category);
            let flow_status =
                check.vocabulary::<FlowStatus>(&format!("{field_name}.status"), &flow.status);
            if let Some(quantity) = flow.quantity
                && !(quantity.is_finite() && quantity >= 0.0)
            {
                check.problem(
                    format!("{field_name}.quantity"),
                    "must be a number of at least 0",
                );
            }
            check.year(&format!("{field_name}.year"), flow.year);
            check.localized(
                &format!("{field_name}.description"),
                &flow.description,
                &record.lang,
                false,
            );
            let flow_id = record_id("resource_flow", &format!("{}:{index}", record.slug));
            if let (Some(category), Some(flow_status)) = (category, flow_status) {
                records.flows.push(resource_flow::Model {
                    id: flow_id,
                    case_study_id: id,
                    from_actor_id: record_id("actor", &flow.from),
                    to_actor_id: flow.to.as_deref().map(|slug| record_id("actor", slug)),
                    resource: flow.resource.trim().to_owned(),
                    category,
                    quantity: flow.quantity,
                    unit: flow.unit.clone(),
                    year: flow.year,
                    status: flow_status,
                    ewc_code: flow.ewc_code.clone(),
                    original_lang: record.lang.clone(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                });
            }
            texts_of(
                &mut records.texts,
                EntityType::ResourceFlow,
                flow_id,
                field::DESCRIPTION,
                &flow.description,
                &record.lang,
            );
        }
        for (index, impact) in record.impacts.iter().enumerate() {
            let field_name = format!("impacts[{index}]");
            check.text(&format!("{field_name}.metric"), &impact.metric, 80);
            check.text(&format!("{field_name}.unit"), &impact.unit, 40);
            if !impact.value.is_finite() {
                check.problem(format!("{field_name}.value"), "must be a finite number");
            }
            check.year(&format!("{field_name}.year"), impact.year);
            records.impacts.push(impact_figure::Model {
                id: record_id("impact_figure", &format!("{}:{index}", record.slug)),
                case_study_id: id,
                metric: impact.metric.clone(),
                value: impact.value,
                unit: impact.unit.clone(),
                year: impact.year,
                note: impact.note.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        for (index, source_record) in record.sources.iter().enumerate() {
            let field_name = format!("sources[{index}]");
            check.url(&format!("{field_name}.url"), &source_record.url);
            check.text(&format!("{field_name}.title"), &source_record.title, 500);
            let accessed = check.date(
                &format!("{field_name}.accessed"),
                source_record.accessed.as_deref(),
            );
            records.sources.push(source::Model {
                id: record_id("source", &format!("{}:{}", record.slug, source_record.url)),
                case_study_id: id,
                url: source_record.url.clone(),
                title: source_record.title.clone(),
                accessed,
            });
        }
        if let (Some(kind), Some(status)) = (kind, status) {
            records.case_studies.push(case_study::Model {
                id,
                slug: record.slug.clone(),
                title: record.title.trim().to_owned(),
                name_folded: text::fold(record.title.trim()),
                kind,
                place: record.place.clone(),
                municipality: record.municipality.clone(),
                region: record.region.clone(),
                country: record.country.clone(),
                latitude: record.latitude,
                longitude: record.longitude,
                established_year: record.established_year,
                status,
                original_lang: record.lang.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        texts_of(
            &mut records.texts,
            EntityType::CaseStudy,
            id,
            field::SUMMARY,
            &record.summary,
            &record.lang,
        );
        texts_of(
            &mut records.texts,
            EntityType::CaseStudy,
            id,
            field::BODY,
            &record.body,
            &record.lang,
        );
    }

    if check.problems.is_empty() {
        Ok(records)
    } else {
        Err(check.problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_with(file: &'static str, text: &'static str) -> [(&'static str, &'static str); 5] {
        let mut files = super::super::FILES;
        for entry in &mut files {
            if entry.0 == file {
                entry.1 = text;
            }
        }
        files
    }

    #[test]
    fn bundled_dataset_is_valid_and_complete() {
        let dataset = Dataset::bundled();
        assert!(dataset.is_ok(), "{:?}", dataset.err());
        let Ok(dataset) = dataset else { return };
        let [themes, actors, funders, projects, case_studies] = dataset.counts();
        assert!(themes >= 10, "themes: {themes}");
        assert!(actors >= 60, "actors: {actors}");
        assert!(funders >= 10, "funders: {funders}");
        assert!(projects >= 2, "projects: {projects}");
        assert!(case_studies >= 5, "case studies: {case_studies}");
        let records = build_records(&dataset, Utc::now());
        assert!(records.is_ok(), "{:#?}", records.err());
    }

    #[test]
    fn ids_are_stable() {
        assert_eq!(record_id("actor", "orsted"), record_id("actor", "orsted"));
        assert_ne!(record_id("actor", "orsted"), record_id("funder", "orsted"));
    }

    #[test]
    fn broken_reference_names_file_and_record() {
        let files = files_with(
            "funders.json",
            r#"[{"slug":"ghost-fund","name":"Ghost","kind":"private","country":"SE","actor":"nobody","lang":"en","description":{"en":"x"}}]"#,
        );
        let Ok(dataset) = Dataset::parse(&files) else {
            panic!("funders.json should parse");
        };
        let problems = build_records(&dataset, Utc::now())
            .err()
            .unwrap_or_default();
        let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            messages.contains(&"funders.json: record `ghost-fund`: field `actor`: refers to actor `nobody`, which does not exist".to_owned()),
            "{messages:#?}"
        );
    }

    #[test]
    fn bad_values_are_all_reported() {
        let files = files_with(
            "themes.json",
            r#"[{"slug":"Bad Slug","labels":{"en":"x","xx":"y"}}]"#,
        );
        let Ok(dataset) = Dataset::parse(&files) else {
            panic!("themes.json should parse");
        };
        let problems = build_records(&dataset, Utc::now())
            .err()
            .unwrap_or_default();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"slug"), "{fields:?}");
        assert!(fields.contains(&"labels.xx"), "{fields:?}");
        assert!(fields.contains(&"labels"), "{fields:?}");
    }

    #[test]
    fn unknown_keys_and_broken_json_are_refused() {
        let files = files_with("themes.json", r#"[{"slug":"a","labelz":{}}]"#);
        let error = Dataset::parse(&files)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("themes.json"), "{error}");
        assert!(error.contains("unknown field `labelz`"), "{error}");
    }
}
