//! Hostile input: explorer.
