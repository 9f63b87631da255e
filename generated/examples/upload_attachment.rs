//! Attaches a file of any size to a message through an upload session.
//!
//! ```sh
//! cargo run --example upload_attachment -- \
//!     --base-url https://graph.microsoft.com/v1.0 --token "$TOKEN" --message-id AAMkAD... --file report.pdf
//! ```
//!
//! 1. `POST {base}/me/messages/{id}/attachments/createUploadSession`, built by the
//!    generated operation and sent with the token, opens an upload session for a
//!    file attachment with the file's name and size.
//! 2. `Client::large_file_upload(..).for_attachment()` sends the file to the
//!    session's `uploadUrl` in chunks, the way Outlook takes them (`200 OK` and
//!    the next expected byte after each chunk, `201 Created` with a `Location`
//!    after the last). That URL carries its own credential, so the token is never
//!    sent to it; a dropped connection, a lost answer, a 416 or a 429/5xx answer
//!    makes the upload ask the session where to resume and go on from there.
//! 3. The last line of standard output is the `Location` of the new attachment.
//!
//! Errors are printed to standard error; the exit code is 1, or 2 for bad arguments.
#![cfg_attr(not(all(feature = "client", feature = "outlook")), allow(dead_code, unused_imports))]

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Attaches a file of any size to a message through an upload session.
#[derive(Parser)]
#[command(name = "upload_attachment")]
struct Args {
    /// Service root, e.g. https://graph.microsoft.com/v1.0
    #[arg(long)]
    base_url: String,
    /// Bearer access token.
    #[arg(long)]
    token: String,
    /// The message that receives the attachment.
    #[arg(long)]
    message_id: String,
    /// The file to attach.
    #[arg(long)]
    file: PathBuf,
}

#[cfg(all(feature = "client", feature = "outlook"))]
#[tokio::main]
async fn main() -> ExitCode {
    // Bad arguments: clap prints the problem and the usage, and exits with 2.
    let args = Args::parse();
    match upload(&args).await {
        Ok(location) => {
            println!("{location}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("upload_attachment: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Creates the session, uploads the file and returns the new attachment's `Location`.
#[cfg(all(feature = "client", feature = "outlook"))]
async fn upload(args: &Args) -> Result<String, String> {
    use graph_client::types::{AttachmentCreateUploadSessionRequest, AttachmentItem, AttachmentType};
    use graph_client::{operations, Client};

    let shown = args.file.display();
    let name = args.file.file_name().ok_or_else(|| format!("--file {shown} does not name a file"))?.to_string_lossy().into_owned();
    let file = tokio::fs::File::open(&args.file).await.map_err(|e| format!("cannot open {shown}: {e}"))?;
    let size = file.metadata().await.map_err(|e| format!("cannot read {shown}: {e}"))?.len();
    if size == 0 {
        return Err(format!("{shown} is empty: an upload session needs at least one byte"));
    }
    let client = Client::builder().base_url(&args.base_url).token(&args.token).build().map_err(|e| e.to_string())?;

    // 1. The upload session, through the generated operation (with the token).
    let body = AttachmentCreateUploadSessionRequest {
        attachment_item: Some(AttachmentItem {
            attachment_type: Some(AttachmentType::File),
            name: Some(name.clone()),
            size: Some(i64::try_from(size).map_err(|_| format!("{shown} is too large"))?),
            ..Default::default()
        }),
        ..Default::default()
    };
    let request = operations::me().messages().by_id(&args.message_id).attachments().create_upload_session(&body);
    let session = client.send(request).await.map_err(|e| format!("cannot create the upload session: {e}"))?;
    let upload_url = session.upload_url.ok_or("the upload session came back without an uploadUrl")?;

    // 2. The file, chunk by chunk, to the pre-authenticated upload URL (never printed: it is a credential).
    println!("uploading {name} ({size} bytes)");
    let upload = client.large_file_upload(upload_url).expires_at(session.expiration_date_time).for_attachment();
    let done = upload.upload(file).await.map_err(|e| format!("cannot upload {shown}: {e}"))?;
    println!("uploaded {name}");

    // 3. Where the new attachment lives.
    Ok(done.location)
}

#[cfg(not(all(feature = "client", feature = "outlook")))]
fn main() -> ExitCode {
    eprintln!("upload_attachment needs the `client` and `outlook` features (on by default)");
    ExitCode::from(2)
}
