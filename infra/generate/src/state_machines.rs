//! The state machines of `statemachines/`, their schedules and their alarms.

use serde_json::{Map, Value, json};
use shared::functions::WORKERS;
use shared::schedules::SCHEDULES;

use crate::functions::worker_logical_id;
use crate::template::{self, insert};
use crate::{STATE_MACHINES_DIR, StateMachineFile, pascal_case, substitutions};

/// File stems of the state machines that functions start.
pub const STACK_DEPLOY: &str = "stack-deploy";
pub const SHARE_APPROVE: &str = "share-approve";
pub const SHARE_REVOKE: &str = "share-revoke";
pub const SHARE_NOTIFY: &str = "share-notify";
pub const SHARE_VERIFY: &str = "share-verify";
pub const SHARE_REAPPLY: &str = "share-reapply";

/// Returns the logical ID of the state machine of `statemachines/<stem>.asl.json`.
pub fn logical_id(stem: &str) -> String {
    format!("{}StateMachine", pascal_case(stem))
}

/// Returns the environment variable that contains the ARN of the state machine of
/// `statemachines/<stem>.asl.json`, as `shared::config` reads it: `stack-deploy` gives
/// `STACK_DEPLOY_STATE_MACHINE_ARN`.
pub fn arn_variable(stem: &str) -> String {
    format!(
        "{}_STATE_MACHINE_ARN",
        stem.to_ascii_uppercase().replace('-', "_")
    )
}

/// Returns the state machine name, the one the local host gives it too.
pub fn name(stem: &str) -> String {
    format!("dataall-{stem}")
}

/// Adds one state machine per file, with the schedules that start it and an alarm on its
/// failed executions.
pub fn add(resources: &mut Map<String, Value>, files: &[StateMachineFile]) -> Result<(), String> {
    for schedule in SCHEDULES {
        if !files.iter().any(|file| file.stem == schedule.state_machine) {
            return Err(format!(
                "schedule {} starts {STATE_MACHINES_DIR}/{}.asl.json, which is missing",
                schedule.name, schedule.state_machine
            ));
        }
    }
    for file in files {
        let logical_id = logical_id(&file.stem);
        let mut definition_substitutions = Map::new();
        let mut statements = Vec::new();
        for substitution in substitutions(&file.definition) {
            let worker = WORKERS
                .iter()
                .find(|worker| worker.substitution == substitution)
                .ok_or_else(|| {
                    format!(
                        "{STATE_MACHINES_DIR}/{}.asl.json uses ${{{substitution}}}, which is the substitution of no worker in shared/src/functions.rs",
                        file.stem
                    )
                })?;
            let function_arn = template::attribute(&worker_logical_id(worker), "Arn");
            definition_substitutions.insert(substitution, function_arn.clone());
            statements.push(json!({
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Resource": function_arn
            }));
        }
        let mut properties = json!({
            "Name": name(&file.stem),
            "Type": "STANDARD",
            "DefinitionUri": format!("../{STATE_MACHINES_DIR}/{}.asl.json", file.stem),
            "DefinitionSubstitutions": definition_substitutions
        });
        if !statements.is_empty() {
            properties["Policies"] = json!([{"Version": "2012-10-17", "Statement": statements}]);
        }
        let events: Map<String, Value> = SCHEDULES
            .iter()
            .filter(|schedule| schedule.state_machine == file.stem)
            .map(|schedule| {
                let event = json!({
                    "Type": "Schedule",
                    "Properties": {
                        "Schedule": schedule.expression,
                        "Input": schedule.input,
                        "Description": format!("Schedule {}", schedule.name)
                    }
                });
                (format!("{}Schedule", pascal_case(schedule.name)), event)
            })
            .collect();
        if !events.is_empty() {
            properties["Events"] = Value::Object(events);
        }
        insert(
            resources,
            &logical_id,
            json!({"Type": "AWS::Serverless::StateMachine", "Properties": properties}),
        )?;
        insert(
            resources,
            &format!("{logical_id}FailedAlarm"),
            template::alarm(
                &format!("Failed executions of state machine {}", name(&file.stem)),
                "AWS/States",
                "ExecutionsFailed",
                json!([{"Name": "StateMachineArn", "Value": template::reference(&logical_id)}]),
            ),
        )?;
    }
    Ok(())
}
