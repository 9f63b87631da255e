//! Resumable large-file uploads through an upload session. Only compiled with
//! the `client` feature.
//!
//! A file too big for one request goes up through an *upload session*:
//!
//! 1. `POST …/createUploadSession` (a generated operation, sent with the
//!    client's token) answers an `uploadSession` whose `uploadUrl` is an
//!    opaque, pre-authenticated URL, usually on another host.
//! 2. [`Client::large_file_upload`] wraps that URL, and
//!    [`LargeFileUpload::upload`] sends the file chunk by chunk:
//!    `PUT {uploadUrl}` with `Content-Range: bytes {start}-{end}/{total}`,
//!    `Content-Length` and `Content-Type: application/octet-stream`. Every
//!    chunk but the last is a multiple of 320 KiB ([`CHUNK_UNIT`]) and at most
//!    4 MiB ([`MAX_CHUNK_SIZE`]); the default is 3.75 MiB
//!    ([`DEFAULT_CHUNK_SIZE`]), set another with [`LargeFileUpload::chunk_size`].
//!
//! # Completion is what the server says it has
//!
//! The two Graph services that take upload sessions answer differently:
//!
//! | | between chunks | after the last byte |
//! | --- | --- | --- |
//! | Outlook attachments (`outlook-large-attachments`) | `200 OK`, `{"NextExpectedRanges": ["3932160"]}` | `201 Created`, `Location`, empty body |
//! | OneDrive, SharePoint (`driveitem-createuploadsession`) | `202 Accepted`, `{"nextExpectedRanges": ["3932160-"]}` | `201 Created` or `200 OK`, the new `driveItem` |
//!
//! So the status code alone decides nothing. Any 2xx whose body carries next
//! expected ranges (member names in any case; ranges as `N`, `N-`, `N-M`,
//! several of them) is an intermediate answer, and the upload goes on from the
//! first range the server still misses. The upload is done only when the chunk
//! holding the last byte is answered `200`/`201` with something that is not an
//! upload session. A server that claims completion while bytes are unsent, or
//! asks for bytes past the end of the file, makes the upload fail
//! ([`Error::Upload`]): nothing is reported done that the server did not finish.
//!
//! # Faults
//!
//! - A dropped connection, a timeout, or an answer lost after the chunk
//!   reached the server, and `416 Requested Range Not Satisfiable` (a fragment
//!   the server already has): the upload asks the session which bytes it still
//!   needs (`GET {uploadUrl}`, see [`LargeFileUpload::status`]) and goes on
//!   from there, never by resending blindly.
//! - `408`, `429`, `500`, `502`, `503`, `504`: the upload waits for
//!   `Retry-After` (seconds, decimal seconds or an HTTP date; never less) or
//!   else the client's backoff, then asks the session as above. A
//!   `Retry-After` beyond the retry policy's `max_delay` fails with
//!   [`Error::Throttled`] instead of retrying early.
//! - `404` on the upload URL: the session is gone; [`Error::UploadSessionNotFound`]
//!   says the upload must start over (the OneDrive page's advice).
//! - A passed `expirationDateTime` (from [`LargeFileUpload::expires_at`], a
//!   saved [`UploadState`] or the server's last answer) is checked before every
//!   resumption: [`Error::UploadSessionExpired`].
//! - After `RetryPolicy::max_attempts` failures in a row without progress the
//!   upload stops with the last error. The session stays open until it
//!   expires: save its [`UploadState`] and [`LargeFileUpload::resume`] later,
//!   even in another process.
//!
//! The upload URL carries its own credential: **no `Authorization` header is
//! ever sent to it**, and it is kept out of `Debug` output, error messages and
//! traces (only its origin is shown).
//!
//! # Tracing
//!
//! An upload is a `graph.upload` span (`upload.origin`, `upload.size`,
//! `upload.chunk_size`) with a child span per request to the session:
//! `graph.upload.chunk` (`range` as `start-end/total`, `attempt` in a row
//! without progress, `http.response.status_code`, `request_id`) and
//! `graph.upload.status` for the `GET` that asks where to resume; each wait
//! before another try is a `graph.retry` event (`wait_ms`, `retry_after_ms`).
//!
//! # Memory
//!
//! An upload holds two chunk buffers, allocated once and reused: while one
//! chunk is on its way, the bytes that follow it are read into the other
//! (read ahead, never sent before the server asks for them). Chunks are read
//! straight into the buffers (no zero fill) and leave as `Bytes` views of
//! them; a chunk sent again after a fault is the same `Bytes`, not a copy.
//! Bytes already in memory ([`LargeFileUpload::upload_bytes`]) are not
//! copied at all: each chunk is a view of them.
//!
//! ```ignore
//! let session = client.send(operations::me().messages().by_id("message-id").attachments().create_upload_session(&body)).await?;
//! let upload = client
//!     .large_file_upload(session.upload_url.unwrap_or_default())
//!     .expires_at(session.expiration_date_time)
//!     .for_attachment()
//!     .on_progress(|p| println!("{} of {} bytes", p.confirmed, p.total));
//! let file = tokio::fs::File::open("video.mp4").await?;
//! let done = upload.upload(file).await?;
//! println!("{}", done.location);
//! ```

use super::client::{new_client_request_id, transport_error, Client};
use super::error::{Error, GraphError};
use super::retry::RetryPolicy;
use bytes::{Bytes, BytesMut};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::SeekFrom;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt};
use tracing::Instrument;

