//! A success answer with its status and headers, for what the typed value
//! alone does not carry: the `Location` of a resource a `201 Created` made,
//! a `Preference-Applied`, an `ETag`. Only compiled with the `client` feature.
//!
//! ```ignore
//! let created = client.send_with_response(operations::me().events().create(&event)).await?;
//! println!("{} at {:?}", created.status, created.location());
//! let event = created.body; // the same `types::Event` the generated method returns
//! ```

use super::client::{decode, transport_error, Client, Outgoing};
use super::error::Error;
use super::request::Request;
use serde::de::DeserializeOwned;

/// A success answer: its status, its headers as sent, and its body decoded
/// as the request's `T` (as [`Client::send`] decodes it).
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    pub status: u16,
    /// Header names in lower case, values as sent (those that are not text are left out).
    pub headers: Vec<(String, String)>,
    pub body: T,
}

impl<T> Response<T> {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `Location`: where a `201 Created` put the new resource (or a `202
    /// Accepted` its monitor), as the service wrote it (it may be relative
    /// to the service root).
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

impl Client {
    /// [`Client::send`], keeping the answer's status and headers.
    pub async fn send_with_response<T: DeserializeOwned>(&self, request: Request<T>) -> Result<Response<T>, Error> {
        let url = request.url(self.base_url());
        let response = self.respond(&Outgoing::of(&request, &url)).await?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect();
        let bytes = response.bytes().await.map_err(transport_error)?;
        Ok(Response { status, headers, body: decode(status, &bytes)? })
    }
}
