//! Errors. The API's error body (`{"error": {"code", "message", "innerError"}}`)
//! is decoded into `GraphError`; nothing here ever holds a token.

use super::object::{Key, ReadMembers};
use serde::de::{IgnoredAny, MapAccess};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphError {
    pub code: String,
    pub message: String,
    pub inner_error: Option<InnerError>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InnerError {
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
}

// Read by hand like the generated types (runtime::object): the crate
// without `client` builds without `serde_derive`. Members that are missing
// keep their default; others are skipped.
impl ReadMembers for GraphError {
    const EXPECTING: &'static str = "a Graph error object";

    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.as_str() {
            "code" => self.code = map.next_value()?,
            "message" => self.message = map.next_value()?,
            "innerError" | "innererror" => self.inner_error = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

impl ReadMembers for InnerError {
    const EXPECTING: &'static str = "a Graph inner error object";

    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.as_str() {
            "request-id" => self.request_id = map.next_value()?,
            "client-request-id" => self.client_request_id = map.next_value()?,
            "date" => self.date = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// `{"error": {...}}`; `error` is `None` when the body has none.
#[derive(Default)]
struct Envelope {
    error: Option<GraphError>,
}

impl ReadMembers for Envelope {
    const EXPECTING: &'static str = "a Graph error body";

    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.as_str() {
            "error" => self.error = Some(map.next_value()?),
            _ => skip(map)?,
        }
        Ok(())
    }
}

// `Deserialize` through `ReadMembers`, as the generated types read.
macro_rules! deserialize_by_members {
    ($($type:ty),*) => {$(
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::object::deserialize(deserializer)
            }
        }
    )*};
}

deserialize_by_members!(GraphError, InnerError, Envelope);

impl GraphError {
    /// Decodes an error body; bodies that are not Graph errors keep their text as the message.
    pub fn from_body(body: &[u8]) -> GraphError {
        match serde_json::from_slice::<Envelope>(body) {
            Ok(Envelope { error: Some(error) }) => error,
            _ => GraphError { message: String::from_utf8_lossy(&body[..body.len().min(1024)]).into_owned(), ..GraphError::default() },
        }
    }
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success status.
    Api { status: u16, error: GraphError },
    /// The service throttled the request (429, 503, 504) and asked for a wait
    /// longer than the retry policy allows (`RetryPolicy::max_delay`), or the
    /// policy's attempts were spent: try again after `retry_after` at the
    /// earliest.
    Throttled { status: u16, retry_after: std::time::Duration, error: Box<GraphError> },
    /// The request never got a response (connection, TLS, timeout).
    Transport(String),
    /// The response body did not decode into the expected type. `path` is
    /// the JSON path of the member at fault (`$.value[1].createdDateTime`)
    /// when the body is JSON.
    Decode { status: u16, path: Option<String>, message: String },
    /// The request could not be built (e.g. its body did not serialize).
    InvalidRequest(String),
    /// The token provider failed.
    Token(String),
    /// A token source (an Entra ID credential) could not get a token; names
    /// the credential (`ClientSecretCredential`, ...) and says why.
    Credential { credential: String, message: String },
    /// A large-file upload could not go on: the file could not be read, the
    /// upload session stopped making progress, or the server's answers
    /// contradict each other (it claims completion while bytes are unsent, or
    /// asks for bytes past the end of the file). Nothing was completed.
    Upload(String),
    /// The upload URL answered `404 Not Found`: the session no longer exists
    /// (it expired, was cancelled, or finished with an answer that was lost).
    /// The upload must start over with a new session.
    UploadSessionNotFound,
    /// The upload session's `expirationDateTime` has passed: it accepts no more
    /// bytes, and the upload must start over with a new session.
    UploadSessionExpired { expiration_date_time: String },
    /// A download's body is larger than the limit it was given; reading
    /// stopped there (nothing beyond the limit was buffered).
    BodyTooLarge { limit: u64 },
    /// Writing a downloaded body to its destination failed.
    Io(String),
    /// A delta query's state token can no longer be used (`410 Gone`, or the
    /// codes `resyncRequired`, `syncStateNotFound`, `resyncChanges…`): the
    /// changes since the saved cursor are lost and the whole collection must
    /// be read again. `restart_link` (the answer's `Location`, when it has
    /// one) starts that full enumeration.
    ResyncRequired { status: u16, error: Box<GraphError>, restart_link: Option<String> },
    /// A long-running action ended in failure: its monitor reported `status`
    /// (`failed`, ...), with the service's error when it gave one.
    OperationFailed { status: String, error: Option<Box<GraphError>> },
    /// A long-running action had not finished when the wait given to it ran
    /// out; `status` is the last one its monitor reported (empty if none
    /// came). The action itself goes on and can be waited for again.
    OperationTimedOut { status: String, waited: Duration },
    /// A `$batch` item got no answer of its own: the batch's response left it
    /// out or could not be read.
    Batch(String),
}

impl Error {
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Throttled { status, .. }
            | Error::Decode { status, .. }
            | Error::ResyncRequired { status, .. } => Some(*status),
            Error::UploadSessionNotFound => Some(404),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, error } => {
                write!(f, "the API answered {status}: {} ({})", error.message, error.code)?;
                if let Some(id) = error.inner_error.as_ref().and_then(|i| i.request_id.as_deref()) {
                    write!(f, " [request-id {id}]")?;
                }
                Ok(())
            }
            Error::Throttled { status, retry_after, error } => write!(
                f,
                "the API answered {status} and asked to wait {:.3} s, longer than the retry policy allows: {} ({})",
                retry_after.as_secs_f64(),
                error.message,
                error.code
            ),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Decode { status, path: Some(path), message } => write!(f, "cannot decode the {status} response at `{path}`: {message}"),
            Error::Decode { status, path: None, message } => write!(f, "cannot decode the {status} response: {message}"),
            Error::InvalidRequest(e) => write!(f, "invalid request: {e}"),
            Error::Token(e) => write!(f, "cannot get an access token: {e}"),
            Error::Credential { credential, message } => write!(f, "{credential} could not get an access token: {message}"),
            Error::Upload(e) => write!(f, "upload failed: {e}"),
            Error::UploadSessionNotFound => {
                f.write_str("the upload session no longer exists (404): it expired, was cancelled, or completed while its last answer was lost; start the upload over with a new session (after checking whether the item exists)")
            }
            Error::UploadSessionExpired { expiration_date_time } => {
                write!(f, "the upload session expired at {expiration_date_time}: start the upload over with a new session")
            }
            Error::BodyTooLarge { limit } => write!(f, "the response body is larger than the {limit}-byte limit"),
            Error::Io(e) => write!(f, "cannot write the response body: {e}"),
            Error::ResyncRequired { status, error, .. } => {
                write!(f, "the delta token is no longer valid ({status} {}: {}); a full resync is needed", error.code, error.message)
            }
            Error::OperationFailed { status, error } => {
                write!(f, "the long-running action ended with status `{status}`")?;
                match error {
                    Some(error) => write!(f, ": {} ({})", error.message, error.code),
                    None => Ok(()),
                }
            }
            Error::OperationTimedOut { status, waited } => {
                write!(f, "the long-running action was still running (status `{status}`) after {:.1} s", waited.as_secs_f64())
            }
            Error::Batch(e) => write!(f, "batch item failed: {e}"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_graph_error_bodies() {
        let body = br#"{"error":{"code":"itemNotFound","message":"Nope","innerError":{"request-id":"r1","date":"2021-01-01T00:00:00"}}}"#;
        let error = GraphError::from_body(body);
        assert_eq!(error.code, "itemNotFound");
        assert_eq!(error.inner_error.as_ref().unwrap().request_id.as_deref(), Some("r1"));
        let shown = Error::Api { status: 404, error }.to_string();
        assert_eq!(shown, "the API answered 404: Nope (itemNotFound) [request-id r1]");
    }

    #[test]
    fn other_bodies_become_the_message() {
        assert_eq!(GraphError::from_body(b"Bad gateway").message, "Bad gateway");
    }
}
