//! What a user writes: a PATCH in three states (left out, `null`, a value),
//! typed dates and GUIDs and base64 read from the wire, the member constants
//! `$select` and `$orderby` take, and the error that names a value that does
//! not read as its type (with the `scalars` feature, which reads them).
#![cfg(all(feature = "files", feature = "outlook"))]

use graph_client::runtime::Body;
use graph_client::types::{Attachment, DriveItem};
use graph_client::{operations, Patch};

fn sent(body: &Body) -> &str {
    match body {
        Body::Json(bytes) => std::str::from_utf8(bytes).unwrap(),
        other => panic!("not a JSON body: {other:?}"),
    }
}

#[test]
fn a_patch_clears_one_member_sets_another_and_sends_nothing_for_the_rest() {
    let patch = Patch::new(DriveItem { size: Some(1), ..Default::default() }).clear(DriveItem::DESCRIPTION);
    let request = operations::me().drive().items().by_id("item-1").update(&patch);
    assert_eq!(sent(request.body()), r#"{"description":null,"size":1}"#);

    // The plain struct is still a body: what it leaves out is not sent at all.
    let request = operations::me().drive().items().by_id("item-1").update(&DriveItem { size: Some(1), ..Default::default() });
    assert_eq!(sent(request.body()), r#"{"size":1}"#);
    assert_eq!(request.path(), "/me/drive/items/item-1");
}

#[cfg(feature = "scalars")]
#[test]
fn typed_scalars_read_and_write_the_forms_of_the_examples() {
    use graph_client::runtime::Timestamp;
    use graph_client::types::FileAttachment;
    // From api/message-list-attachments.md and resources/fileattachment.md: a
    // timestamp with seven fractional digits and base64 content.
    let json = r##"{"@odata.type": "#microsoft.graph.fileAttachment", "lastModifiedDateTime": "2024-04-02T08:15:27.0000000Z",
        "contentBytes": "UXVhcnRlcmx5IGNoZWNrbGlzdCBkcmFmdA=="}"##;
    let file: FileAttachment = serde_json::from_str(json).unwrap();
    let at: Timestamp = "2024-04-02T08:15:27Z".parse().unwrap();
    assert_eq!(file.last_modified_date_time, Some(at));
    assert_eq!(file.content_bytes.as_deref(), Some(b"Quarterly checklist draft".as_slice()));
    let back = serde_json::to_value(&file).unwrap();
    assert_eq!(back["lastModifiedDateTime"], "2024-04-02T08:15:27Z", "the same instant, sent as RFC 3339 in UTC");
    assert_eq!(back["contentBytes"], "UXVhcnRlcmx5IGNoZWNrbGlzdCBkcmFmdA==");
}

#[test]
fn select_and_order_by_take_the_member_constants_of_what_the_request_returns() {
    let request =
        operations::me().messages().by_id("m-1").attachments().list().select(&[Attachment::NAME, Attachment::SIZE]).order_by(&[Attachment::SIZE.desc()]);
    assert_eq!(
        request.url("https://graph.example/v1.0"),
        "https://graph.example/v1.0/me/messages/m-1/attachments?$select=name,size&$orderby=size%20desc"
    );
    // Free strings stay possible, for members the docs do not list.
    let request = operations::me().messages().by_id("m-1").attachments().list().select(&["name", "extension_x"]);
    assert!(request.url("https://graph.example/v1.0").ends_with("?$select=name,extension_x"));
    assert_eq!(Attachment::LAST_MODIFIED_DATE_TIME.name(), "lastModifiedDateTime");
}

#[cfg(feature = "test-server")]
mod on_the_wire {
    use super::*;
    use graph_client::runtime::test_server::{Answer, FakeGraph};

    /// A fake Graph answering `PATCH /me/drive/items/{id}` as
    /// api/driveitem-update.md says the service does (`200 OK` and the updated
    /// driveItem), with the `lastModifiedDateTime` of `modified` written as
    /// given (so a malformed one reaches the client as the service sent it).
    async fn drive(modified: &'static str) -> FakeGraph {
        let graph = FakeGraph::start().await;
        graph.on(&operations::me().drive().items().by_id("any").update(&DriveItem::default())).answer_with(move |sent| {
            let id = sent.path().rsplit('/').next().unwrap_or_default().to_owned();
            Answer::json(200, &serde_json::json!({"id": id, "name": "Quarterly summary (final).pdf", "lastModifiedDateTime": modified}))
        });
        graph
    }

    #[tokio::test]
    async fn the_patch_goes_out_as_written_and_the_answer_is_typed() {
        let graph = drive("2024-05-20T16:03:11Z").await;
        let patch = Patch::new(DriveItem { name: Some("Quarterly summary (final).pdf".into()), ..Default::default() })
            .clear(DriveItem::DESCRIPTION);
        let item = graph.client().me().drive().items().by_id("01QZ7").update(&patch).await.unwrap();
        let bodies: Vec<String> = graph.received().iter().map(|r| String::from_utf8(r.body.clone()).unwrap()).collect();
        assert_eq!(bodies, [r#"{"description":null,"name":"Quarterly summary (final).pdf"}"#]);
        assert_eq!(item.id.as_deref(), Some("01QZ7"));
        assert_eq!(item.last_modified_date_time.map(|t| t.to_string()).as_deref(), Some("2024-05-20T16:03:11Z"));
    }

    #[cfg(feature = "scalars")]
    #[tokio::test]
    async fn a_date_that_does_not_read_names_its_member() {
        use graph_client::Error;
        let graph = drive("2024-05-20T16:03:11").await;
        let error = graph.client().me().drive().items().by_id("01QZ7").update(&DriveItem::default()).await.unwrap_err();
        let Error::Decode { status, path, .. } = &error else { panic!("{error}") };
        assert_eq!((*status, path.as_deref()), (200, Some("$.lastModifiedDateTime")));
        assert!(error.to_string().contains("at `$.lastModifiedDateTime`"), "{error}");
        // The raw JSON stays readable.
        let raw = operations::me().drive().items().by_id("01QZ7").update(&DriveItem::default()).with_response::<serde_json::Value>();
        assert_eq!(graph.client().send(raw).await.unwrap()["lastModifiedDateTime"], "2024-05-20T16:03:11");
    }
}
