//! Starting Step Functions executions from API handlers.

use crate::aws::error_chain;
use crate::context::AppContext;
use crate::domain::stacks;
use crate::error::ApiError;

/// Starts an execution of `state_machine_arn` named `<target>-<action>-<milliseconds>`, so
/// the execution list shows what each run was for. Returns the execution ARN.
pub async fn start(
    context: &AppContext,
    state_machine_arn: &str,
    target: &str,
    action: &str,
    input: &serde_json::Value,
) -> Result<String, ApiError> {
    let name = format!(
        "{target}-{action}-{}",
        chrono::Utc::now().timestamp_millis()
    );
    let output = context
        .aws
        .sfn()
        .start_execution()
        .state_machine_arn(state_machine_arn)
        .name(&name)
        .input(input.to_string())
        .send()
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "StartExecution {name} failed: {}",
                error_chain(&error)
            ))
        })?;
    tracing::info!(execution = %name, "workflow started");
    Ok(output.execution_arn)
}

/// Starts the stack deploy workflow for a target.
pub async fn deploy_stack(
    context: &AppContext,
    target_type: &str,
    target_uri: &str,
) -> Result<String, ApiError> {
    let arn = context
        .config
        .stack_deploy_state_machine_arn
        .as_deref()
        .ok_or_else(|| ApiError::internal("STACK_DEPLOY_STATE_MACHINE_ARN is not configured"))?;
    let input = serde_json::json!({"targetType": target_type, "targetUri": target_uri});
    start(context, arn, target_uri, "deploy", &input).await
}

/// Starts a redeployment of a target's stack after a change. A failure to start is recorded
/// on the stack and logged, not returned, because the change itself is already stored and a
/// redeployment can be requested again. Returns the execution ARN when one started.
pub async fn redeploy_after_change(
    context: &AppContext,
    target_type: &str,
    target_uri: &str,
) -> Option<String> {
    match deploy_stack(context, target_type, target_uri).await {
        Ok(execution_arn) => {
            let recorded = stacks::update(&context.store, target_uri, |stack| {
                stack.execution_arn = Some(execution_arn.clone());
            })
            .await;
            if let Err(error) = recorded {
                tracing::warn!(%target_uri, %error, "could not record the deployment execution");
            }
            Some(execution_arn)
        }
        Err(error) => {
            tracing::error!(%target_uri, %error, "could not start the stack deployment");
            let reason = format!("the deployment could not start: {error}");
            let recorded = stacks::update(&context.store, target_uri, |stack| {
                stack.status = stacks::DEPLOY_FAILED.to_owned();
                stack.reason = Some(reason.clone());
            })
            .await;
            if let Err(error) = recorded {
                tracing::warn!(%target_uri, %error, "could not record the failed deployment start");
            }
            None
        }
    }
}
