//! Large-file uploads against a real upload host on loopback. The API is
//! served on `127.0.0.1:PORT`, the upload URL on `localhost:PORT2`.

mod support;

use graph_runtime::runtime::test_server::{assert_same_content, test_bytes};
use graph_runtime::runtime::upload::{ByteRange, DEFAULT_CHUNK_SIZE};
use graph_runtime::runtime::{Client, Error, Method, Request};
use serde::Deserialize;
use std::io::{Cursor, SeekFrom};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use support::{bounded, client, fast_retry, Api, Fault, OtherHost, KIB_320, TOKEN, UPLOAD_SECRET};
use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};

/// The part of the generated `uploadSession` type that the upload needs.
#[derive(Debug, Deserialize)]
struct UploadSession {
    #[serde(rename = "uploadUrl")]
    upload_url: String,
}

/// `createUploadSession` through the API, with the token, as generated code does it.
async fn create_session(client: &Client) -> String {
    let request: Request<UploadSession> = Request::new(Method::Post, "/me/drive/items/root/createUploadSession")
        .json(&serde_json::json!({"item": {"@microsoft.graph.conflictBehavior": "replace"}}));
    client.send(request).await.unwrap().upload_url
}

#[tokio::test]
async fn a_large_file_survives_a_dropped_connection_and_a_503() {
    bounded(async {
        let host = OtherHost::start().await;
        let api = Api::start(&host.origin, &host.upload_url()).await;
        let client = client(&api.base_url);
        let upload_url = create_session(&client).await;
        assert!(upload_url.starts_with("http://localhost:"), "the upload host is not the API host: {upload_url}");

        let data = test_bytes(5 * 1024 * 1024 + 12_345);
        let chunk = 4 * KIB_320 as u64; // 1.25 MiB: five chunks
        host.fail_chunk(chunk, Fault::DropMidBody, 1);
        host.fail_chunk(3 * chunk, Fault::Unavailable { retry_after: "1" }, 1);

        let upload = client.large_file_upload(upload_url).chunk_size(4 * KIB_320).unwrap();
        let done = upload.upload(Cursor::new(&data)).await.unwrap();

        assert_eq!(done.status, 201);
        assert_eq!(done.location, Some(format!("{}/drive/items/new-item-id", host.origin)));
        assert_eq!(done.body, serde_json::json!({"id": "new-item-id", "name": "big.bin", "size": data.len()}));

        let state = host.state();
        assert_same_content(&state.received, &data);
        assert_eq!(
            state.log,
            [
                "PUT 0-1310719/5255225 -> 202",
                "PUT 1310720-2621439/5255225 -> dropped",
                "GET -> 200 [1310720-]",
                "PUT 1310720-2621439/5255225 -> 202",
                "PUT 2621440-3932159/5255225 -> 202",
                "PUT 3932160-5242879/5255225 -> 503",
                "GET -> 200 [3932160-]",
                "PUT 3932160-5242879/5255225 -> 202",
                "PUT 5242880-5255224/5255225 -> 201",
            ]
        );
        // Retry-After: 1 was honoured before asking where to resume.
        let puts: Vec<_> = state.seen.iter().filter(|s| s.method == "PUT").collect();
        let unavailable = puts.iter().position(|s| s.header("content-range") == Some("bytes 3932160-5242879/5255225")).unwrap();
        let waited = state.seen.iter().find(|s| s.method == "GET" && s.at > puts[unavailable].at).unwrap().at - puts[unavailable].at;
        assert!(waited >= Duration::from_millis(950), "resumed {waited:?} after a 503 with Retry-After: 1");
        // Every chunk had exactly one Content-Length, matching its range (the host checks the values).
        assert!(puts.iter().all(|s| s.header_count("content-length") == 1));
        drop(state);

        assert!(host.authorized_requests().is_empty(), "the upload URL must never see a token: {:?}", host.authorized_requests());
        let api_seen = api.seen();
        assert_eq!(api_seen.len(), 1);
        assert_eq!(api_seen[0].authorization, Some(format!("Bearer {TOKEN}")), "createUploadSession is sent with the token");
    })
    .await
}

