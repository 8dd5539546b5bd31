//! The `symbios` binary: parses the command line and hands over to [`symbios::cli`].

use std::process::ExitCode;

// mimalloc instead of glibc's allocator: sqlx builds rows on its SQLite worker threads and the
// request threads free them, and glibc's per-thread arenas pay for that with locks and
// consolidation (docs/decisions.md, "Where the request CPU went, and what changed").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    symbios::cli::main()
}
