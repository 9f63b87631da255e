//! Hand-written runtime shared by all generated operations: request building
//! (no network needed), errors, paging and, behind the `client` feature, an
//! async HTTP client with national clouds, cached token sources, retries,
//! tracing spans, paging streams, resumable large-file uploads (module
//! `upload`), size-bounded downloads (module `download`), typed `$batch`
//! (module `batch`), delta sync (module `delta`), long-running actions
//! (module `long_running`) and answers with their status and headers
//! (`Client::send_with_response`). The `azure-identity` feature makes any
//! `azure_core` credential a token source; the `test-server` feature adds a
//! fake Graph on loopback (module `test_server`). The `scalars` feature
//! (default) reads and checks dates, times, durations, GUIDs and base64
//! (module `scalars`); without it they keep the service's text.

mod encode;
pub mod error;
pub mod members;
pub mod navigation;
pub mod object;
pub mod odata;
pub mod paging;
pub mod patch;
pub mod request;
pub mod scalars;

#[cfg(feature = "client")]
pub mod batch;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod decode;
#[cfg(feature = "client")]
pub mod delta;
#[cfg(feature = "client")]
mod download;
#[cfg(feature = "client")]
pub mod long_running;
#[cfg(feature = "client")]
mod response;
#[cfg(feature = "client")]
pub mod retry;
#[cfg(feature = "client")]
pub mod upload;

#[cfg(feature = "azure-identity")]
mod azure;
#[cfg(feature = "test-server")]
pub mod test_server;

#[cfg(feature = "client")]
pub use batch::{Batch, BatchHandle, BatchResults, ItemResponse};
/// The shared byte buffer [`LargeFileUpload::upload_bytes`] sends its chunks as views of.
#[cfg(feature = "client")]
pub use bytes::Bytes;
#[cfg(feature = "client")]
pub use client::{
    AccessToken, Client, ClientBuilder, Cloud, RetryPolicy, TokenFuture, TokenProvider, TokenSource, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
};
#[cfg(feature = "client")]
pub use delta::{Change, DeltaCursor, RemovalReason, Removed};
pub use encode::{encode_path, encode_path_segment};
pub use error::{Error, GraphError, InnerError};
/// Stream traits for [`Client::stream_pages`] and [`Client::stream_items`].
#[cfg(feature = "client")]
pub use futures_util::stream::{Stream, StreamExt, TryStreamExt};
/// The crates of the typed scalars, for building their values
/// (`Timestamp::from(jiff::Timestamp::now())`).
#[cfg(feature = "scalars")]
pub use jiff;
#[cfg(feature = "client")]
pub use long_running::{LongRunning, OperationState, OperationStatus};
pub use members::{Member, MemberOf, OrderKey, OrderKeyOf};
pub use navigation::Node;
pub use paging::Page;
pub use patch::{BodyOf, Patch};
pub use request::{Body, Content, Method, Operation, Request};
#[cfg(feature = "client")]
pub use response::Response;
pub use scalars::{Binary, Date, Duration, Time, Timestamp, Uuid};
#[cfg(feature = "client")]
pub use upload::{ByteRange, ExpiresAt, LargeFileUpload, UploadProgress, UploadResult, UploadState, UploadStatus};
#[cfg(feature = "scalars")]
pub use uuid;
