//! The examples as a user runs them, against the fake Graph on loopback
//! (`fake_graph`) with faults injected: a chunk cut off mid-body, a lost
//! answer, a 503 and 429s, an upload killed part-way and resumed by a new
//! process, and a delta round resumed in a new process from the cursor file
//! the previous round saved, then a token that expired. The examples are built once with `cargo build --examples` from this
//! crate's directory (a no-op when `cargo test` has already built them) and
//! their binaries are run with a deadline.
#![cfg(all(feature = "test-server", feature = "outlook"))]

mod fake_graph;

use fake_graph::{bounded, client, Fault, Graph, FILE_ATTACHMENT, TOKEN, UPLOAD_SECRET};
use graph_client::runtime::test_server::{assert_same_content, test_bytes};
use graph_client::runtime::upload::DEFAULT_CHUNK_SIZE;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::sync::OnceCell;

/// Variables that cargo sets for a test binary it runs. They must not reach the
/// nested cargo: build scripts that watch them (ring's watches
/// `CARGO_MANIFEST_DIR`, `CARGO_PKG_NAME`, ...) would see them change and
/// rebuild half the dependency tree, and the outer `cargo test` again after it.
fn set_by_cargo_for_tests(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    NAMES.contains(&name) || name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_BIN_EXE_")
}

/// The example binaries, by example name.
static EXAMPLES: OnceCell<Result<Vec<(String, PathBuf)>, String>> = OnceCell::const_new();

