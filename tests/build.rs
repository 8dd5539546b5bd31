//! Compiles the PostgreSQL tests as ignored (`cfg(not(postgres_tests))`) when
//! `SYMBIOS_TEST_POSTGRES_URL` is not set, so that the runner lists each of them as
//! `ignored, SYMBIOS_TEST_POSTGRES_URL is not set` instead of passing them unrun. Under CI
//! (`CI` set, and not `false`) they are compiled to run, and fail without the variable.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=SYMBIOS_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=CI");
    let set = |name: &str| std::env::var(name).is_ok_and(|value| !value.is_empty());
    let in_ci = set("CI") && std::env::var("CI").is_ok_and(|value| value != "false");
    if set("SYMBIOS_TEST_POSTGRES_URL") || in_ci {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
