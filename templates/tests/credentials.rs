//! Tokens from azure_identity credentials (feature `azure-identity`), sent to
//! the fake Graph (feature `test-server`).
//!
//! `ClientSecretCredential` only talks to an `https` authority host, so its
//! HTTP goes through azure_core's transport seam (`ClientOptions::transport`)
//! to a loopback token endpoint that answers as Entra ID's v2.0 token
//! endpoint does (`POST /{tenant}/oauth2/v2.0/token`, a form with
//! `client_id`, `client_secret`, `grant_type=client_credentials` and `scope`;
//! a JSON answer with `access_token` and `expires_in` in seconds, or an
//! `error` with `error_description` and `error_codes`). The credential itself
//! is the real one: its request, its parsing and its error.

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::http::headers::Headers;
use azure_core::http::{AsyncRawResponse, ClientOptions, HttpClient, RetryOptions, StatusCode, Transport};
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use graph_runtime::runtime::test_server::{Answer, FakeGraph, Host, HostName, Received};
use graph_runtime::runtime::{Client, Cloud, Error, Method, Request};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const TENANT: &str = "00000000-0000-0000-0000-00000000beef";
const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const CLIENT_SECRET: &str = "CLIENT-SECRET-7";

async fn bounded<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), test).await.expect("the test ran for more than 20 seconds")
}

/// Sends azure_core's requests to a loopback origin instead of the authority host.
#[derive(Debug)]
struct ToLoopback {
    origin: String,
}

#[async_trait::async_trait]
impl HttpClient for ToLoopback {
    async fn execute_request(&self, request: &azure_core::http::Request) -> azure_core::Result<AsyncRawResponse> {
        let failed = |e: reqwest::Error| azure_core::Error::with_message(azure_core::error::ErrorKind::Io, e.to_string());
        let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes()).expect("an HTTP method");
        let mut outgoing = reqwest::Client::new().request(method, format!("{}{}", self.origin, request.path_and_query()));
        for (name, value) in request.headers().iter() {
            outgoing = outgoing.header(name.as_str(), value.as_str());
        }
        if let azure_core::http::Body::Bytes(bytes) = request.body() {
            outgoing = outgoing.body(bytes.to_vec());
        }
        let response = outgoing.send().await.map_err(failed)?;
        let status = StatusCode::from(response.status().as_u16());
        let mut headers = Headers::new();
        for (name, value) in response.headers() {
            headers.insert(name.as_str().to_owned(), value.to_str().unwrap_or_default().to_owned());
        }
        let body = response.bytes().await.map_err(failed)?;
        Ok(AsyncRawResponse::from_bytes(status, headers, body))
    }
}

/// The form fields of a token request.
fn form(received: &Received) -> Vec<(String, String)> {
    // application/x-www-form-urlencoded: `+` is a space, then percent-decoding.
    let decode = |text: &str| percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned();
    let body = String::from_utf8_lossy(&received.body).into_owned();
    body.split('&').filter_map(|pair| pair.split_once('=')).map(|(k, v)| (decode(k), decode(v))).collect()
}

/// A loopback Entra ID token endpoint for one tenant and one app: token N is
/// `token-N`, valid for `expires_in` seconds; a wrong secret is `invalid_client`.
async fn token_endpoint(expires_in: u64) -> Host {
    let host = Host::start(HostName::Loopback).await;
    let issued = AtomicUsize::new(0);
    host.route(move |received| {
        if (received.method.as_str(), received.path()) != ("POST", &*format!("/{TENANT}/oauth2/v2.0/token")) {
            return None;
        }
        let form = form(received);
        let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        if field("client_id") != Some(CLIENT_ID) || field("client_secret") != Some(CLIENT_SECRET) {
            let error = serde_json::json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.",
                "error_codes": [7000215]});
            return Some(Answer::json(401, &error));
        }
        let number = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let token = serde_json::json!({"token_type": "Bearer", "expires_in": expires_in, "ext_expires_in": expires_in,
            "access_token": format!("token-{number}")});
        Some(Answer::json(200, &token))
    });
    host
}

fn client_secret_credential(endpoint: &Host, secret: &str) -> Arc<ClientSecretCredential> {
    let options = ClientSecretCredentialOptions {
        client_options: ClientOptions {
            transport: Some(Transport::new(Arc::new(ToLoopback { origin: endpoint.origin().to_owned() }))),
            retry: RetryOptions::none(),
            ..Default::default()
        },
    };
    ClientSecretCredential::new(TENANT, CLIENT_ID.to_owned(), Secret::new(secret.to_owned()), Some(options)).unwrap()
}

fn me() -> Request<serde_json::Value> {
    Request::new(Method::Get, "/me").operation("get_me", "/me")
}

