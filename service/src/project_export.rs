//! Projects as one CSV table, as keep.eu exports them: one row per project with its
//! programme, dates, total budget and EU contribution, lead partner, partners (with country
//! and role), funders and NUTS regions. Text cells are guarded against spreadsheet formulas
//! (`csv_cell`); lists inside a cell are separated by `; `.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ActiveEnum, QueryOrder};
use symbios_entity::vocabulary::ParticipationRole;
use symbios_entity::{
    actor, case_study, case_study_project, funder, funding, participation, project,
};
use uuid::Uuid;

use crate::Error;
use crate::csv_cell::guard;
use crate::direct_read::SelectAll;
use crate::load::{index_by, rows_where_in};
use crate::project::{self as projects, Filter};

/// The columns, in order.
pub const COLUMNS: [&str; 18] = [
    "slug",
    "acronym",
    "name",
    "status",
    "programme",
    "programme_kind",
    "start_date",
    "end_date",
    "total_budget",
    "total_budget_currency",
    "eu_contribution",
    "eu_contribution_currency",
    "lead_partner",
    "lead_partner_country",
    "partners",
    "funders",
    "nuts",
    "website",
];

/// Between the items of a list in one cell.
const SEPARATOR: &str = "; ";

/// The projects `filter` selects (checked here), by slug, with what their rows show.
pub struct Projects {
    rows: Vec<project::Model>,
    partners: HashMap<Uuid, Vec<(participation::Model, actor::Model)>>,
    fundings: HashMap<Uuid, Vec<(funding::Model, funder::Model)>>,
    case_study_nuts: HashMap<Uuid, Vec<String>>,
}

