// The HTTP half of the verify program (`examples/verify.rs` of the scratch
// crate). Not a module of `docgen-tools`: `program.rs` puts this text into the
// program, after the generated crate's name replaces `graph_client`, and the
// generated cases call it. It serves each case's documented answer from a
// loopback server, sends the request with the generated `Client` method, and
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

/// One request as a loopback host received it.
#[derive(Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Received {
    fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// A loopback host that answers whatever it was told to and remembers what it got.
struct Host {
    origin: String,
    answer: std::sync::Arc<std::sync::Mutex<(u16, Vec<(String, String)>, Vec<u8>)>>,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl Host {
    async fn start(name: &str) -> Host {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let origin = format!("http://{name}:{}", listener.local_addr().expect("its address").port());
        let answer = std::sync::Arc::new(std::sync::Mutex::new((200, Vec::new(), Vec::new())));
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (shared_answer, shared_received) = (answer.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (answer, received) = (shared_answer.clone(), shared_received.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, answer, received).await;
                });
            }
        });
        Host { origin, answer, received }
    }

    fn answer(&self, status: u16, headers: Vec<(String, String)>, body: Vec<u8>) {
        *self.answer.lock().expect("answer") = (status, headers, body);
        self.received.lock().expect("received").clear();
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("received").clone()
    }
}

/// One HTTP/1.1 exchange per connection: read the head and a `Content-Length` body, answer, close.
async fn serve(
    mut stream: tokio::net::TcpStream,
    answer: std::sync::Arc<std::sync::Mutex<(u16, Vec<(String, String)>, Vec<u8>)>>,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or("").split(' ');
    let (method, target) = (start.next().unwrap_or("").to_owned(), start.next().unwrap_or("").to_owned());
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let length: usize =
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    received.lock().expect("received").push(Received { method, target, headers });
    let (status, headers, body) = answer.lock().expect("answer").clone();
    let mut out = format!("HTTP/1.1 {status} Verify\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes()).await?;
    stream.write_all(&body).await?;
    stream.shutdown().await
}

/// The API host, the other host (`localhost`: another host to the client), and the client.
pub struct Harness {
    api: Host,
    other: Host,
    pub client: graph_client::runtime::Client,
}

impl Harness {
    pub async fn start() -> Harness {
        let api = Host::start("127.0.0.1").await;
        let other = Host::start("localhost").await;
        let retry = graph_client::runtime::RetryPolicy {
            max_attempts: 1,
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(1),
        };
        let client = graph_client::runtime::Client::builder()
            .base_url(format!("{}/v1.0", api.origin))
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
                    *value = format!("{}{}", self.other.origin, path.unwrap_or_else(|| "/".into()));
                }
            }
        }
        self.api.answer(served.status, headers, served.body.as_bytes().to_vec());
        self.other.answer(200, vec![("content-type".into(), "application/octet-stream".into())], REDIRECTED.as_bytes().to_vec());
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
            .map(|r| serde_json::json!({ "method": r.method, "target": r.target, "token": r.has_header("authorization") }))
            .collect();
        let other = self.other.received();
        report.fields["answer"] = answer;
        report.fields["received"] = received.into();
        report.fields["other_host"] =
            serde_json::json!({ "requests": other.len(), "with_token": other.iter().filter(|r| r.has_header("authorization")).count() });
    }

    /// A `201 Created`: the `Location` the client gives back with the answer.
    pub async fn created<T: serde::de::DeserializeOwned>(&self, report: &mut Report, request: graph_client::runtime::Request<T>) {
        report.fields["location"] = match self.client.send_with_response(request).await {
            Ok(answer) => answer.location().map_or(serde_json::Value::Null, |l| l.into()),
            Err(error) => error_json(&error),
        };
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
