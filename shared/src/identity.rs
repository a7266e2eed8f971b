//! The caller's identity, taken only from the claims that the API Gateway Cognito authorizer
//! places in the request context. Headers are never consulted, so a client cannot name itself.

use serde_json::Value;

use crate::error::ApiError;

/// The authenticated caller of an API operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub username: String,
    pub email: Option<String>,
    /// IdP groups, which are the teams the caller acts for.
    pub groups: Vec<String>,
}

/// Name of the tenant administrators' group.
pub const TENANT_ADMIN_GROUP: &str = "DAAdministrators";

impl Caller {
    /// Reads the caller from the authorizer claims object.
    ///
    /// `cognito:groups` arrives as a JSON list from a Lambda authorizer or test event, and as
    /// a string from the REST API Cognito authorizer: `"[a b]"`, `"a,b"`, a JSON array text or a
    /// single name. Every form yields the same list.
    pub fn from_claims(claims: Option<&Value>) -> Result<Self, ApiError> {
        let claims = claims
            .and_then(Value::as_object)
            .filter(|claims| !claims.is_empty())
            .ok_or_else(|| ApiError::Unauthenticated("the request carries no identity".into()))?;
        let username = claims
            .get("cognito:username")
            .or_else(|| claims.get("username"))
            .and_then(Value::as_str)
            .filter(|name| !name.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthenticated("the identity has no cognito:username claim".into())
            })?
            .to_owned();
        let email = claims
            .get("email")
            .and_then(Value::as_str)
            .filter(|email| !email.is_empty())
            .map(str::to_owned);
        let mut groups = match claims.get("cognito:groups") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(text)) => parse_group_text(text),
            Some(other) => {
                return Err(ApiError::Unauthenticated(format!(
                    "cognito:groups claim has an unexpected type: {}",
                    json_type(other)
                )));
            }
        };
        groups.retain(|group| !group.is_empty());
        groups.sort();
        groups.dedup();
        Ok(Caller {
            username,
            email,
            groups,
        })
    }

    /// Returns whether the caller is a tenant administrator.
    pub fn is_tenant_admin(&self) -> bool {
        self.in_group(TENANT_ADMIN_GROUP)
    }

    /// Returns whether the caller belongs to `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|own| own == group)
    }
}

fn parse_group_text(text: &str) -> Vec<String> {
    let trimmed = text.trim();
    if trimmed.starts_with("[\"")
        && let Ok(list) = serde_json::from_str::<Vec<String>>(trimmed)
    {
        return list;
    }
    let inner = trimmed
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(trimmed);
    inner
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|group| group.trim_matches('"').to_owned())
        .filter(|group| !group.is_empty())
        .collect()
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn groups_of(claim: Value) -> Vec<String> {
        let claims =
            json!({"cognito:username": "ds-a", "email": "a@example.com", "cognito:groups": claim});
        Caller::from_claims(Some(&claims)).unwrap().groups
    }

    #[test]
    fn groups_parse_in_every_form() {
        let expected = vec!["DataScienceAdmin".to_string(), "TeamA".to_string()];
        let forms = [
            json!(["TeamA", "DataScienceAdmin"]),
            json!("[TeamA DataScienceAdmin]"),
            json!("[TeamA, DataScienceAdmin]"),
            json!("TeamA,DataScienceAdmin"),
            json!("[\"TeamA\",\"DataScienceAdmin\"]"),
            json!(" TeamA DataScienceAdmin "),
        ];
        for form in forms {
            assert_eq!(groups_of(form.clone()), expected, "form {form}");
        }
    }

    #[test]
    fn single_group_string() {
        assert_eq!(groups_of(json!("TeamB")), vec!["TeamB"]);
    }

    #[test]
    fn missing_or_empty_groups_give_no_team() {
        let claims = json!({"cognito:username": "u"});
        assert!(
            Caller::from_claims(Some(&claims))
                .unwrap()
                .groups
                .is_empty()
        );
        assert!(groups_of(json!("")).is_empty());
        assert!(groups_of(json!("[]")).is_empty());
        assert!(groups_of(json!([])).is_empty());
    }

    #[test]
    fn username_and_email_read() {
        let claims = json!({"cognito:username": "ds-b", "email": "b@example.com"});
        let caller = Caller::from_claims(Some(&claims)).unwrap();
        assert_eq!(caller.username, "ds-b");
        assert_eq!(caller.email.as_deref(), Some("b@example.com"));
    }

    #[test]
    fn no_claims_is_unauthenticated() {
        for claims in [
            None,
            Some(json!({})),
            Some(json!("x")),
            Some(json!({"email": "a@b.c"})),
        ] {
            let error = Caller::from_claims(claims.as_ref()).unwrap_err();
            assert_eq!(error.status(), 401, "claims {claims:?}");
        }
    }

    #[test]
    fn numeric_groups_claim_is_unauthenticated() {
        let claims = json!({"cognito:username": "u", "cognito:groups": 5});
        assert_eq!(
            Caller::from_claims(Some(&claims)).unwrap_err().status(),
            401
        );
    }

    #[test]
    fn tenant_admin_detected() {
        let claims = json!({"cognito:username": "admin", "cognito:groups": "[DAAdministrators]"});
        assert!(
            Caller::from_claims(Some(&claims))
                .unwrap()
                .is_tenant_admin()
        );
    }
}
