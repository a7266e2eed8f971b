//! Cognito ID token verification, as the API Gateway Cognito authorizer does it: an RS256
//! signature by a key of the user pool's JWKS, the pool as issuer, the app client as
//! audience, `token_use` of `id`, and an expiry in the future.

use std::collections::HashMap;

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::LocalSettings;
use crate::bootstrap::CognitoSetup;

/// Verifies ID tokens of one user pool and app client.
pub struct TokenVerifier {
    keys: HashMap<String, DecodingKey>,
    validation: Validation,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: String,
    n: String,
    e: String,
}

impl TokenVerifier {
    /// Fetches the user pool's JWKS from the emulator.
    pub async fn load(
        http: &reqwest::Client,
        settings: &LocalSettings,
        cognito: &CognitoSetup,
    ) -> Result<Self, String> {
        let url = format!(
            "http://127.0.0.1:{}/{}/.well-known/jwks.json",
            settings.moto_port, cognito.user_pool_id
        );
        let jwks: Jwks = http
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|error| format!("could not fetch the JWKS at {url}: {error}"))?
            .json()
            .await
            .map_err(|error| format!("the JWKS at {url} is invalid: {error}"))?;
        let mut keys = HashMap::new();
        for key in jwks.keys {
            let decoding = DecodingKey::from_rsa_components(&key.n, &key.e)
                .map_err(|error| format!("JWKS key {} is invalid: {error}", key.kid))?;
            keys.insert(key.kid, decoding);
        }
        Ok(Self::new(keys, &cognito.issuer, &cognito.client_id))
    }

    pub fn new(keys: HashMap<String, DecodingKey>, issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        TokenVerifier { keys, validation }
    }

    /// Verifies a token and returns its claims.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, String> {
        let header =
            decode_header(token).map_err(|error| format!("the token is malformed: {error}"))?;
        let kid = header.kid.ok_or("the token names no key")?;
        let key = self
            .keys
            .get(&kid)
            .ok_or_else(|| format!("the token is signed by unknown key {kid:?}"))?;
        let data = decode::<Map<String, Value>>(token, key, &self.validation)
            .map_err(|error| format!("the token is invalid: {error}"))?;
        if data.claims.get("token_use").and_then(Value::as_str) != Some("id") {
            return Err("the token is not an ID token".into());
        }
        Ok(data.claims)
    }
}

/// Converts verified claims to the form the REST API Cognito authorizer puts in the request
/// context: every value a string, with groups joined by commas.
pub fn authorizer_claims(claims: &Map<String, Value>) -> Value {
    let converted: Map<String, Value> = claims
        .iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .map_or_else(|| item.to_string(), str::to_owned)
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            (name.clone(), Value::String(text))
        })
        .collect();
    Value::Object(converted)
}
