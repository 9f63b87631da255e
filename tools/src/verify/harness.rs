// The HTTP half of the verify program (`examples/verify.rs` of the scratch
// crate). Not a module of `docgen-tools`: `program.rs` puts this text into the
// program, after the generated crate's name replaces `graph_client`, and the
// generated cases call it. It serves each case's documented answer from the
// runtime's fake hosts (`runtime::test_server`, which the crate's examples get
// through its dev-dependency on itself), sends the request with the generated `Client` method, and
// reports what the operation function built and what the client gave back as
// one JSON line, which `verify::http` judges.

/// One documented answer, as the loopback API serves it.
pub struct Served {
    pub status: u16,
    pub headers: &'static [(&'static str, &'static str)],
    pub body: &'static str,
    /// A `3xx` whose `Location` is rewritten to the other host, which serves [`REDIRECTED`].
    pub redirect: bool,
}

/// What the other host serves behind a redirect (a download URL).
pub const REDIRECTED: &str = "the content behind the redirect";
/// The most a download reads.
pub const MAX_BYTES: u64 = 1 << 20;
const TOKEN: &str = "verify-token";

pub type Case = for<'h> fn(&'h Harness) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Report, String>> + 'h>>;

/// What a loopback host received for the current case: method, target, and whether it carried a token.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, String, bool)>>>;

/// One of the runtime's fake hosts (`runtime::test_server`), answering every
/// request with the current case's answer and noting what it received.
struct Host {
    host: graph_client::runtime::test_server::Host,
    answer: std::sync::Arc<std::sync::Mutex<graph_client::runtime::test_server::Answer>>,
    seen: Seen,
}

impl Host {
    async fn start(name: graph_client::runtime::test_server::HostName) -> Host {
        let host = graph_client::runtime::test_server::Host::start(name).await;
        let answer = std::sync::Arc::new(std::sync::Mutex::new(graph_client::runtime::test_server::Answer::empty(200)));
        let seen = Seen::default();
        let current = answer.clone();
        host.route(move |_| Some(current.lock().expect("answer").clone()));
        let noted = seen.clone();
        host.observe(move |received| {
            let token = received.header("authorization").is_some();
            noted.lock().expect("seen").push((received.method.clone(), received.target.clone(), token));
        });
        Host { host, answer, seen }
    }

    fn answer(&self, answer: graph_client::runtime::test_server::Answer) {
        *self.answer.lock().expect("answer") = answer;
        self.seen.lock().expect("seen").clear();
    }

    fn received(&self) -> Vec<(String, String, bool)> {
        self.seen.lock().expect("seen").clone()
    }
}

/// The API host, the other host (`localhost`: another host to the client), and the client.
pub struct Harness {
    api: Host,
    other: Host,
    pub client: graph_client::runtime::Client,
}

impl Harness {
    pub async fn start() -> Harness {
        let api = Host::start(graph_client::runtime::test_server::HostName::Loopback).await;
        let other = Host::start(graph_client::runtime::test_server::HostName::Localhost).await;
        let retry = graph_client::runtime::RetryPolicy {
            max_attempts: 1,
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(1),
        };
        let client = graph_client::runtime::Client::builder()
            .base_url(format!("{}/v1.0", api.host.origin()))
            .token(TOKEN)
            .timeout(std::time::Duration::from_secs(10))
            .retry(retry)
            .build()
            .expect("a client");
        Harness { api, other, client }
    }

