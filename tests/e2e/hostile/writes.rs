//! Hostile input: writes.
