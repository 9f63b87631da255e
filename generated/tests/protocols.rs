//! `$batch`, delta sync and long-running actions with the generated
//! operations, against the fake Graph on loopback (`fake_graph/protocols.rs`
//! says which page each answer follows). The delta round that resumes in
//! another process is in `examples.rs` (`sync_mail_folder`).
#![cfg(all(feature = "test-server", feature = "outlook", feature = "sharepoint"))]

mod fake_graph;

use fake_graph::{base64_encode, bounded, client, Graph, FILE_ATTACHMENT, TOKEN};
use graph_client::runtime::{BatchHandle, OperationState, RemovalReason, TryStreamExt};
use graph_client::types::{Attachment, DriveItem, DriveItemCopyRequest, File, ItemReference};
use graph_client::{operations, Batch, Change, DeltaCursor, Error};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

fn file_attachment(name: &str, content: &[u8]) -> Attachment {
    let extra = json!({"@odata.type": FILE_ATTACHMENT, "contentBytes": base64_encode(content)});
    Attachment { name: Some(name.to_owned()), additional_properties: extra.as_object().unwrap().clone(), ..Default::default() }
}

#[tokio::test]
async fn forty_five_requests_go_in_three_batches_and_only_the_two_throttled_items_are_resent() {
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("m1");
        graph.add_message("m2");
        let ids: Vec<String> = (1..=40).map(|i| graph.add_attachment("m1", &format!("file-{i}.txt"), FILE_ATTACHMENT)).collect();
        let doomed = graph.add_attachment("m2", "old.txt", FILE_ATTACHMENT);
        // Items 7 and 23 are throttled once each, with different waits.
        graph.throttle("GET", &format!("/attachments/{}", ids[6]), 1, "1");
        graph.throttle("GET", &format!("/attachments/{}", ids[22]), 1, "2");
        let client = client(&graph.base_url);

        let mut batch = Batch::new();
        let gets: Vec<BatchHandle<Attachment>> =
            ids.iter().map(|id| batch.add(operations::me().messages().by_id("m1").attachments().by_id(id).get())).collect();
        let created = batch.add(operations::me().messages().by_id("m1").attachments().create(&file_attachment("late.txt", b"late")));
        // Listed only once the new attachment exists.
        let listed = batch.add_after(operations::me().messages().by_id("m1").attachments().list().top(100), &created);
        let missing = batch.add(operations::me().messages().by_id("m1").attachments().by_id("no-such-attachment").get());
        let deleted = batch.add(operations::me().messages().by_id("m2").attachments().by_id(&doomed).delete());
        let content = batch.add(operations::me().messages().by_id("m1").attachments().by_id(&ids[0]).get_value());
        assert_eq!(batch.len(), 45);
        let results = client.send_batch(&batch).await.unwrap();

        // Every handle yields its typed result.
        for (i, handle) in gets.iter().enumerate() {
            let attachment = results.get(handle).unwrap();
            assert_eq!(attachment.name, Some(format!("file-{}.txt", i + 1)));
            assert_eq!(results.response(handle).unwrap().status, 200);
        }
        let created = results.get(&created).unwrap();
        assert_eq!((created.name.as_deref(), created.size), (Some("late.txt"), Some(4)));
        let page = results.get(&listed).unwrap();
        assert_eq!(page.value.len(), 41);
        assert_eq!(page.value.last().unwrap().name.as_deref(), Some("late.txt"), "the dependent list ran after the create");
        match results.get(&missing) {
            Err(Error::Api { status: 404, error }) => assert_eq!(error.code, "ErrorItemNotFound"),
            other => panic!("the missing attachment is that item's own error, got {other:?}"),
        }
        results.get(&deleted).unwrap();
        assert!(graph.attachments("m2").is_empty());
        // Content answers with a redirect, which a batch does not follow.
        let redirect = results.response(&content).unwrap();
        assert_eq!(redirect.status, 302);
        assert!(redirect.header("location").is_some_and(|l| l.starts_with(&graph.upload_origin)), "{redirect:?}");

        // Three batches, each throttled item resent once after its own wait, nothing else resent.
        let batches = graph.batches();
        let sent: Vec<Vec<String>> = batches.iter().map(|b| b.items.iter().map(|i| i.id.clone()).collect()).collect();
        let range = |from: usize, to: usize| (from..=to).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(sent, [range(1, 20), vec!["7".to_owned()], range(21, 40), vec!["23".to_owned()], range(41, 45)]);
        assert_eq!(batches.iter().map(|b| b.status).collect::<Vec<_>>(), [424, 200, 424, 200, 200], "throttling.md: 424 for the batch");
        assert_eq!(batches[0].items[6].status, 429);
        assert_eq!(batches[2].items[2].status, 429);
        assert!(batches[1].at - batches[0].at >= Duration::from_millis(950), "item 7 waited {:?}", batches[1].at - batches[0].at);
        assert!(batches[3].at - batches[2].at >= Duration::from_millis(1950), "item 23 waited {:?}", batches[3].at - batches[2].at);
        let mut times_sent: BTreeMap<String, usize> = BTreeMap::new();
        for id in sent.iter().flatten() {
            *times_sent.entry(id.clone()).or_default() += 1;
        }
        assert!(times_sent.iter().all(|(id, &n)| n == if id == "7" || id == "23" { 2 } else { 1 }), "{times_sent:?}");
        assert_eq!(batches[4].items[1].depends_on, ["41"]);
        assert_eq!(batches[4].items[1].url, "/me/messages/m1/attachments?$top=100");
        assert_eq!(results.requests_sent(), 5);

        let posts = graph.api_seen();
        assert!(posts.iter().all(|p| p.target == "/v1.0/$batch" && p.authorization == Some(format!("Bearer {TOKEN}"))));
        assert_eq!(posts.len(), 5);
    })
    .await
}

