//! Both large-file upload protocols of Graph, each against every fault its
//! docs describe, through the generated operations and the runtime's upload.
//!
//! The fake (`fake_graph`) serves the API on `127.0.0.1` and upload sessions
//! on `localhost`, and answers each session the way its service's page says:
//! - Outlook attachments (`outlook-large-attachments.md`): `200 OK` with
//!   PascalCase `NextExpectedRanges: ["N"]` between chunks, `201 Created` with
//!   `Location` and an empty body at the end;
//! - OneDrive (`driveitem-createuploadsession.md`): `202 Accepted` with
//!   camelCase `nextExpectedRanges: ["N-"]`, `201 Created` with the new
//!   driveItem at the end, `416` for a fragment it already has, `404` once the
//!   session is gone.
#![cfg(all(feature = "test-server", feature = "outlook", feature = "files", feature = "sharepoint"))]

mod fake_graph;

use fake_graph::{bounded, client, Fault, Graph, KIB_320, TOKEN, UPLOAD_SECRET};
use graph_client::runtime::test_server::{assert_same_content, test_bytes};
use graph_client::runtime::upload::UploadProgress;
use graph_client::runtime::Error;
use graph_client::types::{
    AttachmentCreateUploadSessionRequest, AttachmentItem, AttachmentType, DriveItem, DriveItemCreateUploadSessionRequest,
    DriveItemUploadableProperties,
};
use graph_client::Client;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CHUNK: u64 = KIB_320 as u64;
/// Where drive uploads go: a folder and a name with a space, so that the path
/// must keep its `/` and encode the space.
const DRIVE_PATH: &str = "Reports/big file.bin";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Outlook,
    OneDrive,
}

impl Service {
    /// How the fake logs the status of an intermediate answer and of a `GET` on the session.
    fn between_chunks(self) -> &'static str {
        match self {
            Service::Outlook => "200",
            Service::OneDrive => "202",
        }
    }

    fn status_line(self, next: u64) -> String {
        match self {
            Service::Outlook => format!("GET -> 200 [{next}]"),
            Service::OneDrive => format!("GET -> 200 [{next}-]"),
        }
    }
}

/// Opens a session through the generated operation (with the token) and returns its upload URL.
async fn open_session(graph: &Graph, client: &Client, service: Service, size: usize) -> String {
    let session = match service {
        Service::Outlook => {
            graph.add_message("m1");
            let body = AttachmentCreateUploadSessionRequest {
                attachment_item: Some(AttachmentItem {
                    attachment_type: Some(AttachmentType::File),
                    name: Some("big.bin".into()),
                    size: Some(size as i64),
                    ..Default::default()
                }),
                ..Default::default()
            };
            client.me().messages().by_id("m1").attachments().create_upload_session(&body).await.unwrap()
        }
        Service::OneDrive => client.me().drive().root().path(DRIVE_PATH).create_upload_session(&replace_existing()).await.unwrap(),
    };
    let upload_url = session.upload_url.expect("uploadUrl");
    assert!(upload_url.starts_with(&graph.upload_origin), "the upload host is not the API host: {upload_url}");
    upload_url
}

/// `{"item": {"@microsoft.graph.conflictBehavior": "replace"}}`
fn replace_existing() -> DriveItemCreateUploadSessionRequest {
    DriveItemCreateUploadSessionRequest {
        item: Some(DriveItemUploadableProperties { microsoft_graph_conflict_behavior: Some("replace".into()), ..Default::default() }),
        ..Default::default()
    }
}

/// What a finished upload left on the server, by service.
fn stored(graph: &Graph, service: Service) -> Option<Vec<u8>> {
    match service {
        Service::Outlook => graph.attachments("m1").first().map(|a| a.bytes.clone()),
        Service::OneDrive => graph.drive_file(DRIVE_PATH).map(|f| f.bytes),
    }
}

/// Uploads `data` in 320 KiB chunks and returns what the service's flavour of
/// the upload gives back (the attachment's Location, or the driveItem's id).
async fn upload(graph: &Graph, service: Service, data: &[u8], progress: Arc<Mutex<Vec<UploadProgress>>>) -> Result<String, Error> {
    let client = client(&graph.base_url);
    let upload_url = open_session(graph, &client, service, data.len()).await;
    let upload = client
        .large_file_upload(upload_url)
        .chunk_size(KIB_320)
        .unwrap()
        .expires_at("2030-01-01T00:00:00Z")
        .on_progress(move |p| progress.lock().unwrap().push(p));
    match service {
        Service::Outlook => upload.for_attachment().upload_bytes(data.to_vec()).await.map(|done| done.location),
        Service::OneDrive => upload.for_item::<DriveItem>().upload_bytes(data.to_vec()).await.map(|item| item.id.unwrap_or_default()),
    }
}

