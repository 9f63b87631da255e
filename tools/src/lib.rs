//! docgen's tools: what measures or feeds the generator without being part of
//! generation. A crate of its own so that Cargo holds the boundary: the
//! generator (`docgen`) cannot read the CSDL answer key (it has no XML
//! dependency), run git, or read pages after `parse`.
//!
//! - [`audit`]: `cargo xtask audit`, the model against the CSDL metadata.
//! - [`verify`]: `cargo xtask verify`, the docs' examples round-tripped through the generated crate.
//! - [`diff_input`]: the two sides of `cargo xtask diff` (a docs tree, a snapshot, a git revision).

pub mod audit;
pub mod diff_input;
pub mod verify;
