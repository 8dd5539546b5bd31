//! Hostile input: documents.
