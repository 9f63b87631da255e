//! Long-running actions: a request the service accepts with `202 Accepted`
//! and a `Location` to poll until the work is done (copying a drive item,
//! cloning a team, ...). Only compiled with the `client` feature.
//!
//! ```ignore
//! let copy = client.start_long_running(operations::me().drive().items().by_id("item-id").copy(&body)).await?;
//! let done = copy.wait(Duration::from_secs(300)).await?; // Err(OperationFailed / OperationTimedOut)
//! println!("the copy is {:?}", done.resource_id);
//! ```
//!
//! What the service documents (long-running-actions-overview.md,
//! driveitem-copy.md, team-clone.md) and how this module follows it:
//! - The action answers `202 Accepted` with a `Location`: a monitor URL,
//!   often on another host (drive copies), or a path on the API itself
//!   (`/teams('…')/operations('…')` for a team clone), made absolute against
//!   the base URL. The client's token goes only to URLs below its base URL,
//!   so a monitor elsewhere never gets it (the overview: the monitor "does not
//!   require authentication"); its URL is kept out of `Debug` output.
//! - `GET {monitor}` answers a status report (`asyncJobStatus`:
//!   `status`, `percentageComplete`, `resourceId`; or `teamsAsyncOperation`:
//!   `status`, `targetResourceId`, `targetResourceLocation`, `error`),
//!   `202` while running and `200` or `202` once done. [`LongRunning::wait`]
//!   polls until the status says `completed`/`succeeded` (then the status,
//!   with the created resource's id, is the result) or `failed`
//!   ([`Error::OperationFailed`]), waiting between polls for the answer's
//!   `Retry-After` or else the poll interval (1 s unless set). The whole wait
//!   is bounded by the timeout you give ([`Error::OperationTimedOut`]; the
//!   action goes on, and [`Client::resume_long_running`] can wait again).
//! - A `2xx` other than `202` means the action finished at once: nothing to
//!   poll, the result comes from that answer.

use super::client::{Client, Outgoing};
use super::error::{Error, GraphError};
use super::request::{absolute_link, Body, Method, Request};
use serde::Deserialize;
use std::fmt;
use std::time::{Duration, Instant};

/// How long to wait between polls when the monitor sends no `Retry-After`.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Where an action stands, from `status` of its monitor's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationState {
    NotStarted,
    InProgress,
    /// `completed` (drive items) or `succeeded` (teams).
    Completed,
    /// `failed`, or `deleteFailed`.
    Failed,
    /// Any other status (`waiting`, `updating`, `deletePending`, ...), as
    /// spelled: not finished, polling goes on.
    Other(String),
}

impl From<String> for OperationState {
    fn from(status: String) -> Self {
        let is = |name: &str| status.eq_ignore_ascii_case(name);
        if is("notStarted") {
            OperationState::NotStarted
        } else if is("inProgress") || is("running") {
            OperationState::InProgress
        } else if is("completed") || is("succeeded") {
            OperationState::Completed
        } else if is("failed") || is("deleteFailed") {
            OperationState::Failed
        } else {
            OperationState::Other(status)
        }
    }
}

/// A monitor's status report (`asyncJobStatus` or `teamsAsyncOperation`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OperationStatus {
    /// The report's `status` as the service spelled it; [`OperationStatus::state`] reads it.
    pub status: String,
    #[serde(default, rename = "percentageComplete")]
    pub percentage_complete: Option<f64>,
    /// The created or changed resource (`resourceId`, `targetResourceId`).
    #[serde(default, rename = "resourceId", alias = "targetResourceId")]
    pub resource_id: Option<String>,
    /// Its location (`targetResourceLocation`, or a synchronous answer's `Location`).
    #[serde(default, rename = "targetResourceLocation", alias = "resourceLocation")]
    pub resource_location: Option<String>,
    /// What the action is (`operation`: `ItemCopy`; `operationType`: `cloneTeam`).
    #[serde(default, alias = "operationType")]
    pub operation: Option<String>,
    /// Why it failed, when it did and the service says.
    #[serde(default)]
    pub error: Option<GraphError>,
}

impl OperationStatus {
    pub fn state(&self) -> OperationState {
        OperationState::from(self.status.clone())
    }

    fn parse(body: &[u8], http_status: u16) -> Result<OperationStatus, Error> {
        serde_json::from_slice(body).map_err(|e| Error::Decode {
            status: http_status,
            path: None,
            message: format!("the monitor's answer is not a status report: {e}"),
        })
    }

    /// The status of an action that finished without a monitor.
    fn finished_at_once(body: &[u8], location: Option<String>) -> OperationStatus {
        let resource_id = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| v["id"].as_str().map(str::to_owned));
        OperationStatus {
            status: "completed".into(),
            percentage_complete: Some(100.0),
            resource_id,
            resource_location: location,
            operation: None,
            error: None,
        }
    }
}

/// An accepted long-running action; see the [module docs](self).
#[derive(Clone)]
pub struct LongRunning {
    client: Client,
    monitor_url: Option<String>,
    finished: Option<OperationStatus>,
    poll_interval: Duration,
}

impl fmt::Debug for LongRunning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The monitor URL is a capability (no token needed): only its origin is shown.
        let origin = self.monitor_url.as_deref().map(|url| {
            let after_scheme = url.find("://").map_or(0, |i| i + 3);
            url[..url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i)].to_owned()
        });
        f.debug_struct("LongRunning")
            .field("monitor_origin", &origin)
            .field("finished", &self.finished)
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