async fn every_fault(service: Service) {
    bounded(async {
        let graph = Graph::start().await;
        let data = test_bytes(8 * KIB_320 + 1234);
        let total = data.len() as u64;
        graph.fail_chunk(CHUNK, Fault::DropMidBody, 1);
        graph.fail_chunk(2 * CHUNK, Fault::LoseAnswer, 1);
        graph.fail_chunk(3 * CHUNK, Fault::AlreadyReceived, 1);
        graph.fail_chunk(4 * CHUNK, Fault::Unavailable { retry_after: "1" }, 1);
        graph.fail_chunk(5 * CHUNK, Fault::Throttled { retry_after: "0.5" }, 1);
        let progress = Arc::new(Mutex::new(Vec::new()));

        let done = upload(&graph, service, &data, progress.clone()).await.unwrap();

        // The result is the service's own: Outlook's Location, OneDrive's new item.
        match service {
            Service::Outlook => {
                let attachments = graph.attachments("m1");
                assert_eq!(attachments.len(), 1);
                assert_eq!(graph.upload_locations(), std::slice::from_ref(&done));
                assert!(done.ends_with(&format!("/attachments/{}", attachments[0].id())), "{done}");
            }
            Service::OneDrive => assert_eq!(graph.drive_file(DRIVE_PATH).unwrap().meta["id"], done.as_str()),
        }
        assert_same_content(&stored(&graph, service).expect("the file exists"), &data);

        let ok = service.between_chunks();
        let put = |n: u64, outcome: &str| format!("PUT {}-{}/{total} -> {outcome}", n * CHUNK, ((n + 1) * CHUNK).min(total) - 1);
        assert_eq!(
            graph.upload_log(),
            [
                put(0, ok),
                // Cut off mid-body: the session is asked, the chunk sent again.
                put(1, "dropped"),
                service.status_line(CHUNK),
                put(1, ok),
                // Stored, answer lost: the session says it has it, so it is not sent again.
                put(2, "answer lost"),
                service.status_line(3 * CHUNK),
                // 416, a fragment the session already has: ask, go on from what it says.
                put(3, "416"),
                service.status_line(4 * CHUNK),
                put(4, "503"),
                service.status_line(4 * CHUNK),
                put(4, ok),
                put(5, "429"),
                service.status_line(5 * CHUNK),
                put(5, ok),
                put(6, ok),
                put(7, ok),
                put(8, "201"),
            ]
        );

        // Retry-After: 1 (a 503) and 0.5 (a 429, decimal seconds) were waited out, and not much longer.
        let seen = graph.upload_seen();
        let wait_after = |n: u64| {
            let range = format!("bytes {}-{}/{total}", n * CHUNK, (n + 1) * CHUNK - 1);
            let at = seen.iter().position(|s| s.header("content-range") == Some(range.as_str())).unwrap();
            seen[at + 1].at - seen[at].at
        };
        assert!(wait_after(4) >= Duration::from_millis(1000) && wait_after(4) < Duration::from_millis(2500), "{:?}", wait_after(4));
        assert!(wait_after(5) >= Duration::from_millis(500) && wait_after(5) < Duration::from_millis(2000), "{:?}", wait_after(5));

        // Progress is what the server confirmed, in order, up to the whole file.
        let progress = progress.lock().unwrap().clone();
        assert!(progress.windows(2).all(|w| w[0].confirmed < w[1].confirmed), "{progress:?}");
        assert_eq!(progress.last(), Some(&UploadProgress { confirmed: total, total }));
        assert!(progress.iter().all(|p| p.total == total && (p.confirmed % CHUNK == 0 || p.confirmed == total)), "{progress:?}");

        // Outlook wants the content type; nobody at the upload host ever saw the token.
        assert!(seen.iter().filter(|s| s.method == "PUT").all(|s| s.header("content-type") == Some("application/octet-stream")));
        assert!(graph.authorized_uploads().is_empty(), "the upload URL must never see a token: {:?}", graph.authorized_uploads());
        assert!(seen.iter().all(|s| s.target.ends_with(&format!("?tempauth={UPLOAD_SECRET}"))));
        assert!(graph.api_seen().iter().all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}")[..])));
    })
    .await
}

