//! Table-driven checks of which callers a route lets through.
//!
//! A case is a request and the outcome expected for each caller. Mutations send a body that
//! fails validation or an action the object's status forbids, so an allowed caller gets 400
//! or 409 (the checks passed, nothing changed) and a denied one 403 or 404.

use serde_json::Value;

use crate::Api;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The checks passed: a success, 400 for an invalid body or 409 for a rejected action.
    Allowed,
    Forbidden,
    NotFound,
}

impl Outcome {
    fn of(status: u16) -> Option<Outcome> {
        match status {
            403 => Some(Outcome::Forbidden),
            404 => Some(Outcome::NotFound),
            200..=299 | 400 | 409 => Some(Outcome::Allowed),
            _ => None,
        }
    }
}

/// One request and the outcome expected for each caller, in the callers' order.
pub struct Case<const N: usize> {
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
    pub expected: [Outcome; N],
}

impl<const N: usize> Case<N> {
    pub fn new(
        method: &'static str,
        path: String,
        body: Option<Value>,
        expected: [Outcome; N],
    ) -> Self {
        Case {
            method,
            path,
            body,
            expected,
        }
    }
}

/// Sends every case as every caller and returns a line for each outcome that differs from
/// the expected one.
pub async fn mismatches<const N: usize>(
    cases: &[Case<N>],
    callers: &[(&str, &Api); N],
) -> Vec<String> {
    let mut found = Vec::new();
    for case in cases {
        for ((user, api), expected) in callers.iter().zip(case.expected) {
            let method = reqwest::Method::from_bytes(case.method.as_bytes())
                .expect("a case names an HTTP method");
            let text = case.body.as_ref().map(Value::to_string).unwrap_or_default();
            let reply = api.send_text(method.clone(), &case.path, &text).await;
            let got = Outcome::of(reply.status);
            // Another test briefly narrows TeamB's tenant permissions, which turns a denial
            // of ds-b on a mutation from 404 into 403; both are denials.
            let tolerated = *user == "ds-b"
                && method != reqwest::Method::GET
                && got == Some(Outcome::Forbidden)
                && expected == Outcome::NotFound;
            if got != Some(expected) && !tolerated {
                found.push(format!(
                    "{method} {} as {user}: expected {expected:?}, got {} {}",
                    case.path, reply.status, reply.body
                ));
            }
        }
    }
    found
}