#[tokio::test]
async fn a_client_secret_credential_fetches_one_token_for_many_calls_and_another_after_expiry() {
    bounded(async {
        // Two seconds of life: the client renews halfway through (its margin
        // is five minutes, or half the life of a shorter token).
        let endpoint = token_endpoint(2).await;
        let graph = FakeGraph::start().await;
        graph.on(&me()).reply(serde_json::json!({"displayName": "Adele"}));
        graph.accept_token("token-1");
        graph.accept_token("token-2");
        let credential = client_secret_credential(&endpoint, CLIENT_SECRET);
        let client = Client::builder().base_url(graph.base_url()).credential(credential).build().unwrap();

        for _ in 0..3 {
            assert_eq!(client.send(me()).await.unwrap()["displayName"], "Adele");
        }
        let concurrent = futures_util::future::join_all((0..4).map(|_| client.send(me()))).await;
        assert!(concurrent.iter().all(Result::is_ok), "{concurrent:?}");
        let fetches = endpoint.received();
        assert_eq!(fetches.len(), 1, "one token for seven calls, four of them at once");
        let form = form(&fetches[0]);
        let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(field("scope").as_deref(), Some("https://graph.microsoft.com/.default"), "the global cloud's Graph scope");
        assert_eq!(field("grant_type").as_deref(), Some("client_credentials"));

        tokio::time::sleep(Duration::from_millis(1200)).await;
        client.send(me()).await.unwrap();
        assert_eq!(endpoint.received().len(), 2, "a new token once the first is about to expire");
        let tokens: Vec<Option<String>> = graph.received().iter().map(|r| r.header("authorization").map(str::to_owned)).collect();
        let expected: Vec<Option<String>> =
            std::iter::repeat_n("Bearer token-1", 7).chain(["Bearer token-2"]).map(|t| Some(t.to_owned())).collect();
        assert_eq!(tokens, expected);
    })
    .await
}

#[tokio::test]
async fn a_national_cloud_asks_for_its_own_scope() {
    bounded(async {
        let endpoint = token_endpoint(3600).await;
        let graph = FakeGraph::start().await;
        graph.on(&me()).reply(serde_json::json!({}));
        graph.accept_token("token-1");
        let client = Client::builder()
            .cloud(Cloud::UsGovernment)
            .base_url(graph.base_url())
            .credential(client_secret_credential(&endpoint, CLIENT_SECRET))
            .build()
            .unwrap();
        client.send(me()).await.unwrap();
        let form = form(&endpoint.received()[0]);
        assert!(form.contains(&("scope".to_owned(), "https://graph.microsoft.us/.default".to_owned())), "{form:?}");
    })
    .await
}

#[tokio::test]
async fn a_credential_that_fails_is_a_typed_error_naming_it() {
    bounded(async {
        let endpoint = token_endpoint(3600).await;
        let graph = FakeGraph::start().await;
        let client =
            Client::builder().base_url(graph.base_url()).credential(client_secret_credential(&endpoint, "WRONG-SECRET-9")).build().unwrap();
        let error = client.send(me()).await.unwrap_err();
        let Error::Credential { credential, message } = &error else { panic!("expected Error::Credential, got {error:?}") };
        assert_eq!(credential, "ClientSecretCredential");
        assert!(message.contains("AADSTS7000215"), "the service's reason is kept: {message}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("WRONG-SECRET-9") && !shown.contains(CLIENT_SECRET), "{shown}");
        assert!(graph.received().is_empty(), "nothing is sent without a token");
    })
    .await
}

/// A credential written in the test: it counts its calls, takes 100 ms per
/// token, and its tokens live `lifetime`.
#[derive(Debug)]
struct CountingCredential {
    calls: AtomicUsize,
    lifetime: Duration,
}

#[async_trait::async_trait]
impl TokenCredential for CountingCredential {
    async fn get_token(&self, scopes: &[&str], _: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        assert_eq!(scopes, ["https://graph.microsoft.com/.default"]);
        let number = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let expires_on = azure_core::time::OffsetDateTime::now_utc() + self.lifetime;
        Ok(AccessToken::new(format!("token-{number}"), expires_on))
    }
}

#[tokio::test]
async fn concurrent_requests_wait_for_one_fetch_and_the_token_is_renewed_before_it_expires() {
    bounded(async {
        let graph = FakeGraph::start().await;
        graph.on(&me()).reply(serde_json::json!({}));
        for token in ["token-1", "token-2"] {
            graph.accept_token(token);
        }
        let credential = Arc::new(CountingCredential { calls: AtomicUsize::new(0), lifetime: Duration::from_secs(2) });
        let client = Client::builder().base_url(graph.base_url()).credential(credential.clone()).build().unwrap();
        let answers = futures_util::future::join_all((0..8).map(|_| client.send(me()))).await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
        assert_eq!(credential.calls.load(Ordering::SeqCst), 1, "eight requests at once, one fetch");
        client.send(me()).await.unwrap();
        assert_eq!(credential.calls.load(Ordering::SeqCst), 1, "still fresh");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        client.send(me()).await.unwrap();
        assert_eq!(credential.calls.load(Ordering::SeqCst), 2, "renewed halfway through a two-second life");
        assert_eq!(graph.received().last().unwrap().header("authorization"), Some("Bearer token-2"));
    })
    .await
}