#[tokio::test]
async fn an_outlook_attachment_upload_survives_every_fault() {
    every_fault(Service::Outlook).await
}

#[tokio::test]
async fn a_onedrive_upload_survives_every_fault() {
    every_fault(Service::OneDrive).await
}

/// Runs an upload whose chunk at `at` meets `fault`, and returns its error.
async fn failing(service: Service, at: u64, fault: Fault) -> (Graph, Error) {
    let graph = Graph::start().await;
    let data = test_bytes(4 * KIB_320 + 10);
    graph.fail_chunk(at, fault, 1);
    let error = upload(&graph, service, &data, Arc::default()).await.unwrap_err();
    assert_eq!(stored(&graph, service), None, "{service:?}: nothing may be created after {fault:?}");
    (graph, error)
}

#[tokio::test]
async fn a_session_gone_mid_upload_says_to_start_over() {
    bounded(async {
        for service in [Service::Outlook, Service::OneDrive] {
            let (graph, error) = failing(service, 2 * CHUNK, Fault::SessionGone).await;
            assert!(matches!(error, Error::UploadSessionNotFound), "{service:?}: {error:?}");
            assert!(error.to_string().contains("start the upload over"), "{error}");
            assert_eq!(
                graph.upload_log().last().map(String::as_str),
                Some(&format!("PUT {}-{}/{} -> 404", 2 * CHUNK, 3 * CHUNK - 1, 4 * CHUNK + 10)[..])
            );
        }
    })
    .await
}

#[tokio::test]
async fn a_server_that_claims_completion_early_fails_the_upload() {
    bounded(async {
        for service in [Service::Outlook, Service::OneDrive] {
            let (graph, error) = failing(service, CHUNK, Fault::CompleteEarly).await;
            let Error::Upload(message) = &error else { panic!("{service:?}: expected an upload error, got {error:?}") };
            assert!(message.contains("were never sent") && message.contains("not complete"), "{message}");
            assert_eq!(graph.upload_log().len(), 2, "{service:?}: nothing sent after the false claim");
        }
    })
    .await
}

#[tokio::test]
async fn a_server_that_asks_for_bytes_past_the_end_fails_the_upload() {
    bounded(async {
        for service in [Service::Outlook, Service::OneDrive] {
            let (_, error) = failing(service, 0, Fault::AskPastEnd).await;
            let Error::Upload(message) = &error else { panic!("{service:?}: expected an upload error, got {error:?}") };
            assert!(message.contains("past") || message.contains("but the file has"), "{message}");
        }
    })
    .await
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_stops_the_upload_with_the_servers_wait() {
    bounded(async {
        for service in [Service::Outlook, Service::OneDrive] {
            let (graph, error) = failing(service, CHUNK, Fault::Throttled { retry_after: "120" }).await;
            let Error::Throttled { status: 429, retry_after, .. } = error else { panic!("{service:?}: expected Throttled, got {error:?}") };
            assert_eq!(retry_after, Duration::from_secs(120));
            assert_eq!(graph.upload_log().len(), 2, "{service:?}: not retried before the server allows");
        }
    })
    .await
}

#[tokio::test]
async fn a_drive_path_keeps_its_slashes_and_encodes_each_segment() {
    bounded(async {
        let graph = Graph::start().await;
        let client = client(&graph.base_url);
        let data = test_bytes(1000);
        let upload_url = open_session(&graph, &client, Service::OneDrive, data.len()).await;
        let item = client.large_file_upload(upload_url).for_item::<DriveItem>().upload_bytes(data.clone()).await.unwrap();
        let fetched = client.me().drive().root().path(DRIVE_PATH).get().await.unwrap();
        assert_eq!((fetched.id, fetched.name.as_deref(), fetched.size), (item.id, Some("big file.bin"), Some(1000)));
        let targets: Vec<String> = graph.api_seen().into_iter().map(|s| s.target).collect();
        assert_eq!(
            targets,
            ["/v1.0/me/drive/root:/Reports/big%20file.bin:/createUploadSession", "/v1.0/me/drive/root:/Reports/big%20file.bin"]
        );
        // A segment may not climb out of the path: URL normalization would send the token elsewhere.
        let error = client.me().drive().root().path("Reports/../../../users/someone").get().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert_eq!(graph.api_seen().len(), 2, "nothing was sent");
    })
    .await
}
