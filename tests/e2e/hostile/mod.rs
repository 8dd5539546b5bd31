//! Hostile input (issue 15): one test per attack class. Each proves that the server answers
//! the attack with the right code within a bound, and then still answers a normal query.
//! The crash and CPU cases also run against the release-mode executable in
//! `api/tests/executable.rs`.

mod documents;
mod explorer;
mod index;
mod writes;