#[tokio::test]
async fn drive_changes_from_now_with_a_removed_item_then_a_resync() {
    bounded(async {
        let graph = Graph::start().await;
        graph.put_drive_item("a", json!({"name": "a.txt", "size": 3, "file": {"mimeType": "text/plain"}}));
        graph.put_drive_item("b", json!({"name": "old", "folder": {"childCount": 0}}));
        let client = client(&graph.base_url);

        // token=latest: no current items, only where the next round starts.
        let now: Vec<Change<DriveItem>> =
            client.delta_changes(operations::me().drive().root().delta(Some("latest"))).try_collect().await.unwrap();
        let [Change::Synced(cursor)] = &now[..] else { panic!("expected only a cursor, got {now:?}") };
        assert_eq!(graph.api_seen()[0].target, "/v1.0/me/drive/root/delta(token='latest')");

        graph.put_drive_item("c", json!({"name": "new.txt", "size": 5, "file": {"mimeType": "text/plain"}}));
        graph.remove_drive_item("b");
        let changes: Vec<Change<DriveItem>> = client.delta_changes(cursor.request()).try_collect().await.unwrap();
        assert_eq!(changes.len(), 3, "{changes:?}");
        let Change::Removed(removed) = &changes[0] else { panic!("{changes:?}") };
        assert_eq!((removed.id.as_str(), &removed.reason), ("b", &Some(RemovalReason::Deleted)), "the deleted facet is a removal");
        let Change::Updated(item) = &changes[1] else { panic!("{changes:?}") };
        assert_eq!((item.id.as_deref(), item.name.as_deref(), item.size), (Some("c"), Some("new.txt"), Some(5)));
        assert_eq!(item.file, Some(File { mime_type: Some("text/plain".into()), ..Default::default() }));
        let Change::Synced(next) = &changes[2] else { panic!("{changes:?}") };

        graph.expire_delta_tokens();
        let error = client.delta_changes(next.request()).try_collect::<Vec<_>>().await.unwrap_err();
        let Error::ResyncRequired { status: 410, error: graph_error, restart_link: Some(restart) } = &error else {
            panic!("expected a resync error, got {error:?}")
        };
        assert_eq!(graph_error.code, "resyncChangesApplyDifferences");
        let all: Vec<Change<DriveItem>> =
            client.delta_changes(DeltaCursor::<DriveItem>::from_link(restart.clone()).request()).try_collect().await.unwrap();
        let names: Vec<_> = all.iter().filter_map(|c| if let Change::Updated(i) = c { i.name.clone() } else { None }).collect();
        assert_eq!(names, ["a.txt", "new.txt"], "a full enumeration from the restart link");
    })
    .await
}

#[tokio::test]
async fn a_drive_copy_answers_202_and_completes_after_two_polls() {
    bounded(async {
        let graph = Graph::start().await;
        let monitor_origin = graph.start_monitor_host().await;
        graph.put_drive_item("src", json!({"name": "budget.xlsx", "size": 48213, "file": {}}));
        let client = client(&graph.base_url);

        let body = DriveItemCopyRequest {
            parent_reference: Some(ItemReference { drive_id: Some("d1".into()), id: Some("archive".into()), ..Default::default() }),
            name: Some("budget (archive).xlsx".into()),
            ..Default::default()
        };
        let copy = client.me().drive().items().by_id("src").copy(&body).await.unwrap();
        assert!(copy.monitor_url().is_some_and(|url| url.starts_with(&monitor_origin)), "{copy:?}");
        let done = copy.poll_interval(Duration::from_millis(300)).wait(Duration::from_secs(10)).await.unwrap();

        assert_eq!(done.state(), OperationState::Completed);
        assert_eq!(done.percentage_complete, Some(100.0));
        let new_id = done.resource_id.clone().expect("the created item's id");
        let created = graph.drive_item(&new_id).expect("the copy exists");
        assert_eq!(created["name"], "budget (archive).xlsx");
        assert_eq!(created["parentReference"], json!({"driveId": "d1", "id": "archive"}));

        let polls = graph.monitor_seen();
        assert_eq!(polls.iter().map(|p| p.status).collect::<Vec<_>>(), [202, 202], "inProgress, then completed");
        assert!(polls[1].at - polls[0].at >= Duration::from_millis(290), "polled again after {:?}", polls[1].at - polls[0].at);
        assert!(polls.iter().all(|p| p.authorization.is_none()), "the monitor is not the API: no token");
        let api = graph.api_seen();
        assert_eq!((api.len(), api[0].method.as_str(), api[0].status), (1, "POST", 202));
        assert_eq!(api[0].json(), json!({"parentReference": {"driveId": "d1", "id": "archive"}, "name": "budget (archive).xlsx"}));
        assert_eq!(api[0].authorization, Some(format!("Bearer {TOKEN}")));
    })
    .await
}
