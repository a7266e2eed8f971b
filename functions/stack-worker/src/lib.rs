//! Stack worker: deploys the CloudFormation stack of an environment or a dataset in its
//! account through the pivot role, and records the stack's status, outputs and events.
//!
//! The `stack-deploy` state machine calls it with `{"action": ..., "targetType",
//! "targetUri"}`:
//! - `deploy` creates the stack, or updates it when it exists (an update with no change is
//!   not an error), and fails with `StackBusy` while the stack is still changing;
//! - `describe` records the stack's status, outputs and latest events, and once the stack is
//!   deployed creates what the stack cannot hold (see [`Deployment::after_deploy`]); it fails
//!   with `StackFailed` and the stack's reason when the deployment failed, and returns `done`;
//! - `recordFailure` records a failure caught by the state machine;
//! - `listTargets` lists the targets of one type that have a stack, for the `stack-update`
//!   state machine, which redeploys them all.
//!
//! Every action can run twice with the same input and leave the same result.

mod deployment;
mod template;

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::Capability;
use serde::Deserialize;
use serde_json::{Value, json};
use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::domain::stacks::{self, DEPLOY_FAILED, Stack, StackEvent};
use shared::worker::{WorkerError, parse_input};

pub use deployment::Deployment;
pub use template::{SharePrincipals, dataset_template, environment_template};

/// Number of most recent stack events kept in the record.
const EVENTS_KEPT: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    action: String,
    target_type: String,
    target_uri: Option<String>,
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
    let input: Input = parse_input(input)?;
    if input.action == "listTargets" {
        return list_targets(context, &input.target_type).await;
    }
    let uri = input
        .target_uri
        .as_deref()
        .ok_or_else(|| WorkerError::invalid_input("targetUri is required"))?;
    shared::uri::parse_uri("targetUri", uri)
        .map_err(|error| WorkerError::invalid_input(error.to_string()))?;
    match input.action.as_str() {
        "deploy" => {
            deploy(
                context,
                &Deployment::load(context, &input.target_type, uri).await?,
            )
            .await
        }
        "describe" => {
            describe(
                context,
                &Deployment::load(context, &input.target_type, uri).await?,
            )
            .await
        }
        "recordFailure" => record_failure(context, &input.target_type, uri, input.error).await,
        other => Err(WorkerError::invalid_input(format!(
            "action {other:?} is not one of deploy, describe, recordFailure, listTargets"
        ))),
    }
}

/// Lists every target of one type that has a stack, for the daily redeployment.
async fn list_targets(context: &AppContext, target_type: &str) -> Result<Value, WorkerError> {
    let uris = stacks::list_targets(&context.store, target_type)
        .await
        .map_err(internal)?;
    tracing::info!(%target_type, count = uris.len(), "stacks listed for redeployment");
    let targets: Vec<Value> = uris
        .into_iter()
        .map(|uri| json!({"targetType": target_type, "targetUri": uri}))
        .collect();
    Ok(json!({"targets": targets}))
}