impl Client {
    /// Sends a request the service answers `202 Accepted` with a monitor
    /// `Location`, and returns the action to wait for.
    pub async fn start_long_running<T>(&self, request: Request<T>) -> Result<LongRunning, Error> {
        let url = request.url(self.base_url());
        let response = self.respond(&Outgoing::of(&request, &url)).await?;
        let status = response.status().as_u16();
        let location = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = response.bytes().await.map_err(super::client::transport_error)?;
        let (monitor_url, finished) = match (status, location) {
            (202, Some(location)) => (Some(absolute_link(self.base_url(), &location)), None),
            (202, None) => {
                return Err(Error::Decode {
                    status,
                    path: None,
                    message: "202 Accepted without a Location: the action cannot be monitored".into(),
                })
            }
            (_, location) => (None, Some(OperationStatus::finished_at_once(&body, location))),
        };
        Ok(LongRunning { client: self.clone(), monitor_url, finished, poll_interval: DEFAULT_POLL_INTERVAL })
    }

    /// An action accepted earlier (perhaps by another process), from its monitor URL.
    pub fn resume_long_running(&self, monitor_url: impl Into<String>) -> LongRunning {
        let monitor_url = absolute_link(self.base_url(), &monitor_url.into());
        LongRunning { client: self.clone(), monitor_url: Some(monitor_url), finished: None, poll_interval: DEFAULT_POLL_INTERVAL }
    }
}

impl LongRunning {
    /// The monitor URL (`None` when the action finished at once). It needs no
    /// token: keep it as you would a credential.
    pub fn monitor_url(&self) -> Option<&str> {
        self.monitor_url.as_deref()
    }

    /// The wait between polls when the monitor sends no `Retry-After`.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Asks the monitor once: the report, and the `Retry-After` it asked for.
    pub async fn status(&self) -> Result<(OperationStatus, Option<Duration>), Error> {
        let Some(url) = self.monitor_url.as_deref() else {
            return Ok((self.finished.clone().unwrap_or_else(|| OperationStatus::finished_at_once(b"", None)), None));
        };
        let response = self.client.respond(&Outgoing::new(Method::Get, url, &[], &Body::Empty)).await?;
        let status = response.status().as_u16();
        let retry_after =
            response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(super::client::parse_retry_after);
        let body = response.bytes().await.map_err(super::client::transport_error)?;
        Ok((OperationStatus::parse(&body, status)?, retry_after))
    }

    /// Polls until the action completes (its final status, with the created
    /// resource's id), fails, or `timeout` has passed.
    pub async fn wait(&self, timeout: Duration) -> Result<OperationStatus, Error> {
        let started = Instant::now();
        let mut last_status = String::new();
        let polling = async {
            loop {
                let (status, retry_after) = self.status().await?;
                match status.state() {
                    OperationState::Completed => return Ok(status),
                    OperationState::Failed => {
                        return Err(Error::OperationFailed { status: status.status, error: status.error.map(Box::new) })
                    }
                    _ => last_status = status.status,
                }
                tokio::time::sleep(retry_after.unwrap_or(self.poll_interval)).await;
            }
        };
        let outcome = tokio::time::timeout(timeout, polling).await;
        outcome.unwrap_or_else(|_| Err(Error::OperationTimedOut { status: last_status, waited: started.elapsed() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_report_shapes_are_read() {
        let drive = br#"{"operation": "ItemCopy", "percentageComplete": 27.8, "status": "inProgress"}"#;
        let status = OperationStatus::parse(drive, 202).unwrap();
        assert_eq!((status.state(), status.status.as_str()), (OperationState::InProgress, "inProgress"));
        assert_eq!((status.percentage_complete, status.operation.as_deref()), (Some(27.8), Some("ItemCopy")));
        let done = br#"{"percentageComplete": 100.0, "resourceId": "01MOWKYVJML57KN2ANMBA3JZJS2MBGC7KM", "status": "completed"}"#;
        let status = OperationStatus::parse(done, 202).unwrap();
        assert_eq!(
            (status.state(), status.resource_id.as_deref()),
            (OperationState::Completed, Some("01MOWKYVJML57KN2ANMBA3JZJS2MBGC7KM"))
        );
        let team = br#"{"id": "op1", "operationType": "cloneTeam", "status": "succeeded", "targetResourceId": "t2",
            "targetResourceLocation": "/groups('t2')/team", "attemptsCount": 1}"#;
        let status = OperationStatus::parse(team, 200).unwrap();
        assert_eq!(status.state(), OperationState::Completed);
        assert_eq!((status.resource_id.as_deref(), status.resource_location.as_deref()), (Some("t2"), Some("/groups('t2')/team")));
        let failed = br#"{"status": "failed", "error": {"code": "nameAlreadyExists", "message": "taken"}}"#;
        let status = OperationStatus::parse(failed, 200).unwrap();
        assert_eq!((status.state(), status.error.unwrap().code.as_str()), (OperationState::Failed, "nameAlreadyExists"));
        let waiting = OperationStatus::parse(br#"{"status": "waiting"}"#, 202).unwrap();
        assert_eq!(waiting.state(), OperationState::Other("waiting".into()));
        assert_eq!(OperationStatus { status: "deleteFailed".into(), ..waiting }.state(), OperationState::Failed);
        assert!(matches!(OperationStatus::parse(br#"{"id": "x"}"#, 200), Err(Error::Decode { status: 200, .. })));
    }

    #[test]
    fn debug_shows_only_the_monitors_origin() {
        let client = Client::builder().token("t").build().unwrap();
        let action = client.resume_long_running("https://api.onedrive.example/monitor/SECRET-JOB?sig=abc");
        let shown = format!("{action:?}");
        assert!(shown.contains("https://api.onedrive.example") && !shown.contains("SECRET") && !shown.contains("sig"), "{shown}");
        let relative = client.resume_long_running("/teams('a')/operations('b')");
        assert_eq!(relative.monitor_url(), Some("https://graph.microsoft.com/v1.0/teams('a')/operations('b')"));
    }
}
