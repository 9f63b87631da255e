//! Hand-written runtime shared by all generated operations: request building
//! (no network needed), errors, paging and, behind the `client` feature, an
//! async HTTP client with retries, paging streams, resumable large-file
//! uploads (module `upload`) and size-bounded downloads (module `download`).

mod encode;
pub mod error;
pub mod members;
pub mod odata;
pub mod paging;
pub mod patch;
pub mod request;
pub mod scalars;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod decode;
#[cfg(feature = "client")]
mod download;
#[cfg(feature = "client")]
pub mod retry;
#[cfg(feature = "client")]
pub mod upload;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, RetryPolicy, TokenProvider, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use encode::{encode_path, encode_path_segment};
pub use error::{Error, GraphError, InnerError};
/// Stream traits for [`Client::stream_pages`] and [`Client::stream_items`].
#[cfg(feature = "client")]
pub use futures_util::stream::{Stream, StreamExt, TryStreamExt};
/// The crates of the typed scalars, for building their values (`jiff::Timestamp::now()`).
pub use jiff;
pub use members::{Member, MemberOf, OrderKey, OrderKeyOf};
pub use paging::Page;
pub use patch::{BodyOf, Patch};
pub use request::{Body, Content, Method, Request};
pub use scalars::{Binary, Date, Duration, Time, Timestamp, Uuid};
#[cfg(feature = "client")]
pub use upload::{ByteRange, ExpiresAt, LargeFileUpload, UploadProgress, UploadResult, UploadState, UploadStatus};
pub use uuid;
