//! Stack worker: deploys the CloudFormation stack of an environment in its account through
//! the pivot role, and records the stack's status, outputs and events.
//!
//! The `stack-deploy` state machine calls it with `{"action": ..., "targetType",
//! "targetUri"}`:
//! - `deploy` creates the stack, or updates it when it exists (an update with no change is
//!   not an error), and returns the input with `waitSeconds`;
//! - `describe` records the stack's status, outputs and latest events; it fails with
//!   `StackFailed` and the stack's reason when the deployment failed, and returns `done`;
//! - `recordFailure` records a failure caught by the state machine;
//! - `listTargets` lists the targets of one type that have a stack, for the `stack-update`
//!   state machine, which redeploys them all.
//!
//! Every action can run twice with the same input and leave the same result.

mod template;

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::{Capability, Tag};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::domain::environments::{self, Environment};
use shared::domain::stacks::{self, DEPLOY_FAILED, Stack, StackEvent};
use shared::worker::{WorkerError, parse_input};

pub use template::environment_template;

/// Number of most recent stack events kept in the record.
const EVENTS_KEPT: usize = 20;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    target_type: String,
    target_uri: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    action: String,
    #[serde(flatten)]
    target: Target,
    /// The error caught by the state machine, for `recordFailure`.
    error: Option<CaughtError>,
}

#[derive(Debug, Deserialize)]
struct CaughtError {
    #[serde(rename = "Error")]
    error: Option<String>,
    #[serde(rename = "Cause")]
    cause: Option<String>,
}

