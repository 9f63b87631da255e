//! Uploads a file of any size to a path in the signed-in user's OneDrive through
//! an upload session, replacing any file already there.
//!
//! ```sh
//! cargo run --example upload_drive_item -- \
//!     --base-url https://graph.microsoft.com/v1.0 --token "$TOKEN" --path "Reports/Q1 summary.pdf" --file summary.pdf
//! ```
//!
//! 1. `POST {base}/me/drive/root:/{path}:/createUploadSession` with
//!    `{"item": {"@microsoft.graph.conflictBehavior": "replace"}}`, built by the
//!    generated operation and sent with the token. The path keeps its `/` and
//!    each of its segments is URL-encoded.
//! 2. `Client::large_file_upload(..).for_item::<DriveItem>()` sends the file to
//!    the session's `uploadUrl` in chunks, the way OneDrive takes them (`202
//!    Accepted` and the ranges still missing after each chunk, the new driveItem
//!    after the last). The token is never sent to that URL.
//! 3. The last line of standard output is the new driveItem's `id`.
//!
//! With `--state FILE`, the session is saved to FILE before the first byte is
//! sent, and a later run with the same FILE carries on with that session
//! (from the bytes the service already has) instead of starting over; the
//! file is removed once the upload is done. It holds the upload URL, a
//! credential: it is created readable by its owner only.
//!
//! Errors are printed to standard error; the exit code is 1, or 2 for bad arguments.
#![cfg_attr(not(all(feature = "client", feature = "files", feature = "sharepoint")), allow(dead_code, unused_imports))]

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Uploads a file of any size to a path in the signed-in user's OneDrive.
#[derive(Parser)]
#[command(name = "upload_drive_item")]
struct Args {
    /// Service root, e.g. https://graph.microsoft.com/v1.0
    #[arg(long)]
    base_url: String,
    /// Bearer access token.
    #[arg(long)]
    token: String,
    /// Where the file goes, below the drive's root: FOLDER/NAME.
    #[arg(long)]
    path: String,
    /// The file to upload.
    #[arg(long)]
    file: PathBuf,
    /// Saves the upload session here, and resumes from it when it exists.
    #[arg(long)]
    state: Option<PathBuf>,
}

#[cfg(all(feature = "client", feature = "files", feature = "sharepoint"))]
#[tokio::main]
async fn main() -> ExitCode {
    // Bad arguments: clap prints the problem and the usage, and exits with 2.
    let args = Args::parse();
    match upload(&args).await {
        Ok(id) => {
            println!("{id}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("upload_drive_item: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Creates (or restores) the session, uploads the file and returns the new item's id.
#[cfg(all(feature = "client", feature = "files", feature = "sharepoint"))]
async fn upload(args: &Args) -> Result<String, String> {
    use graph_client::types::{DriveItem, DriveItemCreateUploadSessionRequest, DriveItemUploadableProperties};
    use graph_client::{operations, Client};

    let shown = args.file.display();
    let file = tokio::fs::File::open(&args.file).await.map_err(|e| format!("cannot open {shown}: {e}"))?;
    let size = file.metadata().await.map_err(|e| format!("cannot read {shown}: {e}"))?.len();
    if size == 0 {
        return Err(format!("{shown} is empty: an upload session needs at least one byte"));
    }
    let client = Client::builder().base_url(&args.base_url).token(&args.token).build().map_err(|e| e.to_string())?;

    let saved = match &args.state {
        Some(path) if path.exists() => Some(read_state(path)?),
        _ => None,
    };
    let upload = match saved {
        // 1'. A session saved by an earlier run: carry on where the service is.
        Some(state) => {
            println!("resuming the upload of {shown} ({size} bytes)");
            client.resume_upload(state)
        }
        // 1. A new session, through the generated operation (with the token).
        None => {
            let body = DriveItemCreateUploadSessionRequest {
                item: Some(DriveItemUploadableProperties {
                    microsoft_graph_conflict_behavior: Some("replace".into()),
                    ..Default::default()
                }),
                ..Default::default()
            };
            let request = operations::me().drive().root().path(&args.path).create_upload_session(&body);
            let session = client.send(request).await.map_err(|e| format!("cannot create the upload session: {e}"))?;
            let upload_url = session.upload_url.ok_or("the upload session came back without an uploadUrl")?;
            let upload = client.large_file_upload(upload_url).expires_at(session.expiration_date_time);
            if let Some(path) = &args.state {
                write_state(path, &upload.state(size))?;
            }
            println!("uploading {shown} ({size} bytes) to {}", args.path);
            upload
        }
    };

    // 2. The file, chunk by chunk, to the pre-authenticated upload URL (never printed: it is a credential).
    let upload = upload.for_item::<DriveItem>().on_progress(|p| println!("{} of {} bytes confirmed", p.confirmed, p.total));
    let item = match &args.state {
        Some(_) => upload.resume(file).await,
        None => upload.upload(file).await,
    }
    .map_err(|e| format!("cannot upload {shown}: {e}"))?;
    if let Some(path) = &args.state {
        std::fs::remove_file(path).map_err(|e| format!("cannot remove the state file {}: {e}", path.display()))?;
    }

    // 3. The new item.
    item.id.ok_or_else(|| "the upload finished but the new driveItem has no id".to_owned())
}

#[cfg(all(feature = "client", feature = "files", feature = "sharepoint"))]
fn read_state(path: &std::path::Path) -> Result<graph_client::runtime::UploadState, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the state file {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("the state file {} is not an upload state: {e}", path.display()))
}

#[cfg(all(feature = "client", feature = "files", feature = "sharepoint"))]
fn write_state(path: &std::path::Path, state: &graph_client::runtime::UploadState) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let json = serde_json::to_string(state).map_err(|e| e.to_string())?;
    let mut file = options.open(path).map_err(|e| format!("cannot create the state file {}: {e}", path.display()))?;
    file.write_all(json.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
}

#[cfg(not(all(feature = "client", feature = "files", feature = "sharepoint")))]
fn main() -> ExitCode {
    eprintln!("upload_drive_item needs the `client`, `files` and `sharepoint` features (on by default)");
    ExitCode::from(2)
}
