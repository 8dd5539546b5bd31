//! Structured logging with `tracing`: pretty lines for people, JSON for collectors.

use std::io::IsTerminal;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// Installs the global subscriber: `filter`, and lines in `format` on standard error (in
/// colour when it is a terminal). A second call (as in tests) leaves the first in place.
pub fn init(filter: &str, format: LogFormat) {
    let env_filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::stderr().is_terminal();
    let installed = tracing_subscriber::registry()
        .with(env_filter)
        .with(layer(format, ansi, std::io::stderr))
        .try_init();
    // An already installed subscriber is fine: tests start many apps in one process.
    drop(installed);
}

/// The layer that writes log lines in `format` to `writer`: what `init` installs, and what
/// tests install with a writer that keeps the lines, to read what the server logged.
pub fn layer<S, W>(format: LogFormat, ansi: bool, writer: W) -> Box<dyn Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer()
        .with_span_events(FmtSpan::NONE)
        .with_writer(writer);
    match format {
        LogFormat::Pretty => layer.with_ansi(ansi).boxed(),
        LogFormat::Json => layer.json().flatten_event(true).boxed(),
    }
}