/// Handles one task of the stack deploy or stack update workflow.
pub async fn handle(context: &AppContext, input: Value) -> Result<Value, WorkerError> {
    if input.get("action").and_then(Value::as_str) == Some("listTargets") {
        return list_targets(context, input).await;
    }
    let input: Input = parse_input(input)?;
    if input.target.target_type != "environment" {
        return Err(WorkerError::invalid_input(format!(
            "targetType {:?} is not supported; expected \"environment\"",
            input.target.target_type
        )));
    }
    shared::uri::parse_uri("targetUri", &input.target.target_uri)
        .map_err(|error| WorkerError::invalid_input(error.to_string()))?;
    let target = input.target;
    match input.action.as_str() {
        "deploy" => deploy(context, &target).await,
        "describe" => describe(context, &target).await,
        "recordFailure" => record_failure(context, &target, input.error).await,
        other => Err(WorkerError::invalid_input(format!(
            "action {other:?} is not one of deploy, describe, recordFailure, listTargets"
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListTargets {
    target_type: String,
}

/// Lists every target of one type that has a stack, for the daily redeployment.
async fn list_targets(context: &AppContext, input: Value) -> Result<Value, WorkerError> {
    let input: ListTargets = parse_input(input)?;
    let uris = stacks::list_targets(&context.store, &input.target_type)
        .await
        .map_err(internal)?;
    tracing::info!(target_type = %input.target_type, count = uris.len(), "stacks listed for redeployment");
    let targets: Vec<Value> = uris
        .into_iter()
        .map(|uri| serde_json::json!({"targetType": input.target_type, "targetUri": uri}))
        .collect();
    Ok(serde_json::json!({"targets": targets}))
}

fn internal(error: impl std::error::Error) -> WorkerError {
    WorkerError::internal(&error)
}

async fn load_environment(context: &AppContext, uri: &str) -> Result<Environment, WorkerError> {
    environments::get(&context.store, uri)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            WorkerError::new(
                "EnvironmentNotFound",
                format!("environment {uri} not found"),
            )
        })
}

/// Returns clients in the environment account, through its pivot role.
async fn environment_clients(
    context: &AppContext,
    environment: &Environment,
) -> Result<AwsClients, WorkerError> {
    context
        .environment_account(&environment.aws_account_id)
        .await
        .map_err(|error| WorkerError::new("PivotRoleNotAssumable", error.to_string()))
}

async fn deploy(context: &AppContext, target: &Target) -> Result<Value, WorkerError> {
    let environment = load_environment(context, &target.target_uri).await?;
    let teams = environments::teams(&context.store, &environment.uri)
        .await
        .map_err(internal)?;
    let tags = environments::tags(&context.store, &environment.uri)
        .await
        .map_err(internal)?;
    let stack_name = environment.names().stack();
    ensure_record(context, &environment, &stack_name).await?;
    let clients = environment_clients(context, &environment).await?;
    let cloudformation = clients.cloudformation();
    let template = environment_template(&environment, &teams).to_string();
    let stack_tags: Vec<Tag> = tags
        .iter()
        .map(|tag| Tag::builder().key(&tag.key).value(&tag.value).build())
        .chain(std::iter::once(
            Tag::builder()
                .key("dataall-environment")
                .value(&environment.uri)
                .build(),
        ))
        .collect();

    let exists = match cloudformation
        .describe_stacks()
        .stack_name(&stack_name)
        .send()
        .await
    {
        Ok(output) => output
            .stacks()
            .first()
            .and_then(|stack| stack.stack_status())
            .is_some_and(|status| status.as_str() != "DELETE_COMPLETE"),
        Err(error) if error_chain(&error).contains("does not exist") => false,
        Err(error) => return Err(aws_failure("DescribeStacks", &error)),
    };
    let stack_id = if exists {
        let result = cloudformation
            .update_stack()
            .stack_name(&stack_name)
            .template_body(&template)
            .capabilities(Capability::CapabilityNamedIam)
            .set_tags(Some(stack_tags))
            .send()
            .await;
        match result {
            Ok(output) => output.stack_id,
            Err(error) if error_chain(&error).contains("No updates are to be performed") => None,
            Err(error) => return Err(aws_failure("UpdateStack", &error)),
        }
    } else {
        cloudformation
            .create_stack()
            .stack_name(&stack_name)
            .template_body(&template)
            .capabilities(Capability::CapabilityNamedIam)
            .set_tags(Some(stack_tags))
            .send()
            .await
            .map_err(|error| aws_failure("CreateStack", &error))?
            .stack_id
    };
    tracing::info!(environment_uri = %environment.uri, %stack_name, update = exists, "stack deployment started");
    stacks::update(&context.store, &environment.uri, |stack| {
        if stack_id.is_some() {
            stack.stack_id = stack_id.clone();
        }
        stack.status = if exists {
            "UPDATE_IN_PROGRESS"
        } else {
            "CREATE_IN_PROGRESS"
        }
        .to_owned();
        stack.reason = None;
    })
    .await
    .map_err(internal)?;
    Ok(serde_json::json!({
        "targetType": target.target_type,
        "targetUri": target.target_uri,
        "stackName": stack_name,
        "waitSeconds": context.config.stack_poll_seconds,
    }))
}

async fn ensure_record(
    context: &AppContext,
    environment: &Environment,
    stack_name: &str,
) -> Result<(), WorkerError> {
    if stacks::get(&context.store, &environment.uri)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Ok(());
    }
    let stack = Stack::new(
        "environment",
        &environment.uri,
        stack_name,
        &environment.aws_account_id,
        &environment.region,
    );
    match stacks::save(&context.store, &stack).await {
        Ok(()) | Err(shared::store::StoreError::ConditionFailed) => Ok(()),
        Err(error) => Err(internal(error)),
    }
}

fn aws_failure(operation: &str, error: &dyn std::error::Error) -> WorkerError {
    let text = error_chain(error);
    let name = if text.contains("Throttling") || text.contains("Rate exceeded") {
        "AwsThrottled"
    } else {
        "AwsCallFailed"
    };
    WorkerError::new(name, format!("{operation} failed: {text}"))
}

async fn describe(context: &AppContext, target: &Target) -> Result<Value, WorkerError> {
    let environment = load_environment(context, &target.target_uri).await?;
    let stack_name = environment.names().stack();
    let clients = environment_clients(context, &environment).await?;
    let cloudformation = clients.cloudformation();
    let output = cloudformation
        .describe_stacks()
        .stack_name(&stack_name)
        .send()
        .await
        .map_err(|error| aws_failure("DescribeStacks", &error))?;
    let Some(described) = output.stacks().first() else {
        return Err(WorkerError::new(
            "StackFailed",
            format!("stack {stack_name} does not exist"),
        ));
    };
    let status = described
        .stack_status()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let reason = described.stack_status_reason().map(str::to_owned);
    let outputs: BTreeMap<String, String> = described
        .outputs()
        .iter()
        .filter_map(|output| {
            Some((
                output.output_key()?.to_owned(),
                output.output_value()?.to_owned(),
            ))
        })
        .collect();
    let events = cloudformation
        .describe_stack_events()
        .stack_name(&stack_name)
        .send()
        .await
        .map_err(|error| aws_failure("DescribeStackEvents", &error))?;
    let events: Vec<StackEvent> = events
        .stack_events()
        .iter()
        .take(EVENTS_KEPT)
        .map(|event| StackEvent {
            timestamp: event.timestamp().map(|t| t.to_string()).unwrap_or_default(),
            logical_id: event.logical_resource_id().unwrap_or_default().to_owned(),
            resource_type: event.resource_type().unwrap_or_default().to_owned(),
            status: event
                .resource_status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            reason: event.resource_status_reason().map(str::to_owned),
        })
        .collect();
    let failure_reason = reason.clone().or_else(|| {
        events
            .iter()
            .find(|event| event.status.ends_with("_FAILED"))
            .and_then(|event| event.reason.clone())
    });
    stacks::update(&context.store, &environment.uri, |stack| {
        stack.status = status.clone();
        stack.reason = if stacks::is_failure(&status) {
            failure_reason.clone()
        } else {
            None
        };
        stack.outputs = outputs.clone();
        stack.events = events.clone();
        stack.stack_id = described
            .stack_id()
            .map(str::to_owned)
            .or(stack.stack_id.take());
    })
    .await
    .map_err(internal)?;
    if stacks::is_final(&status) && stacks::is_failure(&status) {
        return Err(WorkerError::new(
            "StackFailed",
            format!(
                "stack {stack_name} ended {status}: {}",
                failure_reason.unwrap_or_else(|| "no reason given".into())
            ),
        ));
    }
    tracing::info!(environment_uri = %environment.uri, %stack_name, %status, "stack described");
    Ok(serde_json::json!({
        "targetType": target.target_type,
        "targetUri": target.target_uri,
        "stackName": stack_name,
        "status": status,
        "done": stacks::is_final(&status),
        "waitSeconds": context.config.stack_poll_seconds,
    }))
}

async fn record_failure(
    context: &AppContext,
    target: &Target,
    error: Option<CaughtError>,
) -> Result<Value, WorkerError> {
    let (name, cause) = match error {
        Some(caught) => (
            caught.error.unwrap_or_default(),
            caught.cause.unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    let message = serde_json::from_str::<Value>(&cause)
        .ok()
        .and_then(|payload| {
            payload
                .get("errorMessage")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or(cause);
    let reason = format!("{name}: {message}");
    if stacks::get(&context.store, &target.target_uri)
        .await
        .map_err(internal)?
        .is_none()
    {
        tracing::warn!(target_uri = %target.target_uri, %reason, "stack deployment failed for a target without stack record");
        return Ok(
            serde_json::json!({"targetUri": target.target_uri, "status": DEPLOY_FAILED, "reason": reason, "recorded": false}),
        );
    }
    stacks::update(&context.store, &target.target_uri, |stack| {
        if !stacks::is_failure(&stack.status) {
            stack.status = DEPLOY_FAILED.to_owned();
        }
        stack.reason = Some(reason.clone());
    })
    .await
    .map_err(internal)?;
    tracing::warn!(target_uri = %target.target_uri, %reason, "stack deployment failed");
    Ok(
        serde_json::json!({"targetUri": target.target_uri, "status": DEPLOY_FAILED, "reason": reason, "recorded": true}),
    )
}
