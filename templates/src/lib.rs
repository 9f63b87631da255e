//! Test harness for the runtime templates. Everything under `src/runtime/` is
//! copied byte for byte into each generated crate, where `lib.rs` is generated;
//! this file stands in for that generated `lib.rs`.

/// In a generated crate this is the base URL seen in the docs' examples.
pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/v1.0";

pub mod runtime;
