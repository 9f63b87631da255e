//! A loopback API whose answers each test scripts: every request is recorded
//! and answered by the test's closure, which also sees the earlier requests
//! (to answer a second attempt differently, say).

use graph_runtime::runtime::test_server::{self, Host, HostName};
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// The raw query string, `""` when there is none.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer { status, headers: vec![("content-type".into(), "application/json".into())], body: body.to_string().into_bytes() }
    }

    pub fn empty(status: u16) -> Answer {
        Answer { status, headers: Vec::new(), body: Vec::new() }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Answer {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

type Script = dyn Fn(&Received, &[Received]) -> Answer + Send + Sync;

/// A host of the runtime's fake (`test_server::Host`) whose every answer a script decides.
pub struct Scripted {
    /// `http://HOST:PORT`
    pub origin: String,
    /// `{origin}/v1.0`
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Scripted {
    /// A server on loopback, named `127.0.0.1` or `localhost` in its URLs (`localhost` plays another host).
    pub async fn start(host: &str, script: impl Fn(&Received, &[Received]) -> Answer + Send + Sync + 'static) -> Scripted {
        let name = if host == "localhost" { HostName::Localhost } else { HostName::Loopback };
        let server = Host::start(name).await;
        let origin = server.origin().to_owned();
        let received = Arc::new(Mutex::new(Vec::new()));
        let (seen, script): (Arc<Mutex<Vec<Received>>>, Arc<Script>) = (received.clone(), Arc::new(script));
        server.route(move |raw| {
            let request = Received {
                method: raw.method.clone(),
                path: raw.path().to_owned(),
                query: raw.query().to_owned(),
                headers: raw.headers.clone(),
                body: raw.body.clone(),
                at: raw.at,
            };
            let mut seen = seen.lock().unwrap();
            let answer = script(&request, &seen);
            seen.push(request);
            let mut out = test_server::Answer::empty(answer.status);
            out.headers = answer.headers;
            out.body = answer.body;
            Some(out)
        });
        Scripted { base_url: format!("{origin}/v1.0"), origin, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}
