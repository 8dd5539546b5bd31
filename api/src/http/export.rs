//! `GET /export/network.{graphml,gexf,csv}?caseStudy=SLUG`: the network of one case study's
//! flows (of every flow when `caseStudy` is left out) as a file to download, the same graph
//! as GraphQL's `network`. `GET /export/projects.csv?country=…&nuts=…&programme=…`: the
//! projects as keep.eu exports them, one row each with partners and funders (each parameter
//! a comma-separated list, as the `projects` filter of the same name takes it).

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use crate::error::{ErrorCode, code_of};
use crate::service::network_export::{self, Format};
use crate::service::resource_flow::Filter;
use crate::service::write::input_format::parse_vocabulary;
use crate::service::{self, case_study::CaseStudies, project, project_export, record};
use symbios_entity::vocabulary::ProgrammeKind;

/// The query string of an export.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// The case study's slug; every case study when left out.
    #[serde(rename = "caseStudy")]
    case_study: Option<String>,
}

/// The network as a file in the format the path's extension names.
pub async fn network(
    db: web::Data<DatabaseConnection>,
    extension: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> HttpResponse {
    let Some(format) = Format::from_extension(&extension) else {
        return refusal(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such export: the network is exported as .graphml, .gexf or .csv",
        );
    };
    match export(db.get_ref(), format, query.into_inner().case_study).await {
        Ok((name, bytes)) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, format.media_type()))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{}\"", format.extension()),
            ))
            .insert_header((CACHE_CONTROL, super::caching::REVALIDATE))
            .body(bytes),
        Err(error) => failed(error),
    }
}

/// The answer to an export that failed: 400 for bad input, 404 for an unknown record.
fn failed(error: service::Error) -> HttpResponse {
    let code = code_of(&error);
    let status = match code {
        ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        _ => {
            tracing::error!(error = %error, "export failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    refusal(status, code, &error.to_string())
}

/// The query string of the projects export: comma-separated lists.
#[derive(Debug, Deserialize)]
pub struct ProjectsQuery {
    /// Countries of participating actors (ISO 3166-1 alpha-2).
    country: Option<String>,
    /// NUTS codes; a code finds its sub-regions.
    nuts: Option<String>,
    /// Kinds of programme (`INTERREG`, `ERDF` …).
    programme: Option<String>,
}

/// The projects as CSV, one row each.
pub async fn projects(
    db: web::Data<DatabaseConnection>,
    query: web::Query<ProjectsQuery>,
) -> HttpResponse {
    let result = async {
        let filter = projects_filter(query.into_inner())?;
        let loaded =
            project_export::load(db.get_ref(), filter)
                .await
                .map_err(|error| match error {
                    service::Error::Invalid { field, reason } => service::Error::invalid(
                        field.trim_start_matches("filter.").to_owned(),
                        reason,
                    ),
                    other => other,
                })?;
        project_export::write(&loaded)
    }
    .await;
    match result {
        Ok(bytes) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, Format::Csv.media_type()))
            .insert_header((
                CONTENT_DISPOSITION,
                "attachment; filename=\"symbios-projects.csv\"",
            ))
            .insert_header((CACHE_CONTROL, super::caching::REVALIDATE))
            .body(bytes),
        Err(error) => failed(error),
    }
}

/// The `projects` filter of the query string's lists.
fn projects_filter(query: ProjectsQuery) -> Result<project::Filter, service::Error> {
    let list = |value: Option<String>| -> Vec<String> {
        value
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let programmes = list(query.programme)
        .iter()
        .map(|name| {
            parse_vocabulary::<ProgrammeKind>(name)
                .map_err(|reason| service::Error::invalid("programme", reason))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(project::Filter {
        countries: list(query.country),
        nuts: list(query.nuts),
        programmes,
        ..Default::default()
    })
}

/// The file's name without its extension, and its bytes.
async fn export(
    db: &DatabaseConnection,
    format: Format,
    case_study: Option<String>,
) -> Result<(String, Vec<u8>), service::Error> {
    let mut filter = Filter::default();
    let mut name = "symbios-network".to_owned();
    if let Some(slug) = case_study {
        let found = record::find_by_slug::<CaseStudies>(db, &slug)
            .await
            .map_err(|error| rename(error, "caseStudy"))?;
        let Some(case_study) = found else {
            return Err(service::Error::NotFound {
                entity: "case study",
            });
        };
        name = format!("symbios-network-{}", case_study.slug);
        filter.case_studies = vec![case_study.id.to_string()];
    }
    let graph = network_export::load(db, &filter).await?;
    Ok((name, network_export::write(&graph, format)?))
}

/// A refused slug named as the query parameter it came in.
fn rename(error: service::Error, parameter: &str) -> service::Error {
    match error {
        service::Error::Invalid { reason, .. } => service::Error::invalid(parameter, reason),
        other => other,
    }
}

/// A refused read: `status`, `no-store`, and `{ "error": { code, message } }`.
pub(super) fn refusal(status: StatusCode, code: ErrorCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CACHE_CONTROL, super::caching::NO_STORE))
        .json(serde_json::json!({
            "error": { "code": code.as_str(), "message": code.client_message(message) }
        }))
}
