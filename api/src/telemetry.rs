//! Structured logging with `tracing`: pretty lines for people, JSON for collectors.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;

/// Installs the global subscriber, writing to standard error (in colour when it is a
/// terminal); a second call (as in tests) leaves the first in place.
pub fn init(filter: &str, format: LogFormat) {
    let ansi = std::io::stderr().is_terminal();
    // An already installed subscriber is fine: tests start many apps in one process.
    drop(subscriber(filter, format, ansi, std::io::stderr).try_init());
}

/// The subscriber `init` installs, writing to `writer`: tests install it with a writer that
/// keeps the lines, to read what the server logged.
pub fn subscriber<W>(
    filter: &str,
    format: LogFormat,
    ansi: bool,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let env_filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_span_events(FmtSpan::NONE)
        .with_writer(writer);
    match format {
        LogFormat::Pretty => Box::new(builder.with_ansi(ansi).finish()),
        LogFormat::Json => Box::new(builder.json().flatten_event(true).finish()),
    }
}
