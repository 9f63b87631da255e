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
//!    `PUT {uploadUrl}` with `Content-Range: bytes {start}-{end}/{total}` and
//!    `Content-Length`. Every chunk but the last is a multiple of 320 KiB
//!    ([`CHUNK_UNIT`]) and at most 4 MiB ([`MAX_CHUNK_SIZE`]); the default is
//!    3.75 MiB ([`DEFAULT_CHUNK_SIZE`]), set another with
//!    [`LargeFileUpload::chunk_size`].
//! 3. The service answers `202 Accepted` with `nextExpectedRanges` to every
//!    chunk but the last, and `201 Created` (or `200 OK` when it replaced an
//!    existing item) to the last one, with the new item as JSON and, for some
//!    resources, a `Location` header: both are in the [`UploadResult`].
//! 4. When a chunk fails (the connection drops, the request times out, or the
//!    service answers 408, 416, 429, 500, 502, 503 or 504), the upload waits
//!    for `Retry-After` (seconds or an HTTP date) or else the client's capped
//!    exponential backoff, asks the session which bytes it still needs
//!    (`GET {uploadUrl}` → `nextExpectedRanges`, see [`LargeFileUpload::status`])
//!    and goes on from there. After `RetryPolicy::max_attempts` failures in a
//!    row without progress the upload stops with the last error; the session
//!    stays open until it expires, so [`LargeFileUpload::resume`] can carry on
//!    later from whatever the session already has.
//! 5. [`LargeFileUpload::cancel`] (`DELETE {uploadUrl}`) discards the session
//!    and the bytes uploaded so far.
//!
//! The upload URL carries its own credential: **no `Authorization` header is
//! ever sent to it**, and it is kept out of `Debug` output and error messages
//! (only its origin is shown). Any other status (e.g. 404 once the session
//! has expired) ends the upload with [`Error::Api`] and the decoded error body.
//!
//! ```ignore
//! // `client` is the crate's `Client`; the operation name depends on the API pages.
//! let session = client.me_drive_items_create_upload_session("item-id", &request_body).await?;
//! let upload = client.large_file_upload(session.upload_url.unwrap_or_default()).chunk_size(10 * 320 * 1024)?;
//! let file = tokio::fs::File::open("video.mp4").await.expect("readable file");
//! let done = upload.upload(file).await?; // or `upload.upload_bytes(&bytes)`
//! println!("{} {:?} id={}", done.status, done.location, done.body["id"]);
//! ```

use super::client::{transport_error, Client, RetryPolicy};
use super::error::{Error, GraphError};
use serde::Deserialize;
use std::fmt;
use std::io::SeekFrom;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt};

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

/// A byte range from `nextExpectedRanges`: `"start-end"` (inclusive) or the open-ended `"start-"`.
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
        let start = start.trim().parse().ok()?;
        let end = match end.trim() {
            "" => None,
            end => Some(end.parse().ok().filter(|&end| end >= start)?),
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

/// What `GET {uploadUrl}` says about a session.
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
}

/// The answer to the last chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadResult {
    /// 201 (created) or 200 (an existing item was replaced).
    pub status: u16,
    /// The `Location` header, when the service sends one.
    pub location: Option<String>,
    /// The JSON body, usually the created item; `Null` when the body is empty.
    pub body: serde_json::Value,
}

/// An upload to one upload session; see the [module docs](self).
#[derive(Clone)]
pub struct LargeFileUpload {
    http: reqwest::Client,
    url: String,
    chunk_size: usize,
    retry: RetryPolicy,
    chunk_timeout: Option<Duration>,
}

impl fmt::Debug for LargeFileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LargeFileUpload")
            .field("upload_url", &redacted(&self.url))
            .field("chunk_size", &self.chunk_size)
            .field("retry", &self.retry)
            .field("chunk_timeout", &self.chunk_timeout)
            .finish()
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
            chunk_size: DEFAULT_CHUNK_SIZE,
            retry: self.retry,
            chunk_timeout: None,
        }
    }
}

/// One answer from the upload URL.
struct Reply {
    status: u16,
    retry_after: Option<Duration>,
    location: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn is_retryable(&self) -> bool {
        matches!(self.status, 408 | 416 | 429 | 500 | 502 | 503 | 504)
    }