/// Builds the examples once per test binary; the paths come from cargo's JSON messages.
async fn example(name: &str) -> PathBuf {
    let built = EXAMPLES
        .get_or_init(|| async {
            let mut build = tokio::process::Command::new(env!("CARGO"));
            for (name, _) in std::env::vars_os() {
                if name.to_str().is_some_and(set_by_cargo_for_tests) {
                    build.env_remove(name);
                }
            }
            let build = build
                .args(["build", "--quiet", "--examples", "--message-format=json"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .stdin(Stdio::null())
                .kill_on_drop(true)
                .output();
            let output = match tokio::time::timeout(Duration::from_secs(300), build).await {
                Ok(output) => output.map_err(|e| format!("cannot run cargo: {e}"))?,
                Err(_) => return Err("`cargo build --examples` ran for more than 300 s".to_owned()),
            };
            if !output.status.success() {
                return Err(format!("`cargo build --examples` failed:\n{}", String::from_utf8_lossy(&output.stderr)));
            }
            let mut binaries = Vec::new();
            for line in String::from_utf8_lossy(&output.stdout).lines() {
                let message: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
                let is_example = message["target"]["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "example"));
                if let (true, Some(name), Some(path)) = (is_example, message["target"]["name"].as_str(), message["executable"].as_str()) {
                    binaries.push((name.to_owned(), PathBuf::from(path)));
                }
            }
            Ok(binaries)
        })
        .await
        .as_ref()
        .unwrap_or_else(|error| panic!("{error}"));
    built.iter().find(|(n, _)| n == name).map(|(_, path)| path.clone()).unwrap_or_else(|| panic!("no example {name} in {built:?}"))
}

struct Run {
    success: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }
}

/// Runs an example binary to completion, for at most 15 seconds.
async fn run(binary: &Path, args: &[&str]) -> Run {
    let child = tokio::process::Command::new(binary)
        .args(args)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(15), child)
        .await
        .unwrap_or_else(|_| panic!("{} {args:?} ran for more than 15 s", binary.display()))
        .expect("the example starts");
    Run {
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A scratch file under cargo's per-target temporary directory.
fn scratch_file(name: &str, data: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("examples-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path
}

#[tokio::test]
async fn upload_attachment_survives_faults_and_prints_the_location() {
    let binary = example("upload_attachment").await;
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("AAMkAD=msg/1");
        // Three chunks at the default 3.75 MiB: the second is cut off mid-body,
        // the third gets a 503, and createUploadSession itself a 429 first.
        let data = test_bytes(8 * 1024 * 1024 + 4321);
        let file = scratch_file("quarterly report.bin", &data);
        let chunk = DEFAULT_CHUNK_SIZE as u64;
        graph.throttle("POST", "/createUploadSession", 1, "1");
        graph.fail_chunk(chunk, Fault::DropMidBody, 1);
        graph.fail_chunk(chunk, Fault::LoseAnswer, 1);
        graph.fail_chunk(2 * chunk, Fault::Unavailable { retry_after: "1" }, 1);
        graph.fail_chunk(0, Fault::AlreadyReceived, 1);

        let args = ["--base-url", &graph.base_url, "--token", TOKEN, "--message-id", "AAMkAD=msg/1", "--file", file.to_str().unwrap()];
        let run = run(&binary, &args).await;
        std::fs::remove_file(&file).unwrap();
        assert!(run.success, "exit {:?}\nstdout:\n{}\nstderr:\n{}", run.code, run.stdout, run.stderr);

        // The last line is the Location the upload host answered with.
        let locations = graph.upload_locations();
        assert_eq!(locations.len(), 1, "one upload completed");
        assert_eq!(run.last_line(), locations[0], "stdout:\n{}", run.stdout);

        // The server holds the file byte for byte, under the file's name.
        let stored = graph.attachments("AAMkAD=msg/1");
        assert_eq!(stored.len(), 1);
        assert_same_content(&stored[0].bytes, &data);
        assert_eq!(stored[0].meta["name"], "quarterly report.bin");
        assert_eq!(stored[0].meta["@odata.type"], FILE_ATTACHMENT);
        assert!(locations[0].ends_with(&format!("/attachments/{}", stored[0].id())));

        // createUploadSession: the 429 was waited out, the generated body was sent with the token.
        let api = graph.api_seen();
        let answered: Vec<(&str, &str, u16)> = api.iter().map(|s| (s.method.as_str(), s.target.as_str(), s.status)).collect();
        let target = "/v1.0/me/messages/AAMkAD=msg%2F1/attachments/createUploadSession";
        assert_eq!(answered, [("POST", target, 429), ("POST", target, 201)]);
        assert!(api[1].at - api[0].at >= Duration::from_millis(950), "Retry-After: 1 was not honoured");
        assert_eq!(
            api[1].json(),
            serde_json::json!({"AttachmentItem": {"attachmentType": "file", "name": "quarterly report.bin", "size": data.len()}})
        );
        assert!(api.iter().all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))));

        // The chunks, with the faults and the resumes after them.
        let total = data.len() as u64;
        let put = |start: u64, end: u64, outcome: &str| format!("PUT {start}-{end}/{total} -> {outcome}");
        assert_eq!(
            graph.upload_log(),
            [
                // 416: the session already had the fragment; it says where to go on.
                put(0, chunk - 1, "416"),
                format!("GET -> 200 [{chunk}]"),
                put(chunk, 2 * chunk - 1, "dropped"),
                format!("GET -> 200 [{chunk}]"),
                // Stored, but the answer was lost: the session says so, nothing is sent twice.
                put(chunk, 2 * chunk - 1, "answer lost"),
                format!("GET -> 200 [{}]", 2 * chunk),
                put(2 * chunk, total - 1, "503"),
                format!("GET -> 200 [{}]", 2 * chunk),
                put(2 * chunk, total - 1, "201"),
            ]
        );
        assert!(graph.authorized_uploads().is_empty(), "the upload URL must never see the token: {:?}", graph.authorized_uploads());
        let printed = format!("{}{}", run.stdout, run.stderr);
        assert!(!printed.contains(UPLOAD_SECRET) && !printed.contains(TOKEN), "a credential was printed:\n{printed}");
    })
    .await
}

