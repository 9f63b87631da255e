//! `cargo xtask bench --upload`: the runtime's large-file upload against a
//! plain reqwest loop that PUTs the same chunks to the same loopback upload
//! host, as throughput (MiB/s) and the ratio of the two, medians of `--runs`
//! alternated runs (see docs/BENCHMARKS.md).
//!
//! The host answers the way OneDrive's upload sessions do
//! (`driveitem-createuploadsession.md`): `202 Accepted` with
//! `nextExpectedRanges` after each chunk, `201 Created` with the new item after
//! the last. The baseline sends slices of one in-memory buffer (no copy, no
//! protocol checks). The runtime is timed twice, checking every answer:
//! `upload_bytes` on the same in-memory bytes (each chunk a view of them, as
//! the baseline's), and `upload` reading them through `AsyncRead` into its two
//! reused chunk buffers (the next chunk while the current one is sent), which
//! is the path of a file and costs one copy of every byte.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use graph_runtime::runtime::Client;
use std::time::{Duration, Instant};

const CHUNK: usize = 12 * 320 * 1024;

/// What one run of each side took.
pub struct UploadFigures {
    pub size: usize,
    /// `upload_bytes` of the in-memory bytes.
    pub runtime: Duration,
    /// `upload` of the same bytes through a reader.
    pub runtime_reader: Duration,
    pub baseline: Duration,
}

pub fn run(size_mib: usize, runs: usize) -> Result<UploadFigures, String> {
    let tokio = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    tokio.block_on(measure(size_mib << 20, runs))
}

async fn measure(size: usize, runs: usize) -> Result<UploadFigures, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let url = format!("http://{}/up/session?tempauth=bench", listener.local_addr().map_err(|e| e.to_string())?);
    let app = axum::Router::new().route("/up/session", axum::routing::put(put_chunk)).layer(axum::extract::DefaultBodyLimit::disable());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let data: Vec<u8> = (0..size).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let shared = Bytes::from(data.clone());
    let client = Client::builder().token("unused").build().map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let upload = || client.large_file_upload(url.clone()).for_item::<serde_json::Value>();
    let (mut runtime, mut runtime_reader, mut baseline) = (Vec::new(), Vec::new(), Vec::new());
    // One warm-up of each, then alternated runs so that drift hits all sides alike.
    for round in 0..=runs {
        let started = Instant::now();
        upload().upload_bytes(shared.clone()).await.map_err(|e| e.to_string())?;
        let from_memory = started.elapsed();
        let started = Instant::now();
        upload().upload(std::io::Cursor::new(&data[..])).await.map_err(|e| e.to_string())?;
        let from_reader = started.elapsed();
        let started = Instant::now();
        plain_loop(&http, &url, &shared).await?;
        let plain = started.elapsed();
        if round > 0 {
            runtime.push(from_memory);
            runtime_reader.push(from_reader);
            baseline.push(plain);
        }
    }
    Ok(UploadFigures { size, runtime: median(&mut runtime), runtime_reader: median(&mut runtime_reader), baseline: median(&mut baseline) })
}

/// The baseline: PUT each chunk with its `Content-Range`, check the status, go on.
async fn plain_loop(http: &reqwest::Client, url: &str, data: &Bytes) -> Result<(), String> {
    let total = data.len();
    let mut start = 0;
    while start < total {
        let end = (start + CHUNK).min(total);
        let response = http
            .put(url)
            .header("Content-Range", format!("bytes {start}-{}/{total}", end - 1))
            .body(data.slice(start..end))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let expected = if end == total { 201 } else { 202 };
        if response.status().as_u16() != expected {
            return Err(format!("the upload host answered {} to bytes {start}-{}", response.status(), end - 1));
        }
        response.bytes().await.map_err(|e| e.to_string())?;
        start = end;
    }
    Ok(())
}

/// A OneDrive-like upload session that takes every chunk in order.
async fn put_chunk(headers: HeaderMap, body: Bytes) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    let json = [("content-type", "application/json")];
    let range = headers.get("content-range").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("bytes "));
    let Some((span, total)) = range.and_then(|r| r.split_once('/')) else { return (StatusCode::BAD_REQUEST, json, String::new()) };
    let (Some((_, end)), Ok(total)) = (span.split_once('-'), total.parse::<u64>()) else {
        return (StatusCode::BAD_REQUEST, json, String::new());
    };
    let end: u64 = end.parse().unwrap_or(0);
    std::hint::black_box(body.len());
    if end + 1 == total {
        (StatusCode::CREATED, json, format!(r#"{{"id":"01BENCH","size":{total}}}"#))
    } else {
        (StatusCode::ACCEPTED, json, format!(r#"{{"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["{}-"]}}"#, end + 1))
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
