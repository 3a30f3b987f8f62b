//! Tokens the local issuer never handed out: expired ones signed with its own key, and ones
//! signed by a key it has never seen, to prove the authorizer refuses both.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::local_stack::LocalStack;

/// What a token needs to look like the stack's own: its key id, issuer and signing key.
pub struct Issuer {
    pub kid: String,
    pub issuer: String,
    pub own_key: Vec<u8>,
}

impl LocalStack {
    /// The issuer's public parts from the JWKS, and its private key from the state folder.
    pub async fn issuer(&self) -> Issuer {
        let jwks: Value = self
            .http
            .get(self.url("/local/.well-known/jwks.json"))
            .send()
            .await
            .expect("jwks request")
            .json()
            .await
            .expect("jwks body");
        Issuer {
            kid: jwks["keys"][0]["kid"].as_str().expect("a kid").to_string(),
            issuer: format!("{}/local", self.base_url),
            own_key: std::fs::read(self.state_dir.join("keys/signing-key.pem"))
                .expect("the stack's signing key"),
        }
    }
}

/// An id token for the demo admin signed by `pem` with key id `kid`, expiring at `exp`.
pub fn signed_token(pem: &[u8], kid: &str, issuer: &str, exp: i64) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    let claims = json!({
        "sub": "00000000-0000-4000-8000-000000000001", "aud": "attendance-portal", "iss": issuer,
        "token_use": "id", "exp": exp, "iat": exp - 3600,
        "cognito:username": "00000000-0000-4000-8000-000000000001", "email": "admin@acme.test",
        "cognito:groups": ["admins"], "custom:company_id": "acme",
    });
    jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(pem).expect("a PEM key"),
    )
    .expect("a signed token")
}

/// A claim of an id token, read without checking it (the stack checks; a test only reads).
pub fn claim(token: &str, name: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    let claims: Value = serde_json::from_slice(&bytes).expect("JSON claims");
    claims[name]
        .as_str()
        .unwrap_or_else(|| panic!("no `{name}` claim"))
        .to_string()
}

/// Whom a token names: the username the pool made (a UUID), which staff routes take.
pub fn username_in(token: &str) -> String {
    claim(token, "cognito:username")
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

/// A throwaway RSA key that the stack has never seen, for signing forged tokens.
pub fn forger_key() -> String {
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("an RSA key");
    key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
        .expect("PEM")
        .to_string()
}