#[cfg(all(feature = "files", feature = "sharepoint"))]
#[tokio::test]
async fn upload_drive_item_survives_faults_and_prints_the_new_items_id() {
    let binary = example("upload_drive_item").await;
    bounded(async {
        let graph = Graph::start().await;
        // Three chunks at the default 3.75 MiB: the first answer is lost after the
        // chunk was stored, the second chunk is cut off, then throttled (decimal Retry-After).
        let data = test_bytes(8 * 1024 * 1024 + 777);
        let file = scratch_file("q1.bin", &data);
        let chunk = DEFAULT_CHUNK_SIZE as u64;
        graph.fail_chunk(0, Fault::LoseAnswer, 1);
        graph.fail_chunk(chunk, Fault::DropMidBody, 1);
        graph.fail_chunk(chunk, Fault::Throttled { retry_after: "0.5" }, 1);

        let args = ["--base-url", &graph.base_url, "--token", TOKEN, "--path", "Reports/Q1 summary.bin", "--file", file.to_str().unwrap()];
        let run = run(&binary, &args).await;
        std::fs::remove_file(&file).unwrap();
        assert!(run.success, "exit {:?}\nstdout:\n{}\nstderr:\n{}", run.code, run.stdout, run.stderr);

        let stored = graph.drive_file("Reports/Q1 summary.bin").expect("the file was created at its path");
        assert_same_content(&stored.bytes, &data);
        assert_eq!(run.last_line(), stored.meta["id"], "the last line is the new item's id; stdout:\n{}", run.stdout);

        let api = graph.api_seen();
        assert_eq!(api.len(), 1);
        assert_eq!(api[0].target, "/v1.0/me/drive/root:/Reports/Q1%20summary.bin:/createUploadSession");
        assert_eq!(api[0].json(), serde_json::json!({"item": {"@microsoft.graph.conflictBehavior": "replace"}}));
        assert_eq!(api[0].authorization.as_deref(), Some(&format!("Bearer {TOKEN}")[..]));

        let total = data.len() as u64;
        let put = |start: u64, end: u64, outcome: &str| format!("PUT {start}-{end}/{total} -> {outcome}");
        assert_eq!(
            graph.upload_log(),
            [
                put(0, chunk - 1, "answer lost"),
                format!("GET -> 200 [{chunk}-]"),
                put(chunk, 2 * chunk - 1, "dropped"),
                format!("GET -> 200 [{chunk}-]"),
                put(chunk, 2 * chunk - 1, "429"),
                format!("GET -> 200 [{chunk}-]"),
                put(chunk, 2 * chunk - 1, "202"),
                put(2 * chunk, total - 1, "201"),
            ]
        );
        assert!(graph.authorized_uploads().is_empty(), "the upload URL must never see the token: {:?}", graph.authorized_uploads());
        let printed = format!("{}{}", run.stdout, run.stderr);
        assert!(!printed.contains(UPLOAD_SECRET) && !printed.contains(TOKEN), "a credential was printed:\n{printed}");
    })
    .await
}

#[cfg(all(feature = "files", feature = "sharepoint"))]
#[tokio::test]
async fn an_upload_killed_part_way_is_finished_by_a_new_process_from_its_saved_state() {
    let binary = example("upload_drive_item").await;
    bounded(async {
        let graph = Graph::start().await;
        let data = test_bytes(8 * 1024 * 1024 + 4242);
        let file = scratch_file("killed.bin", &data);
        let state = file.with_extension("state.json");
        let _ = std::fs::remove_file(&state);
        let chunk = DEFAULT_CHUNK_SIZE as u64;
        // The second chunk is stored, then the session never answers: the process hangs there.
        graph.fail_chunk(chunk, Fault::Stall, 1);
        let args = [
            "--base-url",
            &graph.base_url,
            "--token",
            TOKEN,
            "--path",
            "Backups/killed.bin",
            "--file",
            file.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ];

        let mut first = tokio::process::Command::new(&binary)
            .args(args)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        while graph.bytes_received() < 2 * chunk as usize {
            assert!(first.try_wait().unwrap().is_none(), "the first process ended before it was killed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        first.kill().await.unwrap();
        let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&state).expect("the state was saved")).unwrap();
        assert_eq!(saved["fileSize"], data.len());
        assert_eq!(graph.drive_file("Backups/killed.bin").map(|f| f.bytes.len()), None, "not complete yet");

        let second = run(&binary, &args).await;
        std::fs::remove_file(&file).unwrap();
        assert!(second.success, "exit {:?}\nstdout:\n{}\nstderr:\n{}", second.code, second.stdout, second.stderr);
        let stored = graph.drive_file("Backups/killed.bin").expect("the file was created");
        assert_same_content(&stored.bytes, &data);
        assert_eq!(second.last_line(), stored.meta["id"]);
        assert!(!state.exists(), "the state file is removed once the upload is done");

        // One session in all; the new process asked it where to go on and sent only the rest.
        assert_eq!(graph.api_seen().len(), 1, "the second process did not open another session");
        let total = data.len() as u64;
        let log = graph.upload_log();
        assert_eq!(
            log[log.len() - 2..],
            [format!("GET -> 200 [{}-]", 2 * chunk), format!("PUT {}-{}/{total} -> 201", 2 * chunk, total - 1)],
            "{log:?}"
        );
        assert!(graph.authorized_uploads().is_empty());
    })
    .await
}

