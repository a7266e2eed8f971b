//! Harness of the integration tests: an API client that signs in as the demo users of the
//! local stack, and AWS clients pointed at its AWS endpoint.
//!
//! The tests expect a running local host; `./test` starts one. `API_URL` (default
//! `http://127.0.0.1:8080`) and `AWS_ENDPOINT_URL` (default `http://127.0.0.1:4566`) locate it.

pub mod access;
pub mod fixtures;
pub mod lab;

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use shared::aws::AwsClients;
use shared::config::Config;

/// Password of every local demo user.
pub const PASSWORD: &str = "Passw0rd!local";

/// Returns the base URL of the local REST API.
pub fn api_url() -> String {
    std::env::var("API_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned())
}

/// Returns the local AWS endpoint.
pub fn aws_url() -> String {
    std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".to_owned())
}

/// A response: status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// Returns the error code of an error response.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts a success status and returns the body.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        self.body
    }

    /// Asserts an error status and code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected reply: {}",
            self.body
        );
    }
}

/// A REST API client acting as one user.
pub struct Api {
    http: reqwest::Client,
    token: Option<String>,
    extra_headers: Vec<(String, String)>,
}

static TOKENS: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

impl Api {
    /// Signs in as `username` (tokens are cached for the test binary).
    pub async fn as_user(username: &str) -> Api {
        let cached = TOKENS
            .lock()
            .unwrap()
            .as_ref()
            .and_then(|tokens| tokens.get(username).cloned());
        let token = match cached {
            Some(token) => token,
            None => {
                let token = sign_in(username, PASSWORD)
                    .await
                    .unwrap_or_else(|reply| panic!("sign-in of {username} failed: {reply:?}"));
                TOKENS
                    .lock()
                    .unwrap()
                    .get_or_insert_with(HashMap::new)
                    .insert(username.to_owned(), token.clone());
                token
            }
        };
        Api::with_token(Some(token))
    }

    /// Builds a client that sends `token` as it is, or no Authorization header at all.
    pub fn with_token(token: Option<String>) -> Api {
        Api {
            http: reqwest::Client::new(),
            token,
            extra_headers: Vec::new(),
        }
    }

    /// Adds a header to every request.
    pub fn header(mut self, name: &str, value: &str) -> Api {
        self.extra_headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// Sends a request with a raw body text.
    pub async fn send_text(&self, method: reqwest::Method, path: &str, body: &str) -> Reply {
        let request = self.request(method, path).body(body.to_owned());
        finish(request).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        finish(request).await
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", api_url()));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        for (name, value) in &self.extra_headers {
            request = request.header(name, value);
        }
        request
    }
}

async fn finish(request: reqwest::RequestBuilder) -> Reply {
    let response = request
        .send()
        .await
        .expect("the local host answers; is it running?");
    let status = response.status().as_u16();
    let text = response
        .text()
        .await
        .expect("the response body is readable");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Reply { status, body }
}

/// Signs in through `POST /local/token` and returns the ID token, or the failed reply.
pub async fn sign_in(username: &str, password: &str) -> Result<String, Reply> {
    let request = reqwest::Client::new()
        .post(format!("{}/local/token", api_url()))
        .json(&serde_json::json!({"username": username, "password": password}));
    let reply = finish(request).await;
    match reply.body["idToken"].as_str() {
        Some(token) if reply.status == 200 => Ok(token.to_owned()),
        _ => Err(reply),
    }
}

/// Returns AWS clients of the emulator's central account, through the local AWS endpoint.
pub async fn central_aws() -> AwsClients {
    aws_at(&aws_url()).await
}

/// Returns AWS clients of the emulator's central account that call `endpoint`: the local
/// AWS endpoint, or moto itself for calls that the endpoint's call log must not count.
pub async fn aws_at(endpoint: &str) -> AwsClients {
    let config = Config::from_lookup(|name| match name {
        "TABLE_NAME" => Some("dataall-local".to_owned()),
        "AWS_REGION" => Some("eu-west-1".to_owned()),
        "AWS_ENDPOINT_URL" => Some(endpoint.to_owned()),
        _ => None,
    })
    .expect("the test configuration is complete");
    // SAFETY: the variables are the same in every test and set before the SDK reads them.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    }
    let sdk_config = shared::aws::load_sdk_config(&config).await;
    AwsClients::new(sdk_config, config.endpoint_url)
}