    fn error(&self) -> Error {
        Error::Api { status: self.status, error: GraphError::from_body(&self.body) }
    }
}

impl LargeFileUpload {
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

    /// Uploads everything `reader` holds (its length is found by seeking to the
    /// end), starting at byte 0 of a fresh session.
    pub async fn upload<R: AsyncRead + AsyncSeek + Unpin>(&self, reader: R) -> Result<UploadResult, Error> {
        self.run(reader, Some(ByteRange { start: 0, end: None })).await
    }

    /// Uploads `data` from memory.
    pub async fn upload_bytes(&self, data: &[u8]) -> Result<UploadResult, Error> {
        self.upload(std::io::Cursor::new(data)).await
    }

    /// Carries on with a session that already has part of the file (e.g. after
    /// `upload` gave up, or in another process): asks the session for the
    /// ranges it still needs first. `reader` must hold the same file.
    pub async fn resume<R: AsyncRead + AsyncSeek + Unpin>(&self, reader: R) -> Result<UploadResult, Error> {
        self.run(reader, None).await
    }

    /// `GET {uploadUrl}`: the ranges the session still needs and when it expires.
    pub async fn status(&self) -> Result<UploadStatus, Error> {
        let reply = self.send(self.http.get(&self.url)).await?;
        if !reply.is_success() {
            return Err(reply.error());
        }
        parse_status(reply.status, &reply.body)
    }

    /// `DELETE {uploadUrl}`: discards the session and what it received.
    pub async fn cancel(&self) -> Result<(), Error> {
        let reply = self.send(self.http.delete(&self.url)).await?;
        if !reply.is_success() {
            return Err(reply.error());
        }
        Ok(())
    }