fn internal(error: impl std::error::Error) -> WorkerError {
    WorkerError::internal(&error)
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

/// Returns clients in the target's account, through its pivot role.
async fn account_clients(
    context: &AppContext,
    deployment: &Deployment,
) -> Result<AwsClients, WorkerError> {
    context
        .environment_account(
            &deployment.environment().aws_account_id,
            &deployment.environment().region,
        )
        .await
        .map_err(|error| WorkerError::new("PivotRoleNotAssumable", error.to_string()))
}

async fn deploy(context: &AppContext, deployment: &Deployment) -> Result<Value, WorkerError> {
    let stack_name = deployment.stack_name();
    ensure_record(context, deployment, &stack_name).await?;
    let clients = account_clients(context, deployment).await?;
    let cloudformation = clients.cloudformation();
    let template = deployment.template(context).await?;
    let tags = deployment.tags(context).await?;

    let current_status = match cloudformation
        .describe_stacks()
        .stack_name(&stack_name)
        .send()
        .await
    {
        Ok(output) => output
            .stacks()
            .first()
            .and_then(|stack| stack.stack_status())
            .map(|status| status.as_str().to_owned()),
        Err(error) if error_chain(&error).contains("does not exist") => None,
        Err(error) => return Err(aws_failure("DescribeStacks", &error)),
    };
    if let Some(status) = &current_status
        && !stacks::is_final(status)
    {
        return Err(WorkerError::new(
            "StackBusy",
            format!("stack {stack_name} is {status}; the deployment waits for it to settle"),
        ));
    }
    let exists = current_status.is_some_and(|status| status != "DELETE_COMPLETE");
    let stack_id = if exists {
        let result = cloudformation
            .update_stack()
            .stack_name(&stack_name)
            .template_body(&template)
            .capabilities(Capability::CapabilityNamedIam)
            .set_tags(Some(tags))
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
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|error| aws_failure("CreateStack", &error))?
            .stack_id
    };
    tracing::info!(target_uri = %deployment.target_uri(), %stack_name, update = exists, "stack deployment started");
    stacks::update(&context.store, deployment.target_uri(), |stack| {
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
    Ok(deployment::summary(
        deployment,
        json!({"waitSeconds": context.config.stack_poll_seconds}),
    ))
}

async fn ensure_record(
    context: &AppContext,
    deployment: &Deployment,
    stack_name: &str,
) -> Result<(), WorkerError> {
    let uri = deployment.target_uri();
    if stacks::get(&context.store, uri)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Ok(());
    }
    let environment = deployment.environment();
    let stack = Stack::new(
        deployment.target_type(),
        uri,
        stack_name,
        &environment.aws_account_id,
        &environment.region,
    );
    match stacks::save(&context.store, &stack).await {
        Ok(()) | Err(shared::store::StoreError::ConditionFailed) => Ok(()),
        Err(error) => Err(internal(error)),
    }
}

async fn describe(context: &AppContext, deployment: &Deployment) -> Result<Value, WorkerError> {
    let stack_name = deployment.stack_name();
    let clients = account_clients(context, deployment).await?;
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
    let failed = stacks::is_final(&status) && stacks::is_failure(&status);
    let failure_reason = reason.clone().or_else(|| {
        events
            .iter()
            .find(|event| event.status.ends_with("_FAILED"))
            .and_then(|event| event.reason.clone())
    });
    if stacks::is_final(&status) && !failed {
        deployment.after_deploy(context, &clients).await?;
    }
    stacks::update(&context.store, deployment.target_uri(), |stack| {
        stack.status = status.clone();
        stack.reason = if failed { failure_reason.clone() } else { None };
        stack.outputs = outputs.clone();
        stack.events = events.clone();
        stack.stack_id = described
            .stack_id()
            .map(str::to_owned)
            .or(stack.stack_id.take());
    })
    .await
    .map_err(internal)?;
    if failed {
        return Err(WorkerError::new(
            "StackFailed",
            format!(
                "stack {stack_name} ended {status}: {}",
                failure_reason.unwrap_or_else(|| "no reason given".into())
            ),
        ));
    }
    tracing::info!(target_uri = %deployment.target_uri(), %stack_name, %status, "stack described");
    Ok(deployment::summary(
        deployment,
        json!({"status": status, "done": stacks::is_final(&status), "waitSeconds": context.config.stack_poll_seconds}),
    ))
}

async fn record_failure(
    context: &AppContext,
    target_type: &str,
    uri: &str,
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
    let summary = |recorded: bool| json!({"targetType": target_type, "targetUri": uri, "status": DEPLOY_FAILED, "reason": reason, "recorded": recorded});
    if stacks::get(&context.store, uri)
        .await
        .map_err(internal)?
        .is_none()
    {
        tracing::warn!(target_uri = %uri, %reason, "stack deployment failed for a target without stack record");
        return Ok(summary(false));
    }
    stacks::update(&context.store, uri, |stack| {
        if !stacks::is_failure(&stack.status) {
            stack.status = DEPLOY_FAILED.to_owned();
        }
        stack.reason = Some(reason.clone());
    })
    .await
    .map_err(internal)?;
    tracing::warn!(target_uri = %uri, %reason, "stack deployment failed");
    Ok(summary(true))
}