/// A file that counts the bytes read from it.
struct CountingFile {
    inner: Cursor<Vec<u8>>,
    read: Arc<AtomicUsize>,
}

impl AsyncRead for CountingFile {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        self.read.fetch_add(buf.filled().len() - before, Ordering::Relaxed);
        polled
    }
}

impl AsyncSeek for CountingFile {
    fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> std::io::Result<()> {
        Pin::new(&mut self.inner).start_seek(position)
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<u64>> {
        Pin::new(&mut self.inner).poll_complete(cx)
    }
}

/// Each chunk is read ahead while the one before it is sent, and a chunk sent
/// again after a fault is the one already read: every byte is read once.
#[tokio::test]
async fn every_byte_is_read_once_even_when_chunks_are_sent_again() {
    bounded(async {
        let host = OtherHost::start().await;
        let client = client("http://127.0.0.1:9/v1.0");
        let data = test_bytes(6 * KIB_320 + 99);
        let chunk = KIB_320 as u64;
        host.fail_chunk(chunk, Fault::DropMidBody, 1);
        host.fail_chunk(2 * chunk, Fault::LoseAnswer, 1);
        host.fail_chunk(4 * chunk, Fault::Unavailable { retry_after: "0" }, 1);
        let read = Arc::new(AtomicUsize::new(0));
        let file = CountingFile { inner: Cursor::new(data.clone()), read: read.clone() };

        let upload = client.large_file_upload(host.upload_url()).chunk_size(KIB_320).unwrap();
        assert_eq!(upload.upload(file).await.unwrap().status, 201);

        let state = host.state();
        assert_same_content(&state.received, &data);
        assert_eq!(
            state.log,
            [
                "PUT 0-327679/1966179 -> 202",
                "PUT 327680-655359/1966179 -> dropped",
                "GET -> 200 [327680-]",
                "PUT 327680-655359/1966179 -> 202",
                "PUT 655360-983039/1966179 -> 202", // stored, the answer lost
                "GET -> 200 [983040-]",
                "PUT 983040-1310719/1966179 -> 202",
                "PUT 1310720-1638399/1966179 -> 503",
                "GET -> 200 [1310720-]",
                "PUT 1310720-1638399/1966179 -> 202",
                "PUT 1638400-1966079/1966179 -> 202",
                "PUT 1966080-1966178/1966179 -> 201",
            ]
        );
        assert_eq!(read.load(Ordering::Relaxed), data.len(), "bytes read from a file of {}", data.len());
    })
    .await
}

#[tokio::test]
async fn the_default_chunk_size_is_3_75_mib() {
    bounded(async {
        let host = OtherHost::start().await;
        let client = client("http://127.0.0.1:9/v1.0");
        let data = test_bytes(5 * 1024 * 1024);
        let upload = client.large_file_upload(host.upload_url());
        assert_eq!(upload.configured_chunk_size(), DEFAULT_CHUNK_SIZE);
        let done = upload.upload_bytes(data.clone()).await.unwrap();
        assert_eq!(done.status, 201);
        let state = host.state();
        assert_same_content(&state.received, &data);
        assert_eq!(state.log, ["PUT 0-3932159/5242880 -> 202", "PUT 3932160-5242879/5242880 -> 201"]);
        assert!(state.seen.iter().all(|s| s.header("authorization").is_none()));
    })
    .await
}

#[tokio::test]
async fn retries_are_bounded_and_a_later_resume_finishes_the_upload() {
    bounded(async {
        let host = OtherHost::start().await;
        let client = client("http://127.0.0.1:9/v1.0");
        let data = test_bytes(3 * KIB_320 + 1000);
        let second = KIB_320 as u64;
        host.fail_chunk(second, Fault::Unavailable { retry_after: "0" }, 2);

        let upload = client.large_file_upload(host.upload_url()).chunk_size(KIB_320).unwrap().retry(fast_retry(2));
        let error = upload.upload_bytes(data.clone()).await.unwrap_err();
        assert_eq!(error.status(), Some(503), "{error:?}");
        let puts_of_second = |host: &OtherHost| {
            host.state().seen.iter().filter(|s| s.header("content-range").is_some_and(|r| r.starts_with("bytes 327680-"))).count()
        };
        assert_eq!(puts_of_second(&host), 2, "two attempts in all, as the policy says");

        let status = upload.status().await.unwrap();
        assert_eq!(status.next_expected_ranges, [ByteRange { start: second, end: None }]);
        assert_eq!(status.expiration_date_time.as_deref(), Some("2030-01-01T00:00:00Z"));

        let done = upload.resume(Cursor::new(data.clone())).await.unwrap();
        assert_eq!(done.status, 201);
        assert_eq!(puts_of_second(&host), 3);
        let state = host.state();
        assert_same_content(&state.received, &data);
        let resumed = &state.log[state.log.len() - 4..];
        assert_eq!(
            resumed,
            [
                "GET -> 200 [327680-]",
                "PUT 327680-655359/984040 -> 202",
                "PUT 655360-983039/984040 -> 202",
                "PUT 983040-984039/984040 -> 201"
            ]
        );
        assert!(state.seen.iter().all(|s| s.header("authorization").is_none()));
    })
    .await
}

#[tokio::test]
async fn cancel_sends_delete_to_the_upload_url_without_a_token() {
    bounded(async {
        let host = OtherHost::start().await;
        let client = client("http://127.0.0.1:9/v1.0");
        let upload = client.large_file_upload(host.upload_url());
        upload.cancel().await.unwrap();
        {
            let state = host.state();
            assert_eq!(state.log, ["DELETE -> 204"]);
            assert_eq!(state.seen[0].method, "DELETE");
            assert_eq!(state.seen[0].target, format!("/upload/session-1?tempauth={UPLOAD_SECRET}"));
            assert_eq!(state.seen[0].header("authorization"), None);
        }
        // The session is gone: its status, and any further upload, is the typed "start over" error.
        let error = upload.status().await.unwrap_err();
        assert!(matches!(error, Error::UploadSessionNotFound), "expected the session-gone error, got {error:?}");
        let error = upload.upload_bytes(&b"late"[..]).await.unwrap_err();
        assert!(matches!(error, Error::UploadSessionNotFound), "{error:?}");
        assert_eq!(error.status(), Some(404));
        assert_eq!(host.state().log.len(), 3, "a 404 is not retried");
    })
    .await
}

#[tokio::test]
async fn upload_errors_never_show_the_upload_url_or_token() {
    bounded(async {
        // A port that was just closed: connections are refused at once.
        let port = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
        let client = client("http://127.0.0.1:9/v1.0");
        let upload = client.large_file_upload(format!("http://127.0.0.1:{port}/upload/x?tempauth={UPLOAD_SECRET}")).retry(fast_retry(2));
        let error = upload.upload_bytes(test_bytes(1000)).await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        let shown = format!("{error} {error:?} {upload:?}");
        assert!(!shown.contains(UPLOAD_SECRET) && !shown.contains("/upload/x") && !shown.contains(TOKEN), "{shown}");
    })
    .await
}

#[tokio::test]
async fn bad_chunk_sizes_and_empty_files_are_refused_before_sending() {
    bounded(async {
        let host = OtherHost::start().await;
        let upload = client("http://127.0.0.1:9/v1.0").large_file_upload(host.upload_url());
        for bad in [0, 1000, KIB_320 + 1, 13 * KIB_320] {
            assert!(matches!(upload.clone().chunk_size(bad), Err(Error::InvalidRequest(_))), "{bad}");
        }
        assert!(matches!(upload.upload_bytes(Vec::new()).await, Err(Error::InvalidRequest(_))));
        assert!(host.state().seen.is_empty());
    })
    .await
}