    async fn send(&self, mut builder: reqwest::RequestBuilder) -> Result<Reply, Error> {
        // Deliberately no `bearer_auth`: the upload URL is pre-authenticated.
        if let Some(timeout) = self.chunk_timeout {
            builder = builder.timeout(timeout);
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let header = |name: reqwest::header::HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let retry_after = header(reqwest::header::RETRY_AFTER).as_deref().and_then(super::client::parse_retry_after);
        let location = header(reqwest::header::LOCATION);
        let body = response.bytes().await.map_err(transport_error)?.to_vec();
        Ok(Reply { status, retry_after, location, body })
    }

    /// Counts a failure; gives up with `error` once the policy's attempts are
    /// spent, otherwise waits (`Retry-After` or backoff, capped).
    async fn after_failure(&self, failures: &mut u32, error: Error, retry_after: Option<Duration>) -> Result<(), Error> {
        *failures += 1;
        if *failures >= self.retry.max_attempts {
            return Err(error);
        }
        let delay = retry_after.unwrap_or_else(|| self.retry.backoff(*failures)).min(self.retry.max_delay);
        tokio::time::sleep(delay).await;
        Ok(())
    }

    async fn run<R: AsyncRead + AsyncSeek + Unpin>(&self, mut reader: R, mut next: Option<ByteRange>) -> Result<UploadResult, Error> {
        let total = reader.seek(SeekFrom::End(0)).await.map_err(|e| Error::Upload(format!("cannot read the file: {e}")))?;
        if total == 0 {
            return Err(Error::InvalidRequest("an upload session needs a file of at least one byte".into()));
        }
        // Failures in a row without progress, and the furthest offset the session confirmed.
        let mut failures = 0;
        let mut confirmed = 0;
        loop {
            let range = match next.take() {
                Some(range) => range,
                None => match self.send(self.http.get(&self.url)).await {
                    Ok(reply) if reply.is_success() => match parse_status(reply.status, &reply.body)?.first_missing() {
                        Some(range) => range,
                        None => {
                            let error = Error::Upload("the upload session needs no more bytes but has not completed".into());
                            self.after_failure(&mut failures, error, None).await?;
                            continue;
                        }
                    },
                    Ok(reply) if reply.is_retryable() => {
                        self.after_failure(&mut failures, reply.error(), reply.retry_after).await?;
                        continue;
                    }
                    Ok(reply) => return Err(reply.error()),
                    Err(error @ Error::Transport(_)) => {
                        self.after_failure(&mut failures, error, None).await?;
                        continue;
                    }
                    Err(error) => return Err(error),
                },
            };
            if range.start >= total {
                return Err(Error::Upload(format!("the upload session expects byte {} but the file has {total} bytes", range.start)));
            }
            let start = range.start;
            let end = (start + self.chunk_size as u64 - 1).min(total - 1).min(range.end.unwrap_or(u64::MAX));
            let data = read_chunk(&mut reader, start, end).await?;
            let put = self
                .http
                .put(&self.url)
                .header(reqwest::header::CONTENT_RANGE, format!("bytes {start}-{end}/{total}"))
                .header(reqwest::header::CONTENT_LENGTH, data.len())
                .body(data);
            match self.send(put).await {
                Ok(reply) if reply.status == 202 => {
                    let following = parse_status(reply.status, &reply.body)
                        .ok()
                        .and_then(|status| status.first_missing())
                        .unwrap_or(ByteRange { start: end + 1, end: None });
                    if following.start > confirmed && following.start < total {
                        confirmed = following.start;
                        failures = 0;
                        next = Some(following);
                    } else {
                        let error = Error::Upload(format!("the upload session accepted bytes {start}-{end} but now expects {following}"));
                        self.after_failure(&mut failures, error, None).await?;
                    }
                }
                Ok(reply) if reply.is_success() => {
                    let body = if reply.body.iter().all(u8::is_ascii_whitespace) {
                        serde_json::Value::Null
                    } else {
                        serde_json::from_slice(&reply.body).map_err(|e| Error::Decode { status: reply.status, message: e.to_string() })?
                    };
                    return Ok(UploadResult { status: reply.status, location: reply.location, body });
                }
                Ok(reply) if reply.is_retryable() => self.after_failure(&mut failures, reply.error(), reply.retry_after).await?,
                Ok(reply) => return Err(reply.error()),
                Err(error @ Error::Transport(_)) => self.after_failure(&mut failures, error, None).await?,
                Err(error) => return Err(error),
            }
        }
    }
}

async fn read_chunk<R: AsyncRead + AsyncSeek + Unpin>(reader: &mut R, start: u64, end: u64) -> Result<Vec<u8>, Error> {
    let read_error = |e: std::io::Error| Error::Upload(format!("cannot read bytes {start}-{end} of the file: {e}"));
    let mut data = vec![0; (end - start + 1) as usize];
    reader.seek(SeekFrom::Start(start)).await.map_err(read_error)?;
    reader.read_exact(&mut data).await.map_err(read_error)?;
    Ok(data)
}

fn parse_status(status: u16, body: &[u8]) -> Result<UploadStatus, Error> {
    #[derive(Deserialize)]
    struct Session {
        #[serde(rename = "nextExpectedRanges", default)]
        next_expected_ranges: Vec<String>,
        #[serde(rename = "expirationDateTime", default)]
        expiration_date_time: Option<String>,
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(UploadStatus::default());
    }
    let session: Session = serde_json::from_slice(body).map_err(|e| Error::Decode { status, message: e.to_string() })?;
    let next_expected_ranges = session
        .next_expected_ranges
        .iter()
        .map(|text| {
            ByteRange::parse(text).ok_or_else(|| Error::Decode { status, message: format!("bad range {text:?} in nextExpectedRanges") })
        })
        .collect::<Result<_, _>>()?;
    Ok(UploadStatus { next_expected_ranges, expiration_date_time: session.expiration_date_time })
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
    fn parses_next_expected_ranges() {
        assert_eq!(ByteRange::parse("12345-"), Some(ByteRange { start: 12345, end: None }));
        assert_eq!(ByteRange::parse("0-99"), Some(ByteRange { start: 0, end: Some(99) }));
        assert_eq!(ByteRange::parse("77"), Some(ByteRange { start: 77, end: None }));
        assert_eq!(ByteRange::parse("9-3"), None);
        assert_eq!(ByteRange::parse("x-"), None);
        let status = parse_status(200, br#"{"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["500-","0-99"]}"#).unwrap();
        assert_eq!(status.first_missing(), Some(ByteRange { start: 0, end: Some(99) }));
        assert_eq!(status.expiration_date_time.as_deref(), Some("2030-01-01T00:00:00Z"));
        assert_eq!(parse_status(200, b"").unwrap(), UploadStatus::default());
        assert!(parse_status(200, br#"{"nextExpectedRanges":["oops"]}"#).is_err());
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