/// Chunk sizes must be a multiple of 320 KiB.
pub const CHUNK_UNIT: usize = 320 * 1024;
/// The largest chunk sent in one request (the largest valid size is 12 × 320 KiB).
pub const MAX_CHUNK_SIZE: usize = 4 * 1024 * 1024;
/// 3.75 MiB (12 × 320 KiB), the largest multiple of 320 KiB within 4 MiB.
pub const DEFAULT_CHUNK_SIZE: usize = 12 * CHUNK_UNIT;

/// Checks that `bytes` is a positive multiple of [`CHUNK_UNIT`] no larger than [`MAX_CHUNK_SIZE`].
pub fn validate_chunk_size(bytes: usize) -> Result<usize, Error> {
    // (`usize::is_multiple_of` is newer than the crates' minimum Rust.)
    if bytes == 0 || bytes > MAX_CHUNK_SIZE || bytes / CHUNK_UNIT * CHUNK_UNIT != bytes {
        return Err(Error::InvalidRequest(format!(
            "upload chunk size {bytes} must be a positive multiple of {CHUNK_UNIT} bytes (320 KiB) and at most {MAX_CHUNK_SIZE} bytes"
        )));
    }
    Ok(bytes)
}

/// A byte range from `nextExpectedRanges`: `"start-end"` (inclusive), the
/// open-ended `"start-"`, or Outlook's bare `"start"` (also open-ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    /// Inclusive; `None` means "to the end of the file".
    pub end: Option<u64>,
}

impl ByteRange {
    pub fn parse(text: &str) -> Option<ByteRange> {
        let text = text.trim();
        let (start, end) = text.split_once('-').unwrap_or((text, ""));
        let number = |digits: &str| digits.bytes().all(|b| b.is_ascii_digit()).then(|| digits.parse().ok()).flatten();
        let start = number(start.trim())?;
        let end = match end.trim() {
            "" => None,
            end => Some(number(end).filter(|&end| end >= start)?),
        };
        Some(ByteRange { start, end })
    }
}

impl fmt::Display for ByteRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.end {
            Some(end) => write!(f, "{}-{end}", self.start),
            None => write!(f, "{}-", self.start),
        }
    }
}

/// What the session says it still needs: the body of `GET {uploadUrl}` and of
/// every intermediate answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadStatus {
    /// The ranges the session still needs, in the order the service gave them.
    pub next_expected_ranges: Vec<ByteRange>,
    pub expiration_date_time: Option<String>,
}

impl UploadStatus {
    /// The missing range that starts first.
    pub fn first_missing(&self) -> Option<ByteRange> {
        self.next_expected_ranges.iter().copied().min_by_key(|range| range.start)
    }

    /// Reads a session body, `None` when `body` is not one (no next expected
    /// ranges member, in any letter case). Outlook writes `NextExpectedRanges`
    /// and `ExpirationDateTime`, OneDrive `nextExpectedRanges`.
    pub fn from_body(body: &[u8]) -> Result<Option<UploadStatus>, String> {
        let Ok(serde_json::Value::Object(members)) = serde_json::from_slice::<serde_json::Value>(body) else { return Ok(None) };
        let member = |name: &str| members.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value);
        let Some(ranges) = member("nextExpectedRanges") else { return Ok(None) };
        let ranges = match ranges {
            serde_json::Value::Array(items) => items.as_slice(),
            serde_json::Value::Null => &[],
            other => return Err(format!("nextExpectedRanges is not a list: {other}")),
        };
        let next_expected_ranges = ranges
            .iter()
            .map(|item| item.as_str().and_then(ByteRange::parse).ok_or_else(|| format!("bad range {item} in nextExpectedRanges")))
            .collect::<Result<_, _>>()?;
        let expiration_date_time = member("expirationDateTime").and_then(|value| value.as_str()).map(str::to_owned);
        Ok(Some(UploadStatus { next_expected_ranges, expiration_date_time }))
    }
}

/// Everything needed to carry on with an upload later, in another process:
/// save it (serde) once the session exists, restore it with
/// [`Client::resume_upload`]. The `upload_url` is a credential: store the
/// state as you would a token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadState {
    pub upload_url: String,
    /// The file's size in bytes; resuming with a file of another size fails.
    pub file_size: u64,
    /// When the session stops accepting bytes (RFC 3339, as the service sends it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date_time: Option<String>,
}

impl fmt::Debug for UploadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadState")
            .field("upload_url", &redacted(&self.upload_url))
            .field("file_size", &self.file_size)
            .field("expiration_date_time", &self.expiration_date_time)
            .finish()
    }
}

/// How far an upload has come: the bytes the server has confirmed (all bytes
/// before the first range it still expects), out of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    pub confirmed: u64,
    pub total: u64,
}

/// The answer to the last chunk, as [`Raw`] uploads give it.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadResult {
    /// 201 (created) or 200 (an existing item was replaced).
    pub status: u16,
    /// The `Location` header, when the service sends one.
    pub location: Option<String>,
    /// The JSON body, usually the created item; `Null` when the body is empty.
    pub body: serde_json::Value,
}

/// An Outlook attachment made by an upload session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentUploaded {
    /// The new attachment's URL, from the final answer's `Location` header.
    pub location: String,
}

impl AttachmentUploaded {
    /// The attachment's id, from `…/Attachments('ID')` (Outlook's form) or `…/attachments/ID`.
    pub fn attachment_id(&self) -> Option<String> {
        let location = self.location.split(['?', '#']).next().unwrap_or("");
        let last = location.trim_end_matches('/').rsplit('/').next()?;
        let id = match last.split_once("('") {
            Some((_, quoted)) => quoted.strip_suffix("')")?.replace("''", "'"),
            None => percent_encoding::percent_decode_str(last).decode_utf8_lossy().into_owned(),
        };
        (!id.is_empty()).then_some(id)
    }
}

