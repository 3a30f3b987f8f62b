//! The local token issuer standing in for Cognito: RS256 id tokens signed with a key generated
//! on first run under the state folder, published as a JWKS, and verified by the same Cognito
//! authorizer AWS mode applies to moto's tokens (`aws_mode::authorizer`).

use std::path::Path;

use aws_mode::authorizer::CognitoAuthorizer;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::ports::DirectoryUser;
use edge::claims::COMPANY_ID_ATTRIBUTE;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::secrets;

/// App clients of the local user pool, like the two portals' Cognito app clients.
pub const ATTENDANCE_CLIENT: &str = "attendance-portal";
pub const CAREERS_CLIENT: &str = "careers-portal";
pub const CLIENTS: [&str; 2] = [ATTENDANCE_CLIENT, CAREERS_CLIENT];

/// Lifetime of an id token, as Cognito's default.
pub const TOKEN_SECONDS: i64 = 3600;

/// Signs and verifies id tokens.
pub struct TokenIssuer {
    issuer: String,
    kid: String,
    encoding: EncodingKey,
    authorizer: CognitoAuthorizer,
    /// The JWKS document publishing the verification key.
    jwks: Value,
}

/// Why a token was refused (logged; the client only sees 401).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token rejected: {0}")]
    Rejected(String),
    #[error("signing key: {0}")]
    Key(String),
}

impl TokenIssuer {
    /// Loads the key from `keys_dir`, generating it (mode 0600) on first run.
    pub fn load_or_create(keys_dir: &Path, issuer: String) -> Result<TokenIssuer, TokenError> {
        let path = keys_dir.join("signing-key.pem");
        let key_err = |e: &dyn std::fmt::Display| TokenError::Key(e.to_string());
        let private = if path.exists() {
            let pem = std::fs::read_to_string(&path).map_err(|e| key_err(&e))?;
            RsaPrivateKey::from_pkcs8_pem(&pem).map_err(|e| key_err(&e))?
        } else {
            std::fs::create_dir_all(keys_dir).map_err(|e| key_err(&e))?;
            let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).map_err(|e| key_err(&e))?;
            let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| key_err(&e))?;
            secrets::write_private(&path, pem.as_bytes()).map_err(|e| key_err(&e))?;
            key
        };
        let pem = private
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| key_err(&e))?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        let kid: String = Sha256::digest(n.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let jwks = json!({ "keys": [{ "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": n, "e": e }] });
        let clients = CLIENTS.map(String::from);
        let authorizer =
            CognitoAuthorizer::new(&issuer, &clients, &jwks).map_err(TokenError::Key)?;
        Ok(TokenIssuer {
            issuer,
            kid,
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| key_err(&e))?,
            authorizer,
            jwks,
        })
    }

    /// An id token for `user`, shaped like Cognito's.
    pub fn issue(
        &self,
        user: &DirectoryUser,
        client_id: &str,
        now: i64,
    ) -> Result<String, TokenError> {
        let mut claims = Map::new();
        claims.insert("sub".into(), user.sub.clone().into());
        claims.insert("aud".into(), client_id.into());
        claims.insert("iss".into(), self.issuer.clone().into());
        claims.insert("token_use".into(), "id".into());
        claims.insert("auth_time".into(), now.into());
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), (now + TOKEN_SECONDS).into());
        claims.insert("jti".into(), uuid::Uuid::new_v4().to_string().into());
        claims.insert("cognito:username".into(), user.username.clone().into());
        claims.insert("email".into(), user.email.clone().into());
        claims.insert("email_verified".into(), true.into());
        if !user.groups.is_empty() {
            claims.insert("cognito:groups".into(), json!(user.groups));
        }
        if let Some(company) = user.attributes.get(COMPANY_ID_ATTRIBUTE) {
            claims.insert(COMPANY_ID_ATTRIBUTE.into(), company.clone().into());
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| TokenError::Key(e.to_string()))
    }

    /// The JWKS document publishing the verification key.
    pub fn jwks(&self) -> Value {
        self.jwks.clone()
    }

    /// Verifies a token and returns its claims as API Gateway REST hands them to a function:
    /// every value a string, groups joined by commas.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, TokenError> {
        self.authorizer.verify(token).map_err(TokenError::Rejected)
    }
}
