//! Bounded downloads (`Client::download`, `Client::download_to`) against a
//! loopback server that sends bodies far larger than the limit, with and
//! without a `Content-Length`. A hand-written HTTP/1.1 server, so that the
//! test knows how many bytes it managed to push before the client hung up.

mod support;

use graph_runtime::runtime::{Client, Error, Method, Request};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use support::{bounded, client, TOKEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MIB: u64 = 1024 * 1024;
/// What the server offers: far more than any limit below, never fully sent.
const HUGE: u64 = 64 * 1024 * MIB;

/// How the server frames its body.
#[derive(Clone, Copy)]
enum Framing {
    /// `Content-Length: <len>` with the body.
    Declared,
    /// `Transfer-Encoding: chunked`: the size is not known in advance.
    Chunked,
}

struct Server {
    base_url: String,
    /// Body bytes the server managed to write before the client closed the connection.
    sent: Arc<AtomicU64>,
    /// The request head of each request.
    requests: Arc<Mutex<Vec<String>>>,
}

/// Serves `len` bytes of `b'x'` for every request.
async fn serve(len: u64, framing: Framing) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/v1.0", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicU64::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (counter, seen) = (sent.clone(), requests.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (counter, seen) = (counter.clone(), seen.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                seen.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
                let header = match framing {
                    Framing::Declared => {
                        format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {len}\r\n\r\n")
                    }
                    Framing::Chunked => {
                        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n".into()
                    }
                };
                if socket.write_all(header.as_bytes()).await.is_err() {
                    return;
                }
                let block = vec![b'x'; 64 * 1024];
                let mut left = len;
                while left > 0 {
                    let n = left.min(block.len() as u64) as usize;
                    let written = match framing {
                        Framing::Declared => socket.write_all(&block[..n]).await,
                        Framing::Chunked => {
                            let mut chunk = format!("{n:x}\r\n").into_bytes();
                            chunk.extend_from_slice(&block[..n]);
                            chunk.extend_from_slice(b"\r\n");
                            socket.write_all(&chunk).await
                        }
                    };
                    if written.is_err() {
                        return; // the client hung up
                    }
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                    left -= n as u64;
                }
                if let Framing::Chunked = framing {
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                }
            });
        }
    });
    Server { base_url, sent, requests }
}

fn value() -> Request<String> {
    Request::new(Method::Get, "/me/drive/items/1/content")
}

/// Lets the server notice that the client is gone, then reads its counter.
async fn sent_after_hangup(server: &Server) -> u64 {
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    server.sent.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_body_within_the_limit_arrives_whole() {
    bounded(async {
        let server = serve(3 * MIB + 17, Framing::Chunked).await;
        let client = client(&server.base_url);
        let body = client.download(value(), 4 * MIB).await.unwrap();
        assert_eq!(body.len() as u64, 3 * MIB + 17);
        assert!(body.iter().all(|&b| b == b'x'));
        // Exactly at the limit is allowed.
        let mut out = Vec::new();
        assert_eq!(client.download_to(value(), &mut out, 3 * MIB + 17).await.unwrap(), 3 * MIB + 17);
        let head = server.requests.lock().unwrap()[0].clone();
        assert!(head.starts_with("GET /v1.0/me/drive/items/1/content "), "{head}");
        assert!(head.contains(&format!("authorization: Bearer {TOKEN}")), "the token goes to the API host: {head}");
    })
    .await
}

#[tokio::test]
async fn a_declared_length_over_the_limit_fails_before_the_body_is_read() {
    bounded(async {
        let server = serve(HUGE, Framing::Declared).await;
        let mut out = Vec::new();
        let error = client(&server.base_url).download_to(value(), &mut out, MIB).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge { limit } if limit == MIB), "{error:?}");
        assert!(out.is_empty(), "nothing is written when the declared size is over the limit");
        assert_eq!(error.to_string(), "the response body is larger than the 1048576-byte limit");
        assert!(sent_after_hangup(&server).await < 64 * MIB, "the client hung up instead of reading on");
    })
    .await
}

#[tokio::test]
async fn an_undeclared_huge_body_is_cut_off_at_the_limit() {
    bounded(async {
        let server = serve(HUGE, Framing::Chunked).await;
        let mut out = Vec::new();
        let error = client(&server.base_url).download_to(value(), &mut out, 2 * MIB).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge { limit } if limit == 2 * MIB), "{error:?}");
        assert!(out.len() as u64 <= 2 * MIB, "at most the limit reaches the writer, got {} bytes", out.len());
        let sent = sent_after_hangup(&server).await;
        assert!(sent < 2 * MIB + 64 * MIB, "the client stopped reading soon after the limit; the server sent {sent} bytes");
        // `download` (into memory) stops the same way.
        let error = client(&server.base_url).download(value(), 2 * MIB).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");
    })
    .await
}

#[tokio::test]
async fn a_failing_writer_is_a_typed_error() {
    struct Full;
    impl tokio::io::AsyncWrite for Full {
        fn poll_write(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>, _: &[u8]) -> std::task::Poll<std::io::Result<usize>> {
            std::task::Poll::Ready(Err(std::io::Error::other("disk full")))
        }
        fn poll_flush(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }
    bounded(async {
        let server = serve(MIB, Framing::Declared).await;
        let error = client(&server.base_url).download_to(value(), &mut Full, 2 * MIB).await.unwrap_err();
        assert!(matches!(&error, Error::Io(message) if message.contains("disk full")), "{error:?}");
        assert!(!format!("{error} {error:?}").contains(TOKEN));
    })
    .await
}

#[tokio::test]
async fn downloads_use_the_default_timeouts_when_none_is_set() {
    // A client built without `.timeout()` still has one: the builder default.
    let built = Client::builder().token(TOKEN).build().unwrap();
    assert!(!format!("{built:?}").contains(TOKEN));
    assert_eq!(graph_runtime::runtime::DEFAULT_TIMEOUT, std::time::Duration::from_secs(100));
    assert_eq!(graph_runtime::runtime::DEFAULT_CONNECT_TIMEOUT, std::time::Duration::from_secs(10));
}