/// What an upload's final answer (`200`/`201`, not an upload session) becomes.
pub trait Completion {
    type Output;
    fn complete(status: u16, location: Option<String>, body: &[u8]) -> Result<Self::Output, Error>;
}

/// Any service: the final answer as it came ([`UploadResult`]).
#[derive(Debug, Clone, Copy)]
pub enum Raw {}

/// Outlook attachments: the final `201` carries the new attachment's `Location` and no body.
#[derive(Debug, Clone, Copy)]
pub enum Attachment {}

/// What [`LargeFileUpload::expires_at`] takes: the session's
/// `expirationDateTime` as the generated type holds it (`Option<Timestamp>`),
/// or its text. Not a bare `Timestamp`: `unwrap_or_default()` of a missing
/// expiry would be 1970, an upload that has always expired.
pub trait ExpiresAt {
    fn expiry_text(self) -> Option<String>;
}

impl ExpiresAt for Option<crate::runtime::Timestamp> {
    fn expiry_text(self) -> Option<String> {
        self.map(|at| at.to_string())
    }
}

impl ExpiresAt for &str {
    fn expiry_text(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl ExpiresAt for String {
    fn expiry_text(self) -> Option<String> {
        Some(self)
    }
}

/// OneDrive and SharePoint: the final answer's body is the new item, read as `T`
/// (the crate's `DriveItem` type, or `serde_json::Value`).
pub struct Item<T>(PhantomData<fn() -> T>);

impl Completion for Raw {
    type Output = UploadResult;
    fn complete(status: u16, location: Option<String>, body: &[u8]) -> Result<UploadResult, Error> {
        let body = if is_blank(body) { serde_json::Value::Null } else { super::decode::json(status, body)? };
        Ok(UploadResult { status, location, body })
    }
}

impl Completion for Attachment {
    type Output = AttachmentUploaded;
    fn complete(status: u16, location: Option<String>, _body: &[u8]) -> Result<AttachmentUploaded, Error> {
        match location {
            Some(location) => Ok(AttachmentUploaded { location }),
            None => Err(Error::Upload(format!(
                "the upload session answered {status} to the last chunk without the Location header that names the new attachment"
            ))),
        }
    }
}

impl<T: DeserializeOwned> Completion for Item<T> {
    type Output = T;
    fn complete(status: u16, _location: Option<String>, body: &[u8]) -> Result<T, Error> {
        if is_blank(body) {
            return Err(Error::Decode {
                status,
                path: None,
                message: "the answer to the last chunk has no body, where the new item was expected".into(),
            });
        }
        super::decode::json(status, body)
    }
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

type ProgressCallback = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// An upload to one upload session; see the [module docs](self). `C` decides
/// what the final answer becomes: [`Raw`] (default), [`Attachment`] or [`Item`].
pub struct LargeFileUpload<C = Raw> {
    http: reqwest::Client,
    url: String,
    file_size: Option<u64>,
    expiration_date_time: Option<String>,
    chunk_size: usize,
    retry: RetryPolicy,
    chunk_timeout: Option<Duration>,
    on_progress: Option<ProgressCallback>,
    completion: PhantomData<fn() -> C>,
}

// Manual impl: `C` is only a marker.
impl<C> Clone for LargeFileUpload<C> {
    fn clone(&self) -> Self {
        LargeFileUpload {
            http: self.http.clone(),
            url: self.url.clone(),
            file_size: self.file_size,
            expiration_date_time: self.expiration_date_time.clone(),
            chunk_size: self.chunk_size,
            retry: self.retry,
            chunk_timeout: self.chunk_timeout,
            on_progress: self.on_progress.clone(),
            completion: PhantomData,
        }
    }
}

impl<C> fmt::Debug for LargeFileUpload<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LargeFileUpload")
            .field("upload_url", &redacted(&self.url))
            .field("file_size", &self.file_size)
            .field("expiration_date_time", &self.expiration_date_time)
            .field("chunk_size", &self.chunk_size)
            .field("retry", &self.retry)
            .field("chunk_timeout", &self.chunk_timeout)
            .finish()
    }
}

/// The origin of a URL whose path and query may hold a credential.
fn redacted_origin(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => "<redacted>".to_owned(),
    }
}

/// Only the origin of a URL whose path and query may hold a credential.
fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(url) => format!("{}/<redacted>", url.origin().ascii_serialization()),
        Err(_) => "<redacted>".to_owned(),
    }
}

impl Client {
    /// An upload to the session at `upload_url` (the `uploadUrl` of the
    /// `uploadSession` that `createUploadSession` returned). It shares this
    /// client's connection pool, timeouts and retry policy, but never its token.
    pub fn large_file_upload(&self, upload_url: impl Into<String>) -> LargeFileUpload {
        LargeFileUpload {
            http: self.http.clone(),
            url: upload_url.into(),
            file_size: None,
            expiration_date_time: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
            retry: self.retry,
            chunk_timeout: None,
            on_progress: None,
            completion: PhantomData,
        }
    }

    /// An upload restored from a saved [`UploadState`]; carry on with
    /// [`LargeFileUpload::resume`].
    pub fn resume_upload(&self, state: UploadState) -> LargeFileUpload {
        let mut upload = self.large_file_upload(state.upload_url);
        upload.file_size = Some(state.file_size);
        upload.expiration_date_time = state.expiration_date_time;
        upload
    }
}

