//! Passkeys (WebAuthn) through webauthn-rs: the options a browser is given and the checks on
//! what it answers. A ceremony's state and the credentials are passed in and out as JSON
//! strings, which the use cases keep in the database (any app server can finish a ceremony
//! another began).

use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use url::Url;
use uuid::Uuid;
use webauthn_rs::prelude::{
    CreationChallengeResponse, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// The office as a WebAuthn relying party: its public address's host is the RP ID.
#[derive(Clone)]
pub struct Relying(Arc<Webauthn>);

/// What a browser answered, refused: not a passkey of this office, or not this ceremony's.
#[derive(Debug)]
pub struct Refused(pub String);

/// A passkey just registered, ready to be stored.
pub struct Registered {
    pub credential_id: String,
    pub credential: String,
}

/// A passkey that signed a challenge: its id, and its stored form if that changed (the
/// signature counter moved).
pub struct Asserted {
    pub credential_id: String,
    pub updated: Option<String>,
}

impl Relying {
    /// None when the public address has no domain name (an IP address cannot be a WebAuthn
    /// relying party), in which case passkeys are not offered.
    pub fn new(public_url: &Url, office: &str) -> Option<Relying> {
        let host = public_url.domain()?;
        let built = WebauthnBuilder::new(host, public_url)
            .ok()?
            .rp_name(office)
            .build();
        match built {
            Ok(w) => Some(Relying(Arc::new(w))),
            Err(e) => {
                tracing::warn!(error = %e, "passkeys are off: the public address is not a WebAuthn relying party");
                None
            }
        }
    }

    /// Starts registering a passkey for the account whose WebAuthn user id is `handle`,
    /// excluding its passkeys already registered (`existing`, stored forms). Returns the
    /// browser's options (JSON) and the state to keep.
    pub fn start_registration(
        &self,
        handle: Uuid,
        email: &str,
        name: &str,
        existing: &[String],
    ) -> anyhow::Result<(serde_json::Value, String)> {
        let exclude = existing
            .iter()
            .filter_map(|s| serde_json::from_str::<Passkey>(s).ok())
            .map(|p| p.cred_id().clone())
            .collect::<Vec<_>>();
        let (options, state): (CreationChallengeResponse, PasskeyRegistration) = self
            .0
            .start_passkey_registration(handle, email, name, Some(exclude))
            .context("start a passkey registration")?;
        let mut options = serde_json::to_value(&options)?;
        // A passkey that can sign in alone must be discoverable: ask for a resident key.
        if let Some(selection) = options["publicKey"]["authenticatorSelection"].as_object_mut() {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
        }
        Ok((options, serde_json::to_string(&state)?))
    }

    pub fn finish_registration(
        &self,
        state: &str,
        answer: &serde_json::Value,
    ) -> Result<Registered, Refused> {
        let state: PasskeyRegistration = serde_json::from_str(state).map_err(|e| Refused(e.to_string()))?;
        let answer: RegisterPublicKeyCredential =
            serde_json::from_value(answer.clone()).map_err(|e| Refused(e.to_string()))?;
        let passkey = self
            .0
            .finish_passkey_registration(&answer, &state)
            .map_err(|e| Refused(e.to_string()))?;
        Ok(Registered {
            credential_id: URL_SAFE_NO_PAD.encode(passkey.cred_id()),
            credential: serde_json::to_string(&passkey).map_err(|e| Refused(e.to_string()))?,
        })
    }

    /// Starts asking for one of the account's passkeys (stored forms), as its second factor.
    pub fn start_authentication(&self, stored: &[String]) -> anyhow::Result<(serde_json::Value, String)> {
        let passkeys = stored
            .iter()
            .map(|s| serde_json::from_str::<Passkey>(s))
            .collect::<Result<Vec<_>, _>>()
            .context("a stored passkey cannot be read")?;
        let (options, state): (RequestChallengeResponse, PasskeyAuthentication) = self
            .0
            .start_passkey_authentication(&passkeys)
            .context("start a passkey authentication")?;
        Ok((serde_json::to_value(&options)?, serde_json::to_string(&state)?))
    }

    pub fn finish_authentication(
        &self,
        state: &str,
        answer: &serde_json::Value,
        stored: &[String],
    ) -> Result<Asserted, Refused> {
        let state: PasskeyAuthentication = serde_json::from_str(state).map_err(|e| Refused(e.to_string()))?;
        let answer: PublicKeyCredential =
            serde_json::from_value(answer.clone()).map_err(|e| Refused(e.to_string()))?;
        let result = self
            .0
            .finish_passkey_authentication(&answer, &state)
            .map_err(|e| Refused(e.to_string()))?;
        updated(&result, stored)
    }

    /// Starts asking for any passkey of this office, which names its account (signing in with
    /// a passkey alone).
    pub fn start_discoverable(&self) -> anyhow::Result<(serde_json::Value, String)> {
        let (options, state): (RequestChallengeResponse, DiscoverableAuthentication) = self
            .0
            .start_discoverable_authentication()
            .context("start a passkey sign-in")?;
        Ok((serde_json::to_value(&options)?, serde_json::to_string(&state)?))
    }

    /// The credential id (base64url) a discoverable answer names, to find its account by.
    pub fn credential_of(answer: &serde_json::Value) -> Option<String> {
        let answer: PublicKeyCredential = serde_json::from_value(answer.clone()).ok()?;
        Some(URL_SAFE_NO_PAD.encode(answer.get_credential_id()))
    }

    /// Checks a discoverable answer against the passkey it names (its stored form).
    pub fn finish_discoverable(
        &self,
        state: &str,
        answer: &serde_json::Value,
        stored: &str,
    ) -> Result<Asserted, Refused> {
        let state: DiscoverableAuthentication =
            serde_json::from_str(state).map_err(|e| Refused(e.to_string()))?;
        let answer: PublicKeyCredential =
            serde_json::from_value(answer.clone()).map_err(|e| Refused(e.to_string()))?;
        let passkey: Passkey = serde_json::from_str(stored).map_err(|e| Refused(e.to_string()))?;
        let result = self
            .0
            .finish_discoverable_authentication(&answer, state, &[DiscoverableKey::from(&passkey)])
            .map_err(|e| Refused(e.to_string()))?;
        updated(&result, &[stored.to_owned()])
    }
}

/// The asserting passkey's id and, when its counter moved, its new stored form.
fn updated(
    result: &webauthn_rs::prelude::AuthenticationResult,
    stored: &[String],
) -> Result<Asserted, Refused> {
    let credential_id = URL_SAFE_NO_PAD.encode(result.cred_id());
    let mut updated = None;
    for s in stored {
        let Ok(mut passkey) = serde_json::from_str::<Passkey>(s) else {
            continue;
        };
        if passkey.update_credential(result) == Some(true) {
            updated = Some(serde_json::to_string(&passkey).map_err(|e| Refused(e.to_string()))?);
        }
    }
    Ok(Asserted {
        credential_id,
        updated,
    })
}
