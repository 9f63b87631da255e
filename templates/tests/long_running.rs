//! Long-running actions against loopback services that answer as
//! long-running-actions-overview.md, driveitem-copy.md and team-clone.md say.

mod support;

use graph_runtime::runtime::{Error, Method, OperationState, Request};
use serde_json::json;
use std::time::{Duration, Instant};
use support::scripted::{Answer, Scripted};
use support::{bounded, client, TOKEN};

fn bearer() -> Option<String> {
    Some(format!("Bearer {TOKEN}"))
}

/// team-clone.md: `POST /teams/{id}/clone` answers `202 Accepted` with a
/// `Location` relative to the service root, the team's operation
/// (teamsasyncoperation.md: `status` notStarted, inProgress, succeeded or
/// failed; `targetResourceId` and `targetResourceLocation` once done). The
/// operation is an API resource, read with the token.
#[tokio::test]
async fn a_team_clone_is_polled_on_the_api_until_it_succeeds() {
    bounded(async {
        let server = Scripted::start("127.0.0.1", |request, earlier| {
            if request.header("authorization") != bearer().as_deref() {
                return Answer::json(401, json!({"error": {"code": "InvalidAuthenticationToken", "message": "no token"}}));
            }
            let polls = earlier.iter().filter(|r| r.method == "GET").count();
            match (request.method.as_str(), request.path.as_str()) {
                ("POST", "/v1.0/teams/t1/clone") => Answer::empty(202).header("Location", "/teams('t1')/operations('op1')"),
                ("GET", "/v1.0/teams('t1')/operations('op1')") => {
                    let status = ["notStarted", "inProgress", "succeeded"][polls.min(2)];
                    let mut body = json!({"id": "op1", "operationType": "cloneTeam", "status": status, "attemptsCount": 1});
                    if status == "succeeded" {
                        body["targetResourceId"] = "t2".into();
                        body["targetResourceLocation"] = "/groups('t2')/team".into();
                    }
                    Answer::json(200, body).header("Retry-After", "0")
                }
                _ => Answer::json(404, json!({"error": {"code": "notFound", "message": "no such route"}})),
            }
        })
        .await;
        let client = client(&server.base_url);
        let clone: Request<()> =
            Request::new(Method::Post, "/teams/t1/clone").json(&json!({"displayName": "Copy", "partsToClone": "apps"}));
        let action = client.start_long_running(clone).await.unwrap();
        assert_eq!(action.monitor_url(), Some(format!("{}/teams('t1')/operations('op1')", server.base_url).as_str()));
        let done = action.wait(Duration::from_secs(5)).await.unwrap();
        assert_eq!(done.state(), OperationState::Completed);
        assert_eq!((done.resource_id.as_deref(), done.resource_location.as_deref()), (Some("t2"), Some("/groups('t2')/team")));
        assert_eq!(done.operation.as_deref(), Some("cloneTeam"));
        let received = server.received();
        assert_eq!(received.iter().filter(|r| r.method == "GET").count(), 3, "notStarted, inProgress, succeeded");
        assert!(received.iter().all(|r| r.header("authorization") == bearer().as_deref()), "the operation is on the API: the token goes");
    })
    .await
}

/// long-running-actions-overview.md: a drive copy's monitor is on another host
/// and "does not require authentication"; it answers `202` with
/// `asyncJobStatus` while running and once done. A monitor that reports
/// `failed` ends the wait with that error.
#[tokio::test]
async fn a_failed_copy_is_an_error_and_its_monitor_never_gets_the_token() {
    bounded(async {
        let monitor = Scripted::start("localhost", |_, earlier| match earlier.len() {
            0 => Answer::json(202, json!({"operation": "ItemCopy", "percentageComplete": 10.0, "status": "inProgress"})),
            _ => Answer::json(
                202,
                json!({"operation": "ItemCopy", "status": "failed", "error": {"code": "nameAlreadyExists", "message": "The name is taken."}}),
            ),
        })
        .await;
        let monitor_url = format!("{}/monitor/job-1", monitor.origin);
        let api = Scripted::start("127.0.0.1", move |_, _| Answer::empty(202).header("Location", monitor_url.clone())).await;
        let client = client(&api.base_url);
        let action = client.start_long_running(Request::<()>::new(Method::Post, "/me/drive/items/i1/copy")).await.unwrap();
        let error = action.poll_interval(Duration::from_millis(10)).wait(Duration::from_secs(5)).await.unwrap_err();
        match &error {
            Error::OperationFailed { status, error: Some(graph) } => assert_eq!((status.as_str(), graph.code.as_str()), ("failed", "nameAlreadyExists")),
            other => panic!("expected the failure, got {other:?}"),
        }
        assert!(error.to_string().contains("The name is taken."), "{error}");
        let polls = monitor.received();
        assert_eq!(polls.len(), 2);
        assert!(polls.iter().all(|p| p.header("authorization").is_none()), "the monitor URL is not the API's");
        assert_eq!(api.received()[0].header("authorization"), bearer().as_deref());
    })
    .await
}

#[tokio::test]
async fn the_wait_is_bounded_by_the_timeout_given() {
    bounded(async {
        let monitor = Scripted::start("localhost", |_, _| {
            Answer::json(202, json!({"status": "inProgress", "percentageComplete": 50.0})).header("Retry-After", "1")
        })
        .await;
        let client = client("http://127.0.0.1:9/v1.0");
        let action = client.resume_long_running(format!("{}/monitor/slow", monitor.origin));
        let started = Instant::now();
        let error = action.wait(Duration::from_millis(1500)).await.unwrap_err();
        let elapsed = started.elapsed();
        match &error {
            Error::OperationTimedOut { status, waited } => {
                assert_eq!(status, "inProgress");
                assert!(*waited >= Duration::from_millis(1500), "{waited:?}");
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(elapsed < Duration::from_millis(2500), "took {elapsed:?}");
        assert_eq!(monitor.received().len(), 2, "polled at once and after Retry-After: 1, then the time was up");
    })
    .await
}

#[tokio::test]
async fn an_action_that_finishes_at_once_needs_no_polling() {
    bounded(async {
        let api = Scripted::start("127.0.0.1", |_, _| {
            Answer::json(201, json!({"id": "new-1", "name": "done"})).header("Location", "https://graph.example/v1.0/items/new-1")
        })
        .await;
        let action = client(&api.base_url).start_long_running(Request::<()>::new(Method::Post, "/things/x/copy")).await.unwrap();
        assert_eq!(action.monitor_url(), None);
        let done = action.wait(Duration::from_secs(1)).await.unwrap();
        assert_eq!((done.state(), done.resource_id.as_deref()), (OperationState::Completed, Some("new-1")));
        assert_eq!(done.resource_location.as_deref(), Some("https://graph.example/v1.0/items/new-1"));
        assert_eq!(api.received().len(), 1);
    })
    .await
}

#[tokio::test]
async fn a_202_without_a_location_cannot_be_monitored() {
    bounded(async {
        let api = Scripted::start("127.0.0.1", |_, _| Answer::empty(202)).await;
        let error = client(&api.base_url).start_long_running(Request::<()>::new(Method::Post, "/x/copy")).await.unwrap_err();
        assert!(matches!(&error, Error::Decode { status: 202, message, .. } if message.contains("without a Location")), "{error:?}");
    })
    .await
}