/// One answer from the upload URL.
struct Reply {
    status: u16,
    retry_after: Option<Duration>,
    location: Option<String>,
    body: Bytes,
}

impl Reply {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn is_retryable(&self) -> bool {
        matches!(self.status, 408 | 429 | 500 | 502 | 503 | 504)
    }

    fn error(&self) -> Error {
        match self.status {
            404 => Error::UploadSessionNotFound,
            status => Error::Api { status, error: GraphError::from_body(&self.body) },
        }
    }

    /// The session status the body carries, if it is one.
    fn session(&self) -> Result<Option<UploadStatus>, Error> {
        UploadStatus::from_body(&self.body).map_err(|message| Error::Decode { status: self.status, path: None, message })
    }
}

/// A buffer an upload reads its chunks into. Each chunk leaves as a `Bytes`
/// view of it; once nothing holds that view any more, the next `fill`
/// reclaims the same allocation instead of making a new one.
#[derive(Default)]
struct ChunkBuffer {
    buffer: BytesMut,
}

impl ChunkBuffer {
    /// Bytes `start..=end` of `reader`, read straight into the buffer (no zero fill).
    async fn fill<R: AsyncRead + AsyncSeek + Unpin>(&mut self, reader: &mut R, start: u64, end: u64) -> Result<Bytes, Error> {
        let read_error = |e: std::io::Error| Error::Upload(format!("cannot read bytes {start}-{end} of the file: {e}"));
        let len = usize::try_from(end - start + 1).map_err(|_| Error::Upload("chunk larger than memory".into()))?;
        self.buffer.clear();
        self.buffer.reserve(len);
        reader.seek(SeekFrom::Start(start)).await.map_err(read_error)?;
        let mut limited = (&mut *reader).take(len as u64);
        while self.buffer.len() < len {
            if limited.read_buf(&mut self.buffer).await.map_err(read_error)? == 0 {
                return Err(read_error(std::io::ErrorKind::UnexpectedEof.into()));
            }
        }
        Ok(self.buffer.split().freeze())
    }
}

/// Where an upload's bytes come from.
enum Source<R> {
    /// A file (or any reader), read into the upload's two buffers.
    Reader { reader: R, buffers: [ChunkBuffer; 2] },
    /// Bytes already in memory: every chunk is a view of them.
    Memory(Bytes),
}

impl<R: AsyncRead + AsyncSeek + Unpin> Source<R> {
    fn reader(reader: R) -> Self {
        Source::Reader { reader, buffers: Default::default() }
    }

    async fn len(&mut self) -> Result<u64, Error> {
        match self {
            Source::Reader { reader, .. } => {
                reader.seek(SeekFrom::End(0)).await.map_err(|e| Error::Upload(format!("cannot read the file: {e}")))
            }
            Source::Memory(bytes) => Ok(bytes.len() as u64),
        }
    }

    /// Bytes `start..=end`, into buffer `buffer` when they have to be read.
    async fn chunk(&mut self, buffer: usize, start: u64, end: u64) -> Result<Chunk, Error> {
        let bytes = match self {
            Source::Reader { reader, buffers } => buffers[buffer].fill(reader, start, end).await?,
            // `start..=end` lies inside the data: the loop never asks for a byte past `len`.
            Source::Memory(bytes) => bytes.slice(start as usize..=end as usize),
        };
        Ok(Chunk { start, end, bytes, buffer })
    }
}

/// Bytes `start..=end` of the file, read from one of the upload's two buffers.
struct Chunk {
    start: u64,
    end: u64,
    bytes: Bytes,
    buffer: usize,
}

/// Where the upload goes next.
enum Next {
    /// Send from this range, which the server said it misses.
    Send(ByteRange),
    /// Ask the session what it still needs before sending anything.
    Ask,
}

impl<C> LargeFileUpload<C> {
    fn with_completion<D>(self) -> LargeFileUpload<D> {
        LargeFileUpload {
            http: self.http,
            url: self.url,
            file_size: self.file_size,
            expiration_date_time: self.expiration_date_time,
            chunk_size: self.chunk_size,
            retry: self.retry,
            chunk_timeout: self.chunk_timeout,
            on_progress: self.on_progress,
            completion: PhantomData,
        }
    }

    /// An Outlook attachment upload: the result is the new attachment's `Location`.
    pub fn for_attachment(self) -> LargeFileUpload<Attachment> {
        self.with_completion()
    }

    /// A OneDrive / SharePoint upload: the result is the new item, read as `T`.
    pub fn for_item<T: DeserializeOwned>(self) -> LargeFileUpload<Item<T>> {
        self.with_completion()
    }

    /// The session's `expirationDateTime` as `createUploadSession` gave it:
    /// resuming after it has passed fails with [`Error::UploadSessionExpired`]
    /// without sending anything.
    pub fn expires_at(mut self, expiration_date_time: impl ExpiresAt) -> Self {
        self.expiration_date_time = expiration_date_time.expiry_text().filter(|text| !text.trim().is_empty());
        self
    }

