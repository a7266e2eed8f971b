//! The Lambda functions: one per route, serving it with its module's binary, and one per
//! worker function, each with its own least-privilege policy and its alarms.

use serde_json::{Map, Value, json};
use shared::functions::{WORKERS, Worker};
use shared::routes::{ROUTES, Route};
use shared::tenant::TENANT_PK;

use crate::access::{self, Access, TableAction};
use crate::template::{self, API, PIVOT_ROLE_EXTERNAL_ID, PIVOT_ROLE_NAME, TABLE, insert};
use crate::{StateMachineFile, pascal_case, state_machines};

/// Timeout of the worker functions, in seconds: one step makes a few CloudFormation calls
/// through the pivot role, each retried by the SDK when throttled.
const WORKER_TIMEOUT: u32 = 120;

/// Seconds the stack deploy workflow waits between two reads of a deploying stack, which
/// `shared::config` also takes when `STACK_POLL_SECONDS` is unset. Stacks take minutes, and
/// every read is a state transition of the workflow.
const STACK_POLL_SECONDS: u64 = 15;

/// Returns the logical ID of the function that serves `route`.
pub fn route_logical_id(route: &Route) -> String {
    format!("{}Function", pascal_case(route.operation))
}

/// Returns the logical ID of a worker function.
pub fn worker_logical_id(worker: &Worker) -> String {
    format!("{}Function", pascal_case(worker.name))
}

/// Adds every route and worker function with its alarms.
pub fn add(
    resources: &mut Map<String, Value>,
    state_machine_files: &[StateMachineFile],
) -> Result<(), String> {
    for route in ROUTES {
        let access = access::of_operation(route.operation).ok_or_else(|| {
            format!(
                "operation {} has no entry in infra/generate/src/access.rs",
                route.operation
            )
        })?;
        require_started(&access, state_machine_files)?;
        let logical_id = route_logical_id(route);
        let description = format!(
            "{} {} ({}), module {}",
            route.method,
            route.path,
            route.operation,
            route.module.name()
        );
        let function = json!({
            "Type": "AWS::Serverless::Function",
            "Metadata": build_metadata(route.module.name()),
            "Properties": {
                "CodeUri": "..",
                "Description": description,
                "Environment": {"Variables": variables(&access)},
                "Events": {
                    "Api": {
                        "Type": "Api",
                        "Properties": {
                            "RestApiId": template::reference(API),
                            "Path": route.path,
                            "Method": route.method.to_ascii_lowercase()
                        }
                    }
                },
                "Policies": [policy(&access, true)]
            }
        });
        insert(resources, &logical_id, function)?;
        add_alarms(resources, &logical_id, &description)?;
    }
    for worker in WORKERS {
        let access = access::of_worker(worker.name).ok_or_else(|| {
            format!(
                "worker {} has no entry in infra/generate/src/access.rs",
                worker.name
            )
        })?;
        require_started(&access, state_machine_files)?;
        let logical_id = worker_logical_id(worker);
        let description = format!("Worker function {}, invoked by state machines", worker.name);
        let function = json!({
            "Type": "AWS::Serverless::Function",
            "Metadata": build_metadata(worker.name),
            "Properties": {
                "CodeUri": "..",
                "Description": description,
                "Timeout": WORKER_TIMEOUT,
                "Environment": {"Variables": variables(&access)},
                "Policies": [policy(&access, false)]
            }
        });
        insert(resources, &logical_id, function)?;
        add_alarms(resources, &logical_id, &description)?;
    }
    Ok(())
}

/// Fails when a state machine that the function starts has no definition file.
fn require_started(access: &Access, files: &[StateMachineFile]) -> Result<(), String> {
    for stem in access.starts {
        if !files.iter().any(|file| file.stem == *stem) {
            return Err(format!(
                "statemachines/{stem}.asl.json is missing; a function in infra/generate/src/access.rs starts it"
            ));
        }
    }
    Ok(())
}

/// Tells `sam build` to build `binary` of the workspace with cargo-lambda. `CodeUri` is the
/// workspace root, because the builder copies `target/lambda/<binary>/bootstrap` from
/// under the folder it builds in.
fn build_metadata(binary: &str) -> Value {
    json!({
        "BuildMethod": "rust-cargolambda",
        "BuildProperties": {"Binary": binary}
    })
}

