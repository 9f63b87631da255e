//! Keeps up with a mail folder through delta rounds, one round per run: the
//! first run reads the whole folder, each later run only what changed since
//! the previous one. The round's cursor is kept in a file between runs.
//!
//! ```sh
//! cargo run --example sync_mail_folder -- \
//!     --base-url https://graph.microsoft.com/v1.0 --token "$TOKEN" --folder-id inbox --cursor-file inbox.cursor.json
//! ```
//!
//! Prints one line per change (`updated ID SUBJECT`, `removed ID REASON`),
//! then `cursor saved` once the round is complete and the file holds the new
//! cursor; a round cut short leaves the file as it was. When the service can
//! no longer resume from the saved cursor, the exit code is 3 and standard
//! error says a full resync is needed (delete the file to start one). Other
//! errors: exit code 1, or 2 for bad arguments.
#![cfg_attr(not(all(feature = "client", feature = "outlook")), allow(dead_code, unused_imports))]

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints the changes to a mail folder since the cursor saved by the previous run.
#[derive(Parser)]
#[command(name = "sync_mail_folder")]
struct Args {
    /// Service root, e.g. https://graph.microsoft.com/v1.0
    #[arg(long)]
    base_url: String,
    /// Bearer access token.
    #[arg(long)]
    token: String,
    /// The mail folder to follow (an id, or a well-known name such as `inbox`).
    #[arg(long)]
    folder_id: String,
    /// Where the cursor is kept between runs; absent for the first run.
    #[arg(long)]
    cursor_file: PathBuf,
    /// At most this many messages per page (`Prefer: odata.maxpagesize`).
    #[arg(long)]
    page_size: Option<u32>,
}

#[cfg(all(feature = "client", feature = "outlook"))]
#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match sync(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Resync(message)) => {
            eprintln!("sync_mail_folder: {message}; delete {} to read the whole folder again", args.cursor_file.display());
            ExitCode::from(3)
        }
        Err(Failure::Other(message)) => {
            eprintln!("sync_mail_folder: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Resync(String),
    Other(String),
}

#[cfg(all(feature = "client", feature = "outlook"))]
async fn sync(args: &Args) -> Result<(), Failure> {
    use graph_client::runtime::{Change, DeltaCursor, RemovalReason, TryStreamExt};
    use graph_client::types::Message;
    use graph_client::{operations, Client, Error};
    use std::io::Write;

    let other = |e: String| Failure::Other(e);
    let client = Client::builder().base_url(&args.base_url).token(&args.token).build().map_err(|e| other(e.to_string()))?;
    let mut request = match std::fs::read_to_string(&args.cursor_file) {
        Ok(saved) => {
            let cursor: DeltaCursor<Message> = serde_json::from_str(&saved).map_err(|e| other(format!("unreadable cursor file: {e}")))?;
            cursor.request()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => operations::me().mail_folders().by_id(&args.folder_id).messages().delta(),
        Err(e) => return Err(other(format!("cannot read {}: {e}", args.cursor_file.display()))),
    };
    if let Some(size) = args.page_size {
        request = request.prefer(format!("odata.maxpagesize={size}"));
    }
    let mut changes = std::pin::pin!(client.delta_changes(request));
    let mut out = std::io::stdout().lock();
    let write_error = |e: std::io::Error| other(format!("cannot write: {e}"));
    loop {
        let change = match changes.try_next().await {
            Ok(Some(change)) => change,
            Ok(None) => return Err(other("the round ended without a cursor".into())),
            Err(error @ Error::ResyncRequired { .. }) => return Err(Failure::Resync(error.to_string())),
            Err(error) => return Err(other(format!("cannot read the changes: {error}"))),
        };
        match change {
            Change::Updated(message) => {
                let (id, subject) = (message.id.unwrap_or_default(), message.subject.unwrap_or_default());
                writeln!(out, "updated {id} {subject}").map_err(write_error)?;
            }
            Change::Removed(removed) => {
                let reason = match removed.reason {
                    Some(RemovalReason::Changed) => "changed".to_owned(),
                    Some(RemovalReason::Deleted) => "deleted".to_owned(),
                    Some(RemovalReason::Other(reason)) => reason,
                    None => "unknown".to_owned(),
                };
                writeln!(out, "removed {} {reason}", removed.id).map_err(write_error)?;
            }
            Change::Synced(cursor) => {
                save(&args.cursor_file, &serde_json::to_string(&cursor).map_err(|e| other(e.to_string()))?)?;
                writeln!(out, "cursor saved").map_err(write_error)?;
                return out.flush().map_err(write_error);
            }
        }
    }
}

/// Writes the cursor beside the file, then renames it over: a crash leaves the old cursor or the new one.
fn save(path: &std::path::Path, cursor: &str) -> Result<(), Failure> {
    let staged = path.with_extension("saving");
    std::fs::write(&staged, cursor)
        .and_then(|()| std::fs::rename(&staged, path))
        .map_err(|e| Failure::Other(format!("cannot save the cursor to {}: {e}", path.display())))
}

#[cfg(not(all(feature = "client", feature = "outlook")))]
fn main() -> ExitCode {
    eprintln!("sync_mail_folder needs the `client` and `outlook` features (on by default)");
    ExitCode::from(2)
}