    /// The documented answer goes on the API host (a redirect's target on the other host).
    pub fn serve(&self, served: &Served) {
        let mut headers: Vec<(String, String)> = served.headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        if served.redirect {
            for (name, value) in &mut headers {
                if name.eq_ignore_ascii_case("location") {
                    let path = value.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()));
                    *value = format!("{}{}", self.other.host.origin(), path.unwrap_or_else(|| "/".into()));
                }
            }
        }
        let answer = graph_client::runtime::test_server::Answer { status: served.status, headers, body: served.body.as_bytes().to_vec() };
        self.api.answer(answer);
        self.other.answer(graph_client::runtime::test_server::Answer::bytes(200, "application/octet-stream", REDIRECTED));
    }

    /// A JSON text as `T` (a request body, or an argument).
    pub fn value<T: serde::de::DeserializeOwned>(&self, what: &str, json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| format!("{what}: {e}"))
    }

    /// What the operation function built.
    pub fn built<T>(&self, request: &graph_client::runtime::Request<T>) -> Report {
        let body = match request.body() {
            graph_client::runtime::Body::Empty => serde_json::Value::Null,
            graph_client::runtime::Body::Json(bytes) => match serde_json::from_slice::<serde_json::Value>(bytes) {
                Ok(json) => serde_json::json!({ "json": json }),
                Err(e) => serde_json::json!({ "invalid": e.to_string() }),
            },
            graph_client::runtime::Body::Bytes { content_type, data } => {
                serde_json::json!({ "bytes": { "content_type": content_type, "len": data.len() } })
            }
            graph_client::runtime::Body::Invalid(e) => serde_json::json!({ "invalid": e }),
            #[allow(unreachable_patterns)]
            _ => serde_json::json!({ "invalid": "a body kind the harness does not know" }),
        };
        let url = request.url("http://verify.invalid/v1.0");
        let query = url.split_once('?').map(|(_, q)| q.to_owned()).unwrap_or_default();
        let request = serde_json::json!({
            "method": request.method().as_str(),
            "path": request.path(),
            "query": query,
            "headers": request.headers(),
            "body": body,
        });
        Report { fields: serde_json::json!({ "request": request }) }
    }

    /// What the generated `Client` method gave back, for an operation that decodes JSON (or nothing).
    pub fn typed<T: serde::Serialize>(&self, report: &mut Report, answer: Result<T, graph_client::runtime::Error>) {
        let answer = match answer {
            Ok(value) => match serde_json::to_value(&value) {
                Ok(serde_json::Value::Null) => serde_json::json!({ "unit": true }),
                Ok(json) => serde_json::json!({ "json": json }),
                Err(e) => serde_json::json!({ "error": format!("serialize: {e}") }),
            },
            Err(error) => error_json(&error),
        };
        self.answered(report, answer);
    }

    /// What a download method gave back.
    pub fn content(&self, report: &mut Report, answer: Result<Vec<u8>, graph_client::runtime::Error>) {
        let answer = match answer {
            Ok(bytes) => serde_json::json!({ "bytes": String::from_utf8_lossy(&bytes), "len": bytes.len() }),
            Err(error) => error_json(&error),
        };
        self.answered(report, answer);
    }

    fn answered(&self, report: &mut Report, answer: serde_json::Value) {
        let received: Vec<serde_json::Value> = self
            .api
            .received()
            .iter()
            .map(|(method, target, token)| serde_json::json!({ "method": method, "target": target, "token": token }))
            .collect();
        let other = self.other.received();
        report.fields["answer"] = answer;
        report.fields["received"] = received.into();
        report.fields["other_host"] =
            serde_json::json!({ "requests": other.len(), "with_token": other.iter().filter(|(_, _, token)| *token).count() });
    }

    /// A `201 Created`: the `Location` the client gives back with the answer.
    pub async fn created<T: serde::de::DeserializeOwned>(&self, report: &mut Report, request: graph_client::runtime::Request<T>) {
        report.fields["location"] = match self.client.send_with_response(request).await {
            Ok(answer) => answer.location().map_or(serde_json::Value::Null, |l| l.into()),
            Err(error) => error_json(&error),
        };
    }

    /// A monitored action's `LongRunning`: where the client would poll.
    pub fn monitored(&self, report: &mut Report, answer: Result<graph_client::runtime::LongRunning, graph_client::runtime::Error>) {
        let answer = match answer {
            Ok(action) => {
                report.fields["monitor"] = action.monitor_url().map_or(serde_json::Value::Null, |m| m.into());
                serde_json::json!({ "unit": true })
            }
            Err(error) => error_json(&error),
        };
        self.answered(report, answer);
    }

    /// A `202 Accepted` with a monitor: where the client would poll.
    pub async fn accepted<T>(&self, report: &mut Report, request: graph_client::runtime::Request<T>) {
        report.fields["monitor"] = match self.client.start_long_running(request).await {
            Ok(action) => action.monitor_url().map_or(serde_json::Value::Null, |m| m.into()),
            Err(error) => error_json(&error),
        };
    }

    /// Absolute links relative to the API host, as the client makes them.
    pub fn base_url(&self) -> &str {
        self.client.base_url()
    }
}

fn error_json(error: &graph_client::runtime::Error) -> serde_json::Value {
    let code = match error {
        graph_client::runtime::Error::Api { error, .. } => Some(error.code.clone()),
        _ => None,
    };
    serde_json::json!({ "error": error.to_string(), "status": error.status(), "code": code })
}

/// One case's report, printed as `{"id": N, "http": {...}}`.
pub struct Report {
    fields: serde_json::Value,
}

/// Runs every case in turn against the loopback hosts and prints its report.
pub fn run_http(cases: &[(u32, Served, Case)], out: &mut impl std::io::Write) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let harness = Harness::start().await;
        for (id, served, case) in cases {
            harness.serve(served);
            let line = match tokio::time::timeout(std::time::Duration::from_secs(20), case(&harness)).await {
                Ok(Ok(report)) => {
                    let mut fields = report.fields;
                    fields["base_url"] = harness.base_url().into();
                    serde_json::json!({ "id": id, "http": fields })
                }
                Ok(Err(error)) => serde_json::json!({ "id": id, "http_error": error }),
                Err(_) => serde_json::json!({ "id": id, "http_error": "no answer within 20 s" }),
            };
            writeln!(out, "{line}").expect("stdout");
        }
    });
}
