//! Bounded downloads of streamed content (`GET .../$value`, a photo, a file's
//! content): the body goes to an `AsyncWrite` chunk by chunk and reading stops
//! as soon as it passes a size limit, so a response far larger than expected
//! (a wrong URL, a hostile or broken server) never fills memory or disk.
//! Only compiled with the `client` feature.

use super::client::{transport_error, Client, Outgoing};
use super::error::Error;
use super::request::Request;
use tokio::io::{AsyncWrite, AsyncWriteExt};

impl Client {
    /// Sends `request` (token, retries and redirect rules as for
    /// [`Client::send`]) and writes the success body to `writer`, returning how
    /// many bytes were written. Fails with [`Error::BodyTooLarge`] before
    /// reading the body when its declared `Content-Length` is over
    /// `max_bytes`, and as soon as more than `max_bytes` arrive otherwise;
    /// at most `max_bytes` bytes reach `writer`.
    pub async fn download_to<T, W>(&self, request: Request<T>, writer: &mut W, max_bytes: u64) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let url = request.url(self.base_url());
        let mut response = self.respond(&Outgoing::of(&request, &url)).await?;
        if response.content_length().is_some_and(|declared| declared > max_bytes) {
            return Err(Error::BodyTooLarge { limit: max_bytes });
        }
        let mut written: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if written + chunk.len() as u64 > max_bytes {
                return Err(Error::BodyTooLarge { limit: max_bytes });
            }
            writer.write_all(&chunk).await.map_err(|e| Error::Io(e.to_string()))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| Error::Io(e.to_string()))?;
        Ok(written)
    }

    /// [`Client::download_to`] into memory: the whole body, at most `max_bytes` long.
    pub async fn download<T>(&self, request: Request<T>, max_bytes: u64) -> Result<Vec<u8>, Error> {
        let mut body = Vec::new();
        self.download_to(request, &mut body, max_bytes).await?;
        Ok(body)
    }
}
