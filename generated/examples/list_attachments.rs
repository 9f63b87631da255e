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
#![cfg_attr(not(all(feature = "client", feature = "outlook")), allow(dead_code))]

use std::process::ExitCode;

const USAGE: &str = "usage: list_attachments --base-url URL --token TOKEN --message-id ID";

struct Args {
    base_url: String,
    token: String,
    message_id: String,
}

/// `--name value` or `--name=value`, each flag once, all three required.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let (mut base_url, mut token, mut message_id) = (None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg, None),
        };
        let slot = match flag.as_str() {
            "--base-url" => &mut base_url,
            "--token" => &mut token,
            "--message-id" => &mut message_id,
            other => return Err(format!("unknown argument {other:?}")),
        };
        let value = match inline.or_else(|| args.next()) {
            Some(value) if !value.is_empty() => value,
            _ => return Err(format!("{flag} needs a value")),
        };
        if slot.replace(value).is_some() {
            return Err(format!("{flag} is given twice"));
        }
    }
    let missing = |flag: &str| format!("{flag} is required");
    Ok(Args {
        base_url: base_url.ok_or_else(|| missing("--base-url"))?,
        token: token.ok_or_else(|| missing("--token"))?,
        message_id: message_id.ok_or_else(|| missing("--message-id"))?,
    })
}

#[cfg(all(feature = "client", feature = "outlook"))]
#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("list_attachments: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
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
    let request = operations::list_me_messages_attachments(&args.message_id);
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