#[tokio::test]
async fn list_attachments_prints_every_name_across_three_pages() {
    let binary = example("list_attachments").await;
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("m1");
        let names = ["agenda.docx", "budget.xlsx", "Résumé.pdf", "photo.png", "link to spec", "notes.txt", "forwarded mail"];
        for (i, name) in names.iter().enumerate() {
            let kind = match i {
                4 => "#microsoft.graph.referenceAttachment",
                6 => "#microsoft.graph.itemAttachment",
                _ => FILE_ATTACHMENT,
            };
            graph.add_attachment("m1", name, kind);
        }
        graph.set_page_size(3);
        graph.throttle("GET", "$skiptoken=3", 1, "1");

        let run = run(&binary, &["--base-url", &graph.base_url, "--token", TOKEN, "--message-id", "m1"]).await;
        assert!(run.success, "exit {:?}\nstdout:\n{}\nstderr:\n{}", run.code, run.stdout, run.stderr);
        assert_eq!(run.stdout.lines().collect::<Vec<_>>(), names, "stderr:\n{}", run.stderr);

        let answered: Vec<(String, u16)> = graph.api_seen().iter().map(|s| (s.target.clone(), s.status)).collect();
        let page = |query: &str| format!("/v1.0/me/messages/m1/attachments{query}");
        assert_eq!(answered, [(page(""), 200), (page("?$skiptoken=3"), 429), (page("?$skiptoken=3"), 200), (page("?$skiptoken=6"), 200)]);
        assert!(graph.api_seen().iter().all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))));
    })
    .await
}

#[tokio::test]
async fn the_examples_fail_with_a_clear_message() {
    let upload = example("upload_attachment").await;
    let list = example("list_attachments").await;
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("m1");

        let run1 = run(&upload, &["--base-url", &graph.base_url, "--token", TOKEN, "--message-id", "m1"]).await;
        assert_eq!(run1.code, Some(2), "{}", run1.stderr);
        assert!(run1.stderr.contains("--file <FILE>") && run1.stderr.contains("Usage: upload_attachment"), "{}", run1.stderr);

        let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-file.bin");
        let args = ["--base-url", &graph.base_url, "--token", TOKEN, "--message-id", "m1", "--file", missing.to_str().unwrap()];
        let run2 = run(&upload, &args).await;
        assert_eq!(run2.code, Some(1), "{}", run2.stderr);
        assert!(run2.stderr.contains("cannot open") && run2.stderr.contains("no-such-file.bin"), "{}", run2.stderr);
        assert!(graph.api_seen().is_empty(), "nothing is sent for a file that cannot be read");

        let run3 = run(&list, &["--base-url", &graph.base_url, "--token", TOKEN, "--message-id", "no-such-message"]).await;
        assert_eq!(run3.code, Some(1), "{}", run3.stderr);
        assert_eq!(run3.stdout, "");
        assert!(run3.stderr.contains("404") && run3.stderr.contains("ErrorItemNotFound"), "{}", run3.stderr);
        let request_id = &graph.api_seen()[0].request_id;
        assert!(run3.stderr.contains(&format!("[request-id {request_id}]")), "{}", run3.stderr);

        #[cfg(all(feature = "files", feature = "sharepoint"))]
        {
            let drive = example("upload_drive_item").await;
            let run5 = run(&drive, &["--base-url", &graph.base_url, "--token", TOKEN, "--file", missing.to_str().unwrap()]).await;
            assert_eq!(run5.code, Some(2), "{}", run5.stderr);
            assert!(run5.stderr.contains("--path <PATH>") && run5.stderr.contains("Usage: upload_drive_item"), "{}", run5.stderr);
            let args = ["--base-url", &graph.base_url, "--token", TOKEN, "--path", "a/b.bin", "--file", missing.to_str().unwrap()];
            let run6 = run(&drive, &args).await;
            assert_eq!(run6.code, Some(1), "{}", run6.stderr);
            assert!(run6.stderr.starts_with("upload_drive_item: cannot open") && run6.stderr.contains("no-such-file.bin"), "{}", run6.stderr);
        }

        let run4 = run(&list, &["--base-url", &graph.base_url, "--token", "wrong-token", "--message-id", "m1"]).await;
        assert_eq!(run4.code, Some(1), "{}", run4.stderr);
        assert!(run4.stderr.contains("401") && run4.stderr.contains("InvalidAuthenticationToken"), "{}", run4.stderr);
        assert!(!run4.stderr.contains("wrong-token"), "{}", run4.stderr);
    })
    .await
}

