//! API Gateway's Cognito authorizer, as a REST API applies it to a user pool's id tokens: the
//! signature by a key of the pool's JWKS (matched by key id), the issuer, one of the pool's app
//! clients as audience, the expiry, and `token_use: id`. The claims are handed on as API Gateway
//! REST hands them to a function: every value a string, groups joined by commas. The embedded
//! stack's local issuer and AWS mode (moto's pool) are both verified here.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// A pool's authorizer: its issuer, its app clients and its published keys.
pub struct CognitoAuthorizer {
    issuer: String,
    audiences: Vec<String>,
    keys: Vec<(String, DecodingKey)>,
}

impl CognitoAuthorizer {
    /// The authorizer of the pool `issuer` names, trusting the RSA keys of `jwks`.
    pub fn new(
        issuer: &str,
        audiences: &[String],
        jwks: &Value,
    ) -> Result<CognitoAuthorizer, String> {
        let mut keys = Vec::new();
        for key in jwks["keys"].as_array().into_iter().flatten() {
            let (Some(kid), Some(n), Some(e)) =
                (key["kid"].as_str(), key["n"].as_str(), key["e"].as_str())
            else {
                return Err(format!("a JWKS key without kid, n or e: {key}"));
            };
            let decoding =
                DecodingKey::from_rsa_components(n, e).map_err(|e| format!("key {kid}: {e}"))?;
            keys.push((kid.to_string(), decoding));
        }
        if keys.is_empty() {
            return Err("a JWKS without keys".into());
        }
        Ok(CognitoAuthorizer {
            issuer: issuer.to_string(),
            audiences: audiences.to_vec(),
            keys,
        })
    }

    /// The token's claims as the function receives them, or why API Gateway answers 401.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
        let key = self
            .keys
            .iter()
            .find(|(kid, _)| header.kid.as_deref() == Some(kid.as_str()))
            .map(|(_, key)| key)
            .ok_or("unknown key id")?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&self.audiences);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation)
            .map_err(|e| e.to_string())?;
        if data.claims.get("token_use").and_then(Value::as_str) != Some("id") {
            return Err("not an id token".into());
        }
        Ok(data
            .claims
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    Value::Array(items) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                };
                (k, Value::String(text))
            })
            .collect())
    }
}

/// The authorizer of a pool on the emulator: its JWKS read from where moto serves it (the path
/// Cognito serves it at), its issuer as Cognito names it.
pub async fn of_moto_pool(
    endpoint: &str,
    region: &str,
    pool_id: &str,
    clients: &[String],
) -> Result<CognitoAuthorizer, String> {
    let url = format!("{endpoint}/{pool_id}/.well-known/jwks.json");
    let jwks: Value = reqwest::get(&url)
        .await
        .map_err(|e| format!("{url}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}");
    CognitoAuthorizer::new(&issuer, clients, &jwks)
}
