//! One log line per request, at `info`, under the target [`TARGET`]: method, path (never the
//! query string, which holds query texts and variables), status, duration, GraphQL operation
//! name, request id and the client address as the rate limiter sees it.
//!
//! The middleware wraps `TracingLogger` from outside, so the line is written outside the
//! request span (whose `http.target` holds the query string) and after every other layer
//! has had its say on the status.

use std::future::Future;
use std::net::IpAddr;
use std::time::Instant;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::{HttpMessage, HttpRequest, web};
use tracing_actix_web::RequestId;

use super::graphql::HttpServices;

/// The `tracing` target of access log lines (filter them with `symbios::access=warn`).
pub const TARGET: &str = "symbios::access";

/// Longest path written; longer ones are cut (with `…`).
const MAX_PATH_CHARS: usize = 256;

/// The name of the GraphQL operation a request runs, noted by the endpoint for the log.
#[derive(Debug, Clone)]
struct OperationName(String);

/// Notes the operation name of `request` for its log line: a GraphQL name of at most 64
/// characters; any other name a client sends is noted as `(invalid)`.
pub fn note_operation(request: &HttpRequest, name: &str) {
    let name = if crate::metrics::is_operation_name(name) {
        name.to_owned()
    } else {
        "(invalid)".to_owned()
    };
    request.extensions_mut().insert(OperationName(name));
}

/// The middleware: times the request and writes its line when the response is ready.
pub fn log<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let started = Instant::now();
    let method = request.method().to_string();
    let path = shortened(request.path());
    let client = client_address(request.request());
    let response = service.call(request);
    async move {
        let response = response.await;
        let (status, request_id, operation) = match &response {
            Ok(response) => {
                let extensions = response.request().extensions();
                (
                    response.status().as_u16(),
                    extensions.get::<RequestId>().map(ToString::to_string),
                    extensions
                        .get::<OperationName>()
                        .map(|operation| operation.0.clone()),
                )
            }
            Err(error) => (error.as_response_error().status_code().as_u16(), None, None),
        };
        tracing::info!(
            target: TARGET,
            method,
            path,
            status,
            // Whole microseconds: `0.721`, not `0.7211719999999999`.
            duration_ms = started.elapsed().as_micros() as f64 / 1000.0,
            operation,
            request_id,
            client = client.map(|address| address.to_string()),
            "request"
        );
        response
    }
}

/// The client address the per-address rate limit uses.
fn client_address(request: &HttpRequest) -> Option<IpAddr> {
    request
        .app_data::<web::Data<HttpServices>>()
        .and_then(|services| services.client_address.of(request))
}

fn shortened(path: &str) -> String {
    match path.char_indices().nth(MAX_PATH_CHARS) {
        Some((cut, _)) => format!("{}…", path.get(..cut).unwrap_or_default()),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::test::{self, TestRequest};
    use actix_web::{App, HttpResponse};
    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;
    use crate::config::LogFormat;

    /// A log writer that keeps what it is given.
    #[derive(Clone, Default)]
    struct Kept(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Kept {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut kept) = self.0.lock() {
                kept.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl MakeWriter<'_> for Kept {
        type Writer = Kept;

        fn make_writer(&self) -> Kept {
            self.clone()
        }
    }

    /// What the server logs in `format` for one GET of `/graphql` with a query string, and
    /// the request id it answered with.
    async fn logged(format: LogFormat) -> (String, String) {
        let kept = Kept::default();
        let subscriber = tracing_subscriber::registry()
            .with(crate::telemetry::layer(format, false, kept.clone()))
            .with(tracing_subscriber::filter::LevelFilter::INFO);
        // The test runtime runs the service on this thread, so a thread-local default holds.
        let _default = tracing::subscriber::set_default(subscriber);
        let app = test::init_service(
            App::new()
                .wrap_fn(super::super::add_request_id_header)
                .wrap(tracing_actix_web::TracingLogger::default())
                .wrap_fn(log)
                .route(
                    "/graphql",
                    web::get().to(|request: HttpRequest| async move {
                        note_operation(&request, "CaseStudy");
                        HttpResponse::Ok().finish()
                    }),
                ),
        )
        .await;
        let response = test::call_service(
            &app,
            TestRequest::get()
                .uri("/graphql?query=%7Bsecret%7D")
                .to_request(),
        )
        .await;
        let request_id = response
            .headers()
            .get(super::super::REQUEST_ID_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_default();
        let text = kept
            .0
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        (text, request_id)
    }

    #[actix_web::test]
    async fn a_pretty_line_per_request() {
        let (text, request_id) = logged(LogFormat::Pretty).await;
        let lines: Vec<&str> = text.lines().filter(|line| line.contains(TARGET)).collect();
        assert_eq!(lines.len(), 1, "{text}");
        for field in [
            "INFO",
            "method=\"GET\"",
            "path=\"/graphql\"",
            "status=200",
            "duration_ms=",
            "operation=\"CaseStudy\"",
            &format!("request_id=\"{request_id}\""),
        ] {
            assert!(lines[0].contains(field), "{field} not in {}", lines[0]);
        }
        assert!(
            !text.contains("secret"),
            "the query string is logged: {text}"
        );
    }

    #[actix_web::test]
    async fn a_json_line_per_request() {
        let (text, request_id) = logged(LogFormat::Json).await;
        let lines: Vec<serde_json::Value> = text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .filter(|line: &serde_json::Value| line["target"] == TARGET)
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        let line = &lines[0];
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["method"], "GET");
        assert_eq!(line["path"], "/graphql");
        assert_eq!(line["status"], 200);
        assert_eq!(line["operation"], "CaseStudy");
        assert_eq!(line["request_id"], request_id.as_str());
        assert!(
            line["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
            "{line}"
        );
        assert!(
            !text.contains("secret"),
            "the query string is logged: {text}"
        );
    }

    #[test]
    fn long_paths_are_cut() {
        assert_eq!(shortened("/healthz"), "/healthz");
        let cut = shortened(&"é".repeat(300));
        assert_eq!(cut.chars().count(), MAX_PATH_CHARS + 1);
    }
}