/// A mail folder through four delta rounds: the first two in this process
/// (the second over three pages, one of them empty, with both kinds of
/// removal), the third in a new process from the cursor file, which must get
/// only the later changes, and a fourth after the tokens expired.
#[tokio::test]
async fn sync_mail_folder_resumes_in_a_new_process_from_the_saved_cursor() {
    use graph_client::runtime::{Change, TryStreamExt};
    use graph_client::types::Message;
    use graph_client::{operations, DeltaCursor};

    let binary = example("sync_mail_folder").await;
    bounded(async {
        let graph = Graph::start().await;
        for (id, subject) in [("m1", "Agenda"), ("m2", "Minutes"), ("m3", "Lunch")] {
            graph.put_message("inbox", id, subject, false);
        }
        let client = client(&graph.base_url);
        let first = operations::me().mail_folders().by_id("inbox").messages().delta().prefer("odata.maxpagesize=2");
        let full: Vec<Change<Message>> = client.delta_changes(first).try_collect().await.unwrap();
        assert_eq!(full.len(), 4, "three messages and the cursor: {full:?}");
        let Some(Change::Synced(cursor)) = full.last() else { panic!("{full:?}") };

        graph.put_message("inbox", "m1", "Agenda", true);
        graph.remove_message("inbox", "m2", "deleted");
        graph.remove_message("inbox", "m3", "changed");
        graph.put_message("inbox", "m4", "Offsite", false);
        graph.slip_in_empty_delta_page();
        let before = graph.api_seen().len();
        let round: Vec<Change<Message>> = client.delta_changes(cursor.request().prefer("odata.maxpagesize=2")).try_collect().await.unwrap();
        let shown: Vec<String> = round
            .iter()
            .map(|change| match change {
                Change::Updated(m) => format!("updated {} read={:?}", m.id.as_deref().unwrap_or_default(), m.is_read),
                Change::Removed(r) => format!("removed {} {:?}", r.id, r.reason),
                Change::Synced(_) => "synced".to_owned(),
            })
            .collect();
        assert_eq!(
            shown,
            ["updated m1 read=Some(true)", "removed m2 Some(Deleted)", "removed m3 Some(Changed)", "updated m4 read=Some(false)", "synced"]
        );
        let pages: Vec<_> = graph.api_seen()[before..].to_vec();
        assert_eq!(pages.len(), 3, "three pages: two changes, none (with a nextLink), two changes");
        assert!(pages.iter().all(|p| p.header("prefer") == Some("odata.maxpagesize=2")), "the page size goes with every page");
        let Some(Change::Synced(saved)) = round.last() else { panic!() };
        let cursor_file = scratch_file("inbox.cursor.json", serde_json::to_string(saved).unwrap().as_bytes());

        // Later changes, read by a new process from the saved cursor.
        graph.put_message("inbox", "m4", "Offsite (moved)", false);
        graph.put_message("inbox", "m5", "Welcome", false);
        graph.remove_message("inbox", "m1", "deleted");
        let before = graph.api_seen().len();
        let args =
            ["--base-url", &graph.base_url, "--token", TOKEN, "--folder-id", "inbox", "--cursor-file", cursor_file.to_str().unwrap()];
        let args: Vec<&str> = args.iter().copied().chain(["--page-size", "2"]).collect();
        let second = run(&binary, &args).await;
        assert!(second.success, "exit {:?}\nstdout:\n{}\nstderr:\n{}", second.code, second.stdout, second.stderr);
        assert_eq!(
            second.stdout.lines().collect::<Vec<_>>(),
            ["removed m1 deleted", "updated m4 Offsite (moved)", "updated m5 Welcome", "cursor saved"],
            "only the changes after the saved cursor; stderr:\n{}",
            second.stderr
        );
        let resumed = &graph.api_seen()[before];
        assert_eq!(format!("{}{}", graph.base_url.trim_end_matches("/v1.0"), resumed.target), saved.delta_link());
        let newer: DeltaCursor<Message> = serde_json::from_str(&std::fs::read_to_string(&cursor_file).unwrap()).unwrap();
        assert_ne!(&newer, saved, "the new process saved the next cursor");

        // The tokens expire: a typed resync error, and the cursor file stays as it was.
        graph.expire_delta_tokens();
        let third = run(&binary, &args).await;
        assert_eq!(third.code, Some(3), "stdout:\n{}\nstderr:\n{}", third.stdout, third.stderr);
        assert_eq!(third.stdout, "");
        assert!(third.stderr.contains("410") && third.stderr.contains("syncStateNotFound"), "{}", third.stderr);
        assert!(third.stderr.contains("a full resync is needed") && third.stderr.contains("inbox.cursor.json"), "{}", third.stderr);
        assert_eq!(serde_json::from_str::<DeltaCursor<Message>>(&std::fs::read_to_string(&cursor_file).unwrap()).unwrap(), newer);
        std::fs::remove_file(&cursor_file).unwrap();
    })
    .await
}