impl Projects {
    /// How many projects there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Loads the projects `filter` selects, one statement per table (in batches of ids).
pub async fn load(db: &impl SelectAll, filter: Filter) -> Result<Projects, Error> {
    let filter = filter.checked()?;
    let rows = projects::select(&filter)
        .order_by_asc(project::Column::Slug)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();

    let participations = rows_where_in::<participation::Entity, _, _>(
        db,
        participation::Column::ProjectId,
        &ids,
        participation::Column::Id,
    )
    .await?;
    let actor_ids = distinct(participations.iter().map(|row| row.actor_id));
    let actors = index_by(
        rows_where_in::<actor::Entity, _, _>(db, actor::Column::Id, &actor_ids, actor::Column::Id)
            .await?,
        |row| row.id,
    );
    let mut partners: HashMap<Uuid, Vec<_>> = HashMap::new();
    for row in participations {
        if let Some(actor) = actors.get(&row.actor_id) {
            partners
                .entry(row.project_id)
                .or_default()
                .push((row, actor.clone()));
        }
    }

    let funding_rows = rows_where_in::<funding::Entity, _, _>(
        db,
        funding::Column::ProjectId,
        &ids,
        funding::Column::Id,
    )
    .await?;
    let funder_ids = distinct(funding_rows.iter().map(|row| row.funder_id));
    let funders = index_by(
        rows_where_in::<funder::Entity, _, _>(
            db,
            funder::Column::Id,
            &funder_ids,
            funder::Column::Id,
        )
        .await?,
        |row| row.id,
    );
    let mut fundings: HashMap<Uuid, Vec<_>> = HashMap::new();
    for row in funding_rows {
        if let Some(funder) = funders.get(&row.funder_id) {
            fundings
                .entry(row.project_id)
                .or_default()
                .push((row, funder.clone()));
        }
    }

    let links = rows_where_in::<case_study_project::Entity, _, _>(
        db,
        case_study_project::Column::ProjectId,
        &ids,
        case_study_project::Column::CaseStudyId,
    )
    .await?;
    let case_study_ids = distinct(links.iter().map(|link| link.case_study_id));
    let case_studies = index_by(
        rows_where_in::<case_study::Entity, _, _>(
            db,
            case_study::Column::Id,
            &case_study_ids,
            case_study::Column::Id,
        )
        .await?,
        |row| row.id,
    );
    let mut case_study_nuts: HashMap<Uuid, Vec<String>> = HashMap::new();
    for link in links {
        if let Some(code) = case_studies
            .get(&link.case_study_id)
            .and_then(|case_study| case_study.nuts_code.clone())
        {
            case_study_nuts
                .entry(link.project_id)
                .or_default()
                .push(code);
        }
    }
    Ok(Projects {
        rows,
        partners,
        fundings,
        case_study_nuts,
    })
}

/// Each id once, in order.
fn distinct(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    ids.collect::<BTreeSet<_>>().into_iter().collect()
}

/// A vocabulary value as its GraphQL name (`LEAD`).
fn name_of<T: ActiveEnum<Value = String>>(value: &T) -> String {
    value.to_value().to_ascii_uppercase()
}

/// Distinct non-empty values, in first-seen order, joined.
fn joined(values: impl IntoIterator<Item = String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !value.is_empty() && !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen.join(SEPARATOR)
}

fn amount(value: Option<f64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// One project's cells, in [`COLUMNS`] order.
fn cells(projects: &Projects, row: &project::Model) -> [String; 18] {
    let mut partners: Vec<&(participation::Model, actor::Model)> = projects
        .partners
        .get(&row.id)
        .map(|partners| partners.iter().collect())
        .unwrap_or_default();
    // Lead partners first, then by name.
    partners.sort_by(|(a, a_actor), (b, b_actor)| {
        (a.role != ParticipationRole::Lead, &a_actor.name)
            .cmp(&(b.role != ParticipationRole::Lead, &b_actor.name))
    });
    let leads: Vec<&actor::Model> = partners
        .iter()
        .filter(|(participation, _)| participation.role == ParticipationRole::Lead)
        .map(|(_, actor)| actor)
        .collect();
    let fundings: &[(funding::Model, funder::Model)] =
        projects.fundings.get(&row.id).map_or(&[], Vec::as_slice);
    let funders = fundings.iter().map(|(funding, funder)| {
        let money = match (funding.amount, &funding.currency) {
            (Some(amount), Some(currency)) => format!(" ({amount} {currency})"),
            _ => String::new(),
        };
        format!("{}{money}", funder.name)
    });
    let nuts = partners
        .iter()
        .filter_map(|(_, actor)| actor.nuts_code.clone())
        .chain(
            projects
                .case_study_nuts
                .get(&row.id)
                .into_iter()
                .flatten()
                .cloned(),
        )
        .collect::<BTreeSet<String>>();
    [
        row.slug.clone(),
        row.acronym.clone().unwrap_or_default(),
        row.name.clone(),
        name_of(&row.status),
        joined(
            fundings
                .iter()
                .filter_map(|(funding, _)| funding.programme.clone()),
        ),
        joined(
            fundings
                .iter()
                .filter_map(|(funding, _)| funding.programme_kind.as_ref().map(name_of)),
        ),
        row.start_date
            .map(|date| date.to_string())
            .unwrap_or_default(),
        row.end_date
            .map(|date| date.to_string())
            .unwrap_or_default(),
        amount(row.total_budget_amount),
        row.total_budget_currency.clone().unwrap_or_default(),
        amount(row.eu_contribution_amount),
        row.eu_contribution_currency.clone().unwrap_or_default(),
        joined(leads.iter().map(|actor| actor.name.clone())),
        joined(leads.iter().map(|actor| actor.country.clone())),
        joined(partners.iter().map(|(participation, actor)| {
            format!(
                "{} ({}, {})",
                actor.name,
                actor.country,
                name_of(&participation.role)
            )
        })),
        joined(funders),
        joined(nuts),
        row.website.clone().unwrap_or_default(),
    ]
}

/// The table as CSV (RFC 4180, a header row, UTF-8).
pub fn write(projects: &Projects) -> Result<Vec<u8>, Error> {
    let failed = |error: csv::Error| Error::internal("write the projects as CSV", error);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(failed)?;
    for row in &projects.rows {
        let cells = cells(projects, row);
        writer
            .write_record(cells.iter().map(|cell| guard(cell).into_owned()))
            .map_err(failed)?;
    }
    writer.flush().map_err(|error| failed(error.into()))?;
    writer
        .into_inner()
        .map_err(|error| Error::internal("write the projects as CSV", error.into_error()))
}
