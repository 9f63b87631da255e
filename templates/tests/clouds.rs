//! National clouds for real: a client set to `Cloud::UsGovernment` connects
//! to `graph.microsoft.us`, and the token goes there and nowhere else — not
//! to a next link on the global host, not through a redirect to it.
//!
//! The client reaches the cloud host names through a loopback CONNECT proxy
//! (`ClientBuilder::proxy`), which records which host each tunnel was opened
//! to and hands the tunnel, after TLS with a certificate for the Graph host
//! names (`fixtures/`, trusted through `add_root_certificate_pem`), to a fake
//! host of that name. Nothing leaves the machine.

use graph_runtime::runtime::test_server::{Answer, Host, HostName};
use graph_runtime::runtime::{Client, Cloud, Content, Method, Page, Request};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

const ROOT: &[u8] = include_bytes!("fixtures/loopback-root.pem");
const SERVER_CERTIFICATES: &[u8] = include_bytes!("fixtures/graph-hosts.pem");
const SERVER_KEY: &[u8] = include_bytes!("fixtures/graph-hosts.key");
const TOKEN: &str = "us-government-token";

fn tls_acceptor() -> TlsAcceptor {
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(SERVER_CERTIFICATES).collect::<Result<_, _>>().expect("the fixture certificates");
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY).expect("the fixture key");
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

/// A CONNECT proxy on loopback that tunnels to the fake host of the name
/// asked for (TLS ends here) and refuses any other name.
struct Proxy {
    url: String,
    /// The authority of each tunnel, in order (`graph.microsoft.us:443`).
    tunnels: Arc<Mutex<Vec<String>>>,
}

async fn proxy(hosts: BTreeMap<&'static str, Host>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tunnels = Arc::new(Mutex::new(Vec::new()));
    let (seen, acceptor) = (tunnels.clone(), tls_acceptor());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (seen, hosts, acceptor) = (seen.clone(), hosts.clone(), acceptor.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let mut byte = [0u8];
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let authority = match head.split_whitespace().collect::<Vec<_>>()[..] {
                    ["CONNECT", authority, ..] => authority.to_owned(),
                    _ => return,
                };
                seen.lock().unwrap().push(authority.clone());
                let Some(host) = authority.strip_suffix(":443").and_then(|name| hosts.get(name)).cloned() else {
                    let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n").await;
                    return;
                };
                if stream.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n").await.is_err() {
                    return;
                }
                if let Ok(tls) = acceptor.accept(stream).await {
                    host.serve_connection(tls).await;
                }
            });
        }
    });
    Proxy { url, tunnels }
}

#[tokio::test]
async fn the_us_government_cloud_gets_the_token_and_a_link_to_the_global_host_does_not() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let us_government = Host::start(HostName::Loopback).await;
        us_government.route(|received| match (received.method.as_str(), received.target.as_str()) {
            ("GET", "/v1.0/me/messages") => Some(Answer::json(
                200,
                &serde_json::json!({"value": [{"id": "m1"}], "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/messages?$skiptoken=2"}),
            )),
            ("GET", "/v1.0/me/photo/$value") => {
                Some(Answer::empty(302).header("Location", "https://graph.microsoft.com/v1.0/me/photo/$value"))
            }
            _ => None,
        });
        let global = Host::start(HostName::Loopback).await;
        global.route(|received| match (received.method.as_str(), received.target.as_str()) {
            ("GET", "/v1.0/me/messages?$skiptoken=2") => Some(Answer::json(200, &serde_json::json!({"value": [{"id": "m2"}]}))),
            ("GET", "/v1.0/me/photo/$value") => Some(Answer::bytes(200, "image/jpeg", b"JPEG".to_vec())),
            _ => None,
        });
        let proxy = proxy(BTreeMap::from([("graph.microsoft.us", us_government.clone()), ("graph.microsoft.com", global.clone())])).await;
        let client = Client::builder()
            .cloud(Cloud::UsGovernment)
            .token(TOKEN)
            .proxy(&proxy.url)
            .add_root_certificate_pem(ROOT)
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://graph.microsoft.us/v1.0");

        let messages: Vec<serde_json::Value> =
            client.all_pages(Request::<Page<serde_json::Value>>::new(Method::Get, "/me/messages")).await.unwrap();
        assert_eq!(messages, [serde_json::json!({"id": "m1"}), serde_json::json!({"id": "m2"})]);
        let photo = client.download(Request::<Content>::new(Method::Get, "/me/photo/$value"), 1024).await.unwrap();
        assert_eq!(photo, b"JPEG");

        let tunnels = proxy.tunnels.lock().unwrap().clone();
        assert_eq!(tunnels.first().map(String::as_str), Some("graph.microsoft.us:443"), "the cloud's host first: {tunnels:?}");
        assert!(tunnels.iter().all(|t| t == "graph.microsoft.us:443" || t == "graph.microsoft.com:443"), "{tunnels:?}");
        let authorization = |host: &Host| host.received().iter().map(|r| r.header("authorization").map(str::to_owned)).collect::<Vec<_>>();
        let bearer = Some(format!("Bearer {TOKEN}"));
        assert_eq!(authorization(&us_government), [bearer.clone(), bearer], "both requests to the cloud carry its token");
        assert_eq!(authorization(&global), [None, None], "the next link and the redirect to the global host carry none");
    })
    .await
    .expect("the test ran for more than 20 seconds")
}
