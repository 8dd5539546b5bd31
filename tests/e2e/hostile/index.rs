//! Hostile input: index.