/// Returns the environment variables that `shared::config` reads, beyond `TABLE_NAME` of
/// the template's globals.
fn variables(access: &Access) -> Value {
    let mut variables = Map::new();
    if access.pivot_role {
        variables.insert(
            "PIVOT_ROLE_NAME".into(),
            template::reference(PIVOT_ROLE_NAME),
        );
        variables.insert(
            "PIVOT_ROLE_EXTERNAL_ID".into(),
            template::reference(PIVOT_ROLE_EXTERNAL_ID),
        );
    }
    for stem in access.starts {
        variables.insert(
            state_machines::arn_variable(stem),
            template::reference(&state_machines::logical_id(stem)),
        );
    }
    if access.user_pool {
        variables.insert(
            "COGNITO_USER_POOL_ID".into(),
            template::reference(template::USER_POOL),
        );
    }
    if access.email {
        variables.insert(
            "EMAIL_SENDER".into(),
            template::reference(template::EMAIL_SENDER),
        );
    }
    if access.stack_poll {
        variables.insert(
            "STACK_POLL_SECONDS".into(),
            json!(STACK_POLL_SECONDS.to_string()),
        );
    }
    Value::Object(variables)
}

/// Builds the policy of a function from its access. An API function (`api_function`) also
/// gets what `shared::api` does before its handler runs: `BatchGetItem` of tenant policies
/// and grants, and `PutItem` of a missing tenant policy.
fn policy(access: &Access, api_function: bool) -> Value {
    let mut actions: Vec<TableAction> = access.table.to_vec();
    if api_function {
        actions.push(TableAction::BatchGetItem);
    }
    actions.sort();
    actions.dedup();
    let table_arn = template::attribute(TABLE, "Arn");
    let mut statements = Vec::new();

    if !actions.is_empty() {
        let names: Vec<&str> = actions.iter().map(|action| action.iam_action()).collect();
        statements.push(json!({
            "Sid": "Table",
            "Effect": "Allow",
            "Action": names,
            "Resource": table_arn
        }));
    }

    if api_function && !actions.contains(&TableAction::PutItem) {
        statements.push(json!({
            "Sid": "CreateTenantPolicy",
            "Effect": "Allow",
            "Action": TableAction::PutItem.iam_action(),
            "Resource": table_arn,
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [TENANT_PK]}
            }
        }));
    }

    if !access.indexes.is_empty() {
        let arns: Vec<Value> = access
            .indexes
            .iter()
            .map(|index| json!({"Fn::Sub": format!("${{{TABLE}.Arn}}/index/{}", index.name())}))
            .collect();
        statements.push(json!({
            "Sid": "Indexes",
            "Effect": "Allow",
            "Action": TableAction::Query.iam_action(),
            "Resource": arns
        }));
    }

    if access.pivot_role {
        statements.push(json!({
            "Sid": "PivotRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": {"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::*:role/${{{PIVOT_ROLE_NAME}}}")}
        }));
    }

    if !access.starts.is_empty() {
        let arns: Vec<Value> = access
            .starts
            .iter()
            .map(|stem| template::reference(&state_machines::logical_id(stem)))
            .collect();
        statements.push(json!({
            "Sid": "StartWorkflows",
            "Effect": "Allow",
            "Action": "states:StartExecution",
            "Resource": arns
        }));
    }

    if access.user_pool {
        statements.push(json!({
            "Sid": "ListTeamMembers",
            "Effect": "Allow",
            "Action": "cognito-idp:ListUsersInGroup",
            "Resource": template::attribute(template::USER_POOL, "Arn")
        }));
    }

    if access.email {
        statements.push(json!({
            "Sid": "SendEmail",
            "Effect": "Allow",
            "Action": "ses:SendEmail",
            "Resource": {"Fn::Sub": format!(
                "arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/${{{}}}",
                template::EMAIL_SENDER
            )}
        }));
    }

    json!({"Version": "2012-10-17", "Statement": statements})
}

/// Adds the alarms on a function's errors and throttles.
fn add_alarms(
    resources: &mut Map<String, Value>,
    logical_id: &str,
    description: &str,
) -> Result<(), String> {
    let dimensions = json!([{"Name": "FunctionName", "Value": template::reference(logical_id)}]);
    for (metric, what) in [
        ("Errors", "Failed invocations"),
        ("Throttles", "Throttled invocations"),
    ] {
        insert(
            resources,
            &format!("{logical_id}{metric}Alarm"),
            template::alarm(
                &format!("{what}: {description}"),
                "AWS/Lambda",
                metric,
                dimensions.clone(),
            ),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::config::Config;

    #[test]
    fn stack_poll_matches_config_default() {
        let config = Config::from_lookup(|name| match name {
            "TABLE_NAME" => Some("table".to_owned()),
            "AWS_REGION" => Some("eu-west-1".to_owned()),
            _ => None,
        })
        .expect("the configuration reads");
        assert_eq!(config.stack_poll_seconds, STACK_POLL_SECONDS);
    }
}