/// Returns clients acting inside `account`, as the emulator allows any role to be assumed.
pub async fn account_aws(account: &str) -> AwsClients {
    central_aws()
        .await
        .assume_role(account, "test-admin", None, "integration-test")
        .await
        .expect("the emulator lets the test assume a role")
}

/// Returns a fresh random 12-digit account id, so tests that link environments do not
/// collide with each other or with the demo accounts.
pub fn fresh_account() -> String {
    let digits: String = shared::uri::new_uri()
        .bytes()
        .chain(shared::uri::new_uri().bytes())
        .map(|byte| char::from(b'0' + byte % 10))
        .take(11)
        .collect();
    format!("9{digits}")
}

/// Creates the pivot role in `account`, as a platform team does before linking it.
pub async fn create_pivot_role(account: &str) {
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]
    });
    account_aws(account)
        .await
        .iam()
        .create_role()
        .role_name("dataallPivotRole")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .expect("the pivot role can be created");
}

/// Returns a label unique to this test run.
pub fn unique(label: &str) -> String {
    format!("{label}-{}", shared::uri::new_uri())
}

/// Starts an execution of the state machine `dataall-<stem>` with `input` and waits up to a
/// minute for it to finish. Returns the execution's ARN and final description.
pub async fn run_state_machine(
    stem: &str,
    input: &Value,
) -> (
    String,
    aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput,
) {
    let sfn = central_aws().await.sfn();
    let machines = sfn.list_state_machines().send().await.unwrap();
    let name = format!("dataall-{stem}");
    let machine = machines
        .state_machines()
        .iter()
        .find(|machine| machine.name() == name)
        .unwrap_or_else(|| panic!("state machine {name} exists"));
    let started = sfn
        .start_execution()
        .state_machine_arn(machine.state_machine_arn())
        .name(format!("test-{stem}-{}", shared::uri::new_uri()))
        .input(input.to_string())
        .send()
        .await
        .unwrap();
    let arn = started.execution_arn().to_owned();
    for _ in 0..240 {
        let execution = sfn
            .describe_execution()
            .execution_arn(&arn)
            .send()
            .await
            .unwrap();
        if execution.status().as_str() != "RUNNING" {
            return (arn, execution);
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("execution {arn} still running after a minute");
}

/// Returns the emails the emulator's SES accepted, as (recipient, subject) pairs.
pub async fn sent_emails() -> Vec<(String, String)> {
    let data: Value = reqwest::get(format!("{}/moto-api/data.json", aws_url()))
        .await
        .expect("the emulator answers")
        .json()
        .await
        .expect("the emulator's data is JSON");
    let mut emails = Vec::new();
    for message in data["ses"]["Message"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let subject = message["subject"].as_str().unwrap_or_default().to_owned();
        for recipient in message["destinations"]["ToAddresses"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            emails.push((
                recipient.as_str().unwrap_or_default().to_owned(),
                subject.clone(),
            ));
        }
    }
    emails
}

/// Calls `probe` every 250 ms until it returns a value, for up to `seconds`.
pub async fn eventually<F, Fut, T>(description: &str, seconds: u64, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..seconds * 4 {
        if let Some(value) = probe().await {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("{description} did not happen within {seconds} seconds");
}

/// Creates an organization administered by `admin_team` and links `account` in `region` to
/// it as an environment. Returns the environment.
pub async fn link_environment(api: &Api, admin_team: &str, account: &str, region: &str) -> Value {
    let organization = api
        .post(
            "/organizations",
            serde_json::json!({"label": unique("Org"), "adminTeam": admin_team}),
        )
        .await
        .ok();
    api.post(
        "/environments",
        serde_json::json!({"organizationUri": organization["uri"], "label": unique("Env"), "awsAccountId": account, "region": region, "adminTeam": admin_team}),
    )
    .await
    .ok()
}