    /// Called each time the server confirms more bytes (and once at the end).
    pub fn on_progress(mut self, callback: impl Fn(UploadProgress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Bytes per request: a multiple of 320 KiB, at most 4 MiB (default 3.75 MiB).
    pub fn chunk_size(mut self, bytes: usize) -> Result<Self, Error> {
        self.chunk_size = validate_chunk_size(bytes)?;
        Ok(self)
    }

    /// Replaces the client's retry policy for this upload. `max_attempts` bounds
    /// the failures in a row without progress.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// A timeout for each chunk request instead of the client's total timeout
    /// (useful for large chunks over slow links).
    pub fn chunk_timeout(mut self, timeout: Duration) -> Self {
        self.chunk_timeout = Some(timeout);
        self
    }

    /// The upload URL. It is a credential: keep it as secret as a token.
    pub fn upload_url(&self) -> &str {
        &self.url
    }

    pub fn configured_chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// What to save to resume this upload of a `file_size`-byte file later.
    pub fn state(&self, file_size: u64) -> UploadState {
        UploadState { upload_url: self.url.clone(), file_size, expiration_date_time: self.expiration_date_time.clone() }
    }

    /// `GET {uploadUrl}`: the ranges the session still needs and when it expires.
    pub async fn status(&self) -> Result<UploadStatus, Error> {
        let reply = self.send(self.http.get(&self.url)).instrument(self.status_span()).await?;
        if !reply.is_success() {
            return Err(reply.error());
        }
        reply.session()?.ok_or_else(|| Error::Upload(format!("the upload session's status ({}) has no nextExpectedRanges", reply.status)))
    }

    /// `DELETE {uploadUrl}`: discards the session and what it received.
    pub async fn cancel(&self) -> Result<(), Error> {
        let span = tracing::info_span!(
            "graph.upload.cancel",
            upload.origin = %redacted_origin(&self.url),
            http.response.status_code = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let reply = self.send(self.http.delete(&self.url)).instrument(span).await?;
        if !reply.is_success() {
            return Err(reply.error());
        }
        Ok(())
    }

    /// A span for one `GET {uploadUrl}`.
    fn status_span(&self) -> tracing::Span {
        tracing::info_span!(
            "graph.upload.status",
            upload.origin = %redacted_origin(&self.url),
            http.response.status_code = tracing::field::Empty,
            request_id = tracing::field::Empty,
        )
    }

    /// Sends one request to the upload URL and records its answer on the
    /// current span (a `graph.upload.*` span).
    async fn send(&self, mut builder: reqwest::RequestBuilder) -> Result<Reply, Error> {
        // Deliberately no `bearer_auth`: the upload URL is pre-authenticated.
        if let Some(timeout) = self.chunk_timeout {
            builder = builder.timeout(timeout);
        }
        let response = builder.header("client-request-id", new_client_request_id()).send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let header = |name: reqwest::header::HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let span = tracing::Span::current();
        span.record("http.response.status_code", status);
        span.record("request_id", header(reqwest::header::HeaderName::from_static("request-id")).unwrap_or_default().as_str());
        let retry_after = header(reqwest::header::RETRY_AFTER).as_deref().and_then(super::retry::parse_retry_after);
        let location = header(reqwest::header::LOCATION);
        let body = response.bytes().await.map_err(transport_error)?;
        Ok(Reply { status, retry_after, location, body })
    }

    fn report(&self, confirmed: u64, total: u64) {
        if let Some(callback) = &self.on_progress {
            callback(UploadProgress { confirmed, total });
        }
    }

    /// Fails when the session has expired, by the latest expiry the server gave.
    fn check_expiry(&self, expiration_date_time: Option<&str>) -> Result<(), Error> {
        let Some(text) = expiration_date_time else { return Ok(()) };
        // An expiry that does not parse is not a reason to give up on the upload.
        let Ok(at) = text.trim().parse::<jiff::Timestamp>() else { return Ok(()) };
        if at <= jiff::Timestamp::now() {
            return Err(Error::UploadSessionExpired { expiration_date_time: text.to_owned() });
        }
        Ok(())
    }
}

impl<C: Completion> LargeFileUpload<C> {
    /// Uploads everything `reader` holds (its length is found by seeking to the
    /// end), starting at byte 0 of a fresh session.
    pub async fn upload<R: AsyncRead + AsyncSeek + Unpin>(&self, reader: R) -> Result<C::Output, Error> {
        self.run(Source::reader(reader), Next::Send(ByteRange { start: 0, end: None })).await
    }

    /// Uploads `data` from memory (a `Vec<u8>`, `Bytes`, `&'static [u8]`, ...)
    /// without copying it: each chunk sent is a view of `data`.
    pub async fn upload_bytes(&self, data: impl Into<Bytes>) -> Result<C::Output, Error> {
        let memory: Source<std::io::Cursor<&'static [u8]>> = Source::Memory(data.into());
        self.run(memory, Next::Send(ByteRange { start: 0, end: None })).await
    }

    /// Carries on with a session that already has part of the file (after
    /// `upload` gave up, or in another process from a saved [`UploadState`]):
    /// asks the session which ranges it still needs first. `reader` must hold
    /// the same file.
    pub async fn resume<R: AsyncRead + AsyncSeek + Unpin>(&self, reader: R) -> Result<C::Output, Error> {
        self.run(Source::reader(reader), Next::Ask).await
    }

    async fn run<R: AsyncRead + AsyncSeek + Unpin>(&self, mut source: Source<R>, next: Next) -> Result<C::Output, Error> {
        let total = source.len().await?;
        let span = tracing::info_span!(
            "graph.upload",
            upload.origin = %redacted_origin(&self.url),
            upload.size = total,
            upload.chunk_size = self.chunk_size,
        );
        let result = self.run_in_span(source, next, total).instrument(span.clone()).await;
        if let Err(error) = &result {
            span.in_scope(|| tracing::warn!(error = %error, "graph.upload failed"));
        }
        result
    }

    async fn run_in_span<R: AsyncRead + AsyncSeek + Unpin>(
        &self,
        mut source: Source<R>,
        mut next: Next,
        total: u64,
    ) -> Result<C::Output, Error> {
        if total == 0 {
            return Err(Error::InvalidRequest("an upload session needs a file of at least one byte".into()));
        }
        if let Some(expected) = self.file_size.filter(|&size| size != total) {
            return Err(Error::InvalidRequest(format!("the file has {total} bytes but the upload session was made for {expected}")));
        }
        let mut expiry = self.expiration_date_time.clone();
        self.check_expiry(expiry.as_deref())?;
        // Chunks already read that the server may ask for next: the one read
        // ahead, and the one just sent when its answer was a fault.
        let mut ready: Vec<Chunk> = Vec::with_capacity(2);
        // Failures in a row without progress, and the start of the first byte
        // the server still missed in its latest answer.
        let mut failures = 0;
        let mut confirmed = 0;
        loop {
            let range = match next {
                Next::Send(range) => range,
                Next::Ask => {
                    self.check_expiry(expiry.as_deref())?;
                    match self.ask(&mut failures).instrument(self.status_span()).await? {
                        Some(status) => {
                            expiry = status.expiration_date_time.clone().or(expiry);
                            first_missing(&status, total)?
                        }
                        None => continue,
                    }
                }
            };
            if range.start > confirmed {
                confirmed = range.start;
                failures = 0;
                self.report(confirmed, total);
            }
            let start = range.start;
            let last = total - 1;
            let end = (start + self.chunk_size as u64 - 1).min(last).min(range.end.unwrap_or(last));
            // What the server asks for next when it takes this chunk whole.
            let following = (end < last).then(|| (end + 1, (end + self.chunk_size as u64).min(last)));
            let mut take =
                |range: (u64, u64)| ready.iter().position(|chunk| (chunk.start, chunk.end) == range).map(|at| ready.swap_remove(at));
            let (matching, ahead) = (take((start, end)), following.and_then(&mut take));
            // No other view of the buffers is left, so that `fill` reuses them.
            ready.clear();
            let chunk = match matching {
                Some(chunk) => chunk,
                None => source.chunk(ahead.as_ref().map_or(0, |ahead| 1 - ahead.buffer), start, end).await?,
            };
            let put = self
                .http
                .put(&self.url)
                .header(reqwest::header::CONTENT_RANGE, format!("bytes {start}-{end}/{total}"))
                .header(reqwest::header::CONTENT_LENGTH, chunk.bytes.len())
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(chunk.bytes.clone());
            let chunk_span = tracing::info_span!(
                "graph.upload.chunk",
                range = %format_args!("{start}-{end}/{total}"),
                attempt = failures + 1,
                http.response.status_code = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let send = self.send(put).instrument(chunk_span);
            // The following bytes are read while this chunk is on its way.
            let (sent, read_ahead) = match (ahead, following) {
                (Some(ahead), _) => (send.await, Some(ahead)),
                (None, Some((start, end))) => {
                    let read = source.chunk(1 - chunk.buffer, start, end);
                    let (sent, read) = futures_util::future::join(send, read).await;
                    // A read that failed is made again, and its error reported, if the server asks for those bytes.
                    (sent, read.ok())
                }
                (None, None) => (send.await, None),
            };
            let reply = match sent {
                Ok(reply) => reply,
                // Lost on the way there or on the way back: only the session knows.
                Err(error @ Error::Transport(_)) => {
                    ready.extend(read_ahead);
                    ready.push(chunk);
                    self.after_failure(&mut failures, error, None).await?;
                    next = Next::Ask;
                    continue;
                }
                Err(error) => return Err(error),
            };
            ready.extend(read_ahead);
            if reply.is_success() {
                if let Some(status) = reply.session()? {
                    expiry = status.expiration_date_time.clone().or(expiry);
                    next = match status.first_missing() {
                        Some(_) => Next::Send(first_missing(&status, total)?),
                        None => Next::Ask,
                    };
                    if !matches!(next, Next::Send(following) if following.start > start) {
                        let error = Error::Upload(format!("the upload session took bytes {start}-{end} but asks for no later byte"));
                        self.after_failure(&mut failures, error, None).await?;
                    }
                    continue;
                }
                match reply.status {
                    200 | 201 if end == last => {
                        self.report(total, total);
                        return C::complete(reply.status, reply.location, &reply.body);
                    }
                    200 | 201 => {
                        return Err(Error::Upload(format!(
                            "the upload session answered {} (complete) to bytes {start}-{end}, but bytes {}-{last} of the {total} were never sent; the upload is not complete",
                            reply.status,
                            end + 1
                        )))
                    }
                    // Accepted without saying what comes next: ask.
                    202 => next = Next::Ask,
                    status => return Err(Error::Upload(format!("the upload session answered {status} to bytes {start}-{end}"))),
                }
                continue;
            }
            // The server may ask for this chunk again: it is kept, not read again.
            ready.push(chunk);
            match reply.status {
                // "Requested Range Not Satisfiable": the server already has (part of) this fragment.
                416 => {
                    self.after_failure(&mut failures, reply.error(), None).await?;
                    next = Next::Ask;
                }
                _ if reply.is_retryable() => {
                    self.after_failure(&mut failures, reply.error(), reply.retry_after).await?;
                    next = Next::Ask;
                }
                _ => return Err(reply.error()),
            }
        }
    }

    /// `GET {uploadUrl}` inside the upload loop: `None` after a retryable
    /// failure (already waited for), the status otherwise.
    async fn ask(&self, failures: &mut u32) -> Result<Option<UploadStatus>, Error> {
        match self.send(self.http.get(&self.url)).await {
            Ok(reply) if reply.is_success() => match reply.session()? {
                Some(status) => Ok(Some(status)),
                None => Err(Error::Upload(format!("the upload session's status ({}) has no nextExpectedRanges", reply.status))),
            },
            Ok(reply) if reply.is_retryable() => {
                self.after_failure(failures, reply.error(), reply.retry_after).await?;
                Ok(None)
            }
            Ok(reply) => Err(reply.error()),
            Err(error @ Error::Transport(_)) => {
                self.after_failure(failures, error, None).await?;
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// Counts a failure; gives up with `error` once the policy's attempts are
    /// spent, or with [`Error::Throttled`] when the server asks for a wait
    /// beyond the policy's cap; otherwise waits (`Retry-After` or backoff).
    async fn after_failure(&self, failures: &mut u32, error: Error, retry_after: Option<Duration>) -> Result<(), Error> {
        *failures += 1;
        if *failures >= self.retry.max_attempts {
            return Err(error);
        }
        match (self.retry.wait(*failures, retry_after), retry_after) {
            (Some(delay), _) => {
                tracing::info!(
                    attempt = *failures,
                    wait_ms = delay.as_millis() as u64,
                    retry_after_ms = retry_after.map(|wait| wait.as_millis() as u64),
                    reason = %error,
                    "graph.retry: waiting before asking the upload session again"
                );
                tokio::time::sleep(delay).await;
                Ok(())
            }
            (None, Some(retry_after)) => Err(match error {
                Error::Api { status, error } => Error::Throttled { status, retry_after, error: Box::new(error) },
                other => other,
            }),
            (None, None) => Err(error),
        }
    }
}

/// The range to send next from a session status: its first missing range,
/// which must start inside the file (a range that ends past it is cut to it).
fn first_missing(status: &UploadStatus, total: u64) -> Result<ByteRange, Error> {
    let Some(range) = status.first_missing() else {
        return Err(Error::Upload(
            "the upload session reports no missing bytes but has not completed (a deferCommit session must be committed)".into(),
        ));
    };
    if range.start >= total {
        return Err(Error::Upload(format!("the upload session asks for bytes from {} but the file has {total}", range.start)));
    }
    Ok(ByteRange { start: range.start, end: range.end.map(|end| end.min(total - 1)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_are_multiples_of_320_kib_up_to_4_mib() {
        assert_eq!(DEFAULT_CHUNK_SIZE, 3_932_160);
        for ok in [CHUNK_UNIT, 4 * CHUNK_UNIT, DEFAULT_CHUNK_SIZE] {
            assert_eq!(validate_chunk_size(ok).unwrap(), ok);
        }
        for bad in [0, 1000, CHUNK_UNIT + 1, 13 * CHUNK_UNIT, MAX_CHUNK_SIZE] {
            assert!(matches!(validate_chunk_size(bad), Err(Error::InvalidRequest(_))), "{bad}");
        }
    }

    #[test]
    fn byte_ranges_in_every_documented_form() {
        // OneDrive's open "N-" and closed "N-M", Outlook's bare "N".
        assert_eq!(ByteRange::parse("12345-"), Some(ByteRange { start: 12345, end: None }));
        assert_eq!(ByteRange::parse("0-99"), Some(ByteRange { start: 0, end: Some(99) }));
        assert_eq!(ByteRange::parse("3932160"), Some(ByteRange { start: 3_932_160, end: None }));
        assert_eq!(ByteRange::parse(" 7 - 9 "), Some(ByteRange { start: 7, end: Some(9) }));
        assert_eq!(ByteRange::parse("5-5"), Some(ByteRange { start: 5, end: Some(5) }));
        for bad in ["9-3", "x-", "", "-5", "+5", "1-2-3", "0x10"] {
            assert_eq!(ByteRange::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn session_bodies_in_either_casing_and_with_several_ranges() {
        let outlook = UploadStatus::from_body(
            br#"{"@odata.context":"x","ExpirationDateTime":"2030-01-01T00:00:00Z","NextExpectedRanges":["3932160"]}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(outlook.next_expected_ranges, [ByteRange { start: 3_932_160, end: None }]);
        assert_eq!(outlook.expiration_date_time.as_deref(), Some("2030-01-01T00:00:00Z"));
        let drive = UploadStatus::from_body(br#"{"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["500-","0-99"]}"#)
            .unwrap()
            .unwrap();
        assert_eq!(drive.first_missing(), Some(ByteRange { start: 0, end: Some(99) }));
        let shouting = UploadStatus::from_body(br#"{"NEXTEXPECTEDRANGES":["1-"]}"#).unwrap().unwrap();
        assert_eq!(shouting.first_missing(), Some(ByteRange { start: 1, end: None }));
        let empty = UploadStatus::from_body(br#"{"nextExpectedRanges":[]}"#).unwrap().unwrap();
        assert_eq!(empty.first_missing(), None);
    }

    #[test]
    fn bodies_that_are_not_sessions() {
        // A created driveItem, Outlook's empty final body, a non-object.
        for body in [&br#"{"id":"01ABC","name":"big.bin","size":5}"#[..], b"", b"  ", b"[1]", b"not json"] {
            assert_eq!(UploadStatus::from_body(body), Ok(None), "{}", String::from_utf8_lossy(body));
        }
        assert!(UploadStatus::from_body(br#"{"nextExpectedRanges":["oops"]}"#).is_err());
        assert!(UploadStatus::from_body(br#"{"nextExpectedRanges":"0-"}"#).is_err());
    }

    #[test]
    fn the_next_range_must_start_inside_the_file() {
        let status = |ranges: &[&str]| UploadStatus {
            next_expected_ranges: ranges.iter().map(|r| ByteRange::parse(r).unwrap()).collect(),
            expiration_date_time: None,
        };
        assert_eq!(first_missing(&status(&["10-"]), 100).unwrap(), ByteRange { start: 10, end: None });
        // The print page shows a range ending one past the last byte: it is cut to the file.
        assert_eq!(first_missing(&status(&["78929-4533322"]), 4_533_322).unwrap(), ByteRange { start: 78929, end: Some(4_533_321) });
        assert!(matches!(first_missing(&status(&["100-"]), 100), Err(Error::Upload(_))), "past the end");
        assert!(matches!(first_missing(&status(&[]), 100), Err(Error::Upload(_))), "nothing missing yet not complete");
    }

    #[test]
    fn completions_read_what_each_service_sends() {
        let outlook =
            Attachment::complete(201, Some("https://outlook.example/api/v2.0/Users('u')/Messages('m')/Attachments('AAMk=')".into()), b"")
                .unwrap();
        assert_eq!(outlook.attachment_id().as_deref(), Some("AAMk="));
        let graph = AttachmentUploaded { location: "http://127.0.0.1:1/v1.0/me/messages/m1/attachments/att%2D3".into() };
        assert_eq!(graph.attachment_id().as_deref(), Some("att-3"));
        assert!(matches!(Attachment::complete(201, None, b""), Err(Error::Upload(_))));

        let item: serde_json::Value = Item::<serde_json::Value>::complete(201, None, br#"{"id":"01X"}"#).unwrap();
        assert_eq!(item["id"], "01X");
        assert!(matches!(Item::<serde_json::Value>::complete(201, None, b""), Err(Error::Decode { status: 201, .. })));

        let raw = Raw::complete(201, Some("loc".into()), b"").unwrap();
        assert_eq!((raw.status, raw.location.as_deref(), raw.body), (201, Some("loc"), serde_json::Value::Null));
    }

    #[tokio::test]
    async fn one_buffer_serves_every_chunk() {
        let data: Vec<u8> = (0..=255u8).cycle().take(3 * CHUNK_UNIT + 17).collect();
        let mut reader = std::io::Cursor::new(data.clone());
        let mut buffer = ChunkBuffer::default();
        let first = buffer.fill(&mut reader, 0, CHUNK_UNIT as u64 - 1).await.unwrap();
        let at = first.as_ptr();
        assert_eq!(&first[..], &data[..CHUNK_UNIT]);
        drop(first);
        for chunk in 1..3 {
            let start = chunk * CHUNK_UNIT;
            let bytes = buffer.fill(&mut reader, start as u64, (start + CHUNK_UNIT - 1) as u64).await.unwrap();
            assert_eq!(&bytes[..], &data[start..start + CHUNK_UNIT]);
            assert_eq!(bytes.as_ptr(), at, "chunk {chunk} was read into a new allocation");
        }
        let tail = buffer.fill(&mut reader, 3 * CHUNK_UNIT as u64, data.len() as u64 - 1).await.unwrap();
        assert_eq!(&tail[..], &data[3 * CHUNK_UNIT..]);
        assert!(matches!(buffer.fill(&mut reader, 0, data.len() as u64).await, Err(Error::Upload(_))), "reading past the end");
    }

    #[test]
    fn saved_state_round_trips_and_hides_the_url() {
        let state = UploadState {
            upload_url: "https://up.example/up/abc?tempauth=SECRET".into(),
            file_size: 5_242_880,
            expiration_date_time: Some("2030-01-01T00:00:00Z".into()),
        };
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(
            json,
            r#"{"uploadUrl":"https://up.example/up/abc?tempauth=SECRET","fileSize":5242880,"expirationDateTime":"2030-01-01T00:00:00Z"}"#
        );
        assert_eq!(serde_json::from_str::<UploadState>(&json).unwrap(), state);
        assert!(!format!("{state:?}").contains("SECRET"));
    }

    #[tokio::test]
    async fn an_expired_session_is_not_resumed() {
        let client = Client::builder().token("t").build().unwrap();
        // Port 9 (discard) on loopback: nothing may be sent, so nothing needs to answer.
        let state = UploadState {
            upload_url: "http://127.0.0.1:9/up".into(),
            file_size: 3,
            expiration_date_time: Some("2020-01-01T00:00:00Z".into()),
        };
        let resumed = client.resume_upload(state).resume(std::io::Cursor::new(vec![1, 2, 3])).await;
        assert!(
            matches!(resumed, Err(Error::UploadSessionExpired { ref expiration_date_time }) if expiration_date_time == "2020-01-01T00:00:00Z"),
            "{resumed:?}"
        );
        let other_size = client.large_file_upload("http://127.0.0.1:9/up").state(4);
        let resumed = client.resume_upload(other_size).resume(std::io::Cursor::new(vec![1, 2, 3])).await;
        assert!(matches!(resumed, Err(Error::InvalidRequest(_))), "{resumed:?}");
    }

    #[test]
    fn debug_output_hides_the_upload_url() {
        let client = Client::builder().token("secret-token").build().unwrap();
        let upload = client.large_file_upload("https://up.example/up/abc?tempauth=SECRET");
        let shown = format!("{upload:?}");
        assert!(!shown.contains("SECRET") && !shown.contains("abc") && !shown.contains("secret-token"), "{shown}");
        assert!(shown.contains("https://up.example"), "{shown}");
    }
}
