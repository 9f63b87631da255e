//! Prints the name of every attachment of a message, one per line, across all
//! pages of the collection (`@odata.nextLink` is followed as the items are read).
//!
//! ```sh
//! cargo run --example list_attachments -- \
//!     --base-url https://graph.microsoft.com/v1.0 --token "$TOKEN" --message-id AAMkAD...
//! ```
//!
//! Throttling (429 with `Retry-After`) and 503/504 answers are retried by the
//! client. Errors are printed to standard error; the exit code is 1, or 2 for
//! bad arguments.
#![cfg_attr(not(all(feature = "client", feature = "outlook")), allow(dead_code, unused_imports))]

use clap::Parser;
use std::process::ExitCode;

/// Prints the name of every attachment of a message, across all pages.
#[derive(Parser)]
#[command(name = "list_attachments")]
struct Args {
    /// Service root, e.g. https://graph.microsoft.com/v1.0
    #[arg(long)]
    base_url: String,
    /// Bearer access token.
    #[arg(long)]
    token: String,
    /// The message whose attachments are listed.
    #[arg(long)]
    message_id: String,
}

#[cfg(all(feature = "client", feature = "outlook"))]
#[tokio::main]
async fn main() -> ExitCode {
    // Bad arguments: clap prints the problem and the usage, and exits with 2.
    let args = Args::parse();
    match list(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("list_attachments: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(all(feature = "client", feature = "outlook"))]
async fn list(args: &Args) -> Result<(), String> {
    use graph_client::runtime::TryStreamExt;
    use graph_client::{operations, Client};
    use std::io::Write;

    let client = Client::builder().base_url(&args.base_url).token(&args.token).build().map_err(|e| e.to_string())?;
    // One request for the first page; `stream_items` fetches the next page when the items run out.
    let request = operations::me().messages().by_id(&args.message_id).attachments().list();
    let mut attachments = std::pin::pin!(client.stream_items(request));
    let mut out = std::io::stdout().lock();
    while let Some(attachment) = attachments.try_next().await.map_err(|e| format!("cannot list the attachments: {e}"))? {
        writeln!(out, "{}", attachment.name.as_deref().unwrap_or_default()).map_err(|e| format!("cannot write: {e}"))?;
    }
    out.flush().map_err(|e| format!("cannot write: {e}"))
}

#[cfg(not(all(feature = "client", feature = "outlook")))]
fn main() -> ExitCode {
    eprintln!("list_attachments needs the `client` and `outlook` features (on by default)");
    ExitCode::from(2)
}
