//! Entra ID credentials from `azure_identity` (any `azure_core`
//! `TokenCredential`) as the client's token source. Only compiled with the
//! `azure-identity` feature.
//!
//! ```ignore
//! let credential = azure_identity::DeveloperToolsCredential::new(None)?;
//! let client = Client::builder().credential(credential).build()?;
//! let me = client.me().get().await?;
//! ```
//!
//! The client asks for the scope of its cloud (`https://graph.microsoft.com/.default`,
//! or the national cloud's), keeps the token until shortly before it expires
//! and fetches it once however many requests wait for it.

use super::client::{AccessToken, ClientBuilder, TokenFuture, TokenSource};
use super::error::Error;
use azure_core::credentials::TokenCredential;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// An `azure_core` credential as a [`TokenSource`].
struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    name: String,
}

impl TokenSource for AzureCredential {
    fn fetch<'a>(&'a self, scopes: &'a [String]) -> TokenFuture<'a> {
        Box::pin(async move {
            let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
            let token = self
                .credential
                .get_token(&scopes, None)
                .await
                .map_err(|error| Error::Credential { credential: self.name.clone(), message: error.to_string() })?;
            let seconds = token.expires_on.unix_timestamp();
            let expires_at = match u64::try_from(seconds) {
                Ok(seconds) => SystemTime::UNIX_EPOCH + Duration::from_secs(seconds),
                Err(_) => SystemTime::UNIX_EPOCH,
            };
            Ok(AccessToken { token: token.token.secret().to_owned(), expires_at })
        })
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

/// The credential's type name from its `Debug` output (`azure_identity`'s
/// credentials print their type path first):
/// `azure_identity::client_secret_credential::ClientSecretCredential { .. }` -> `ClientSecretCredential`.
fn credential_name(shown: &str) -> String {
    let type_path = shown.split([' ', '{', '(', '<']).next().unwrap_or("");
    match type_path.rsplit("::").next() {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => "TokenCredential".to_owned(),
    }
}

impl ClientBuilder {
    /// Tokens from an Entra ID credential (`azure_identity`'s
    /// `DeveloperToolsCredential`, `ClientSecretCredential`,
    /// `ManagedIdentityCredential`, ...) for the cloud's Graph scope. A failure
    /// is `Error::Credential` naming the credential.
    pub fn credential(self, credential: Arc<dyn TokenCredential>) -> Self {
        let name = credential_name(&format!("{credential:?}"));
        self.token_source(AzureCredential { credential, name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_named_by_their_type() {
        let shown = "azure_identity::client_secret_credential::ClientSecretCredential { client_id: \"x\", .. }";
        assert_eq!(credential_name(shown), "ClientSecretCredential");
        assert_eq!(credential_name("DeveloperToolsCredential"), "DeveloperToolsCredential");
        assert_eq!(credential_name("my::Wrapper<azure::Inner>"), "Wrapper");
        assert_eq!(credential_name(""), "TokenCredential");
    }
}
