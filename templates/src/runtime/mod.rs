//! Hand-written runtime shared by all generated operations: request building
//! (no network needed), errors, paging and, behind the `client` feature, an
//! async HTTP client.

mod encode;
pub mod error;
pub mod paging;
pub mod request;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, TokenProvider};
pub use encode::encode_path_segment;
pub use error::{Error, GraphError, InnerError};
pub use paging::Page;
pub use request::{Body, Method, Request};
