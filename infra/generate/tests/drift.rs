//! Drift guards: the committed `infra/template.yaml` and `infra/openapi.json` are what the
//! generator writes now, and they hold exactly the routes, worker functions, state machines
//! and schedules of the code.

use std::collections::BTreeMap;

use infra_generate::{
    OPENAPI_PATH, StateMachineFile, TEMPLATE_PATH, read_state_machines, render_openapi,
    render_template, schemas, substitutions, workspace_root,
};
use serde_json::Value;
use shared::config::Config;
use shared::functions::WORKERS;
use shared::routes::ROUTES;
use shared::schedules::SCHEDULES;

const REGENERATE: &str = "run `cargo run -p infra-generate` and commit the result";

fn read_committed(path: &str) -> String {
    let full = workspace_root().join(path);
    std::fs::read_to_string(&full)
        .unwrap_or_else(|error| panic!("could not read {}: {error}", full.display()))
}

fn state_machine_files() -> Vec<StateMachineFile> {
    read_state_machines(&workspace_root()).expect("statemachines/ is readable")
}

fn committed_template() -> Value {
    serde_norway::from_str(&read_committed(TEMPLATE_PATH))
        .unwrap_or_else(|error| panic!("{TEMPLATE_PATH} is not valid YAML: {error}"))
}

fn committed_openapi() -> Value {
    serde_json::from_str(&read_committed(OPENAPI_PATH))
        .unwrap_or_else(|error| panic!("{OPENAPI_PATH} is not valid JSON: {error}"))
}

/// Returns the resources of the template of `resource_type`, by logical ID.
fn resources_of_type<'a>(template: &'a Value, resource_type: &str) -> BTreeMap<&'a str, &'a Value> {
    template["Resources"]
        .as_object()
        .expect("the template has Resources")
        .iter()
        .filter(|(_, resource)| resource["Type"] == resource_type)
        .map(|(logical_id, resource)| (logical_id.as_str(), resource))
        .collect()
}

/// Returns the first line where `committed` and `generated` differ, as a message.
fn first_difference(committed: &str, generated: &str) -> Option<String> {
    let mut committed_lines = committed.lines();
    let mut generated_lines = generated.lines();
    for number in 1.. {
        match (committed_lines.next(), generated_lines.next()) {
            (None, None) => return None,
            (left, right) if left == right => continue,
            (left, right) => {
                return Some(format!(
                    "line {number}: committed {left:?}, generated {right:?}"
                ));
            }
        }
    }
    None
}

#[test]
fn committed_template_is_generated() {
    let generated = render_template(&state_machine_files()).expect("the template generates");
    if let Some(difference) = first_difference(&read_committed(TEMPLATE_PATH), &generated) {
        panic!("{TEMPLATE_PATH} differs from the generator's output at {difference}; {REGENERATE}");
    }
}

#[test]
fn committed_openapi_is_generated() {
    let generated = render_openapi().expect("the OpenAPI document generates");
    if let Some(difference) = first_difference(&read_committed(OPENAPI_PATH), &generated) {
        panic!("{OPENAPI_PATH} differs from the generator's output at {difference}; {REGENERATE}");
    }
}

#[test]
fn template_yaml_reads_back_unchanged() {
    let generated =
        infra_generate::template::template(&state_machine_files()).expect("the template generates");
    assert_eq!(committed_template(), generated);
}

#[test]
fn every_route_has_one_function_and_event() {
    let template = committed_template();
    let functions = resources_of_type(&template, "AWS::Serverless::Function");
    let mut events = Vec::new();
    for (logical_id, function) in &functions {
        let Some(function_events) = function["Properties"]["Events"].as_object() else {
            continue;
        };
        let api_events: Vec<&Value> = function_events
            .values()
            .filter(|event| event["Type"] == "Api")
            .collect();
        assert!(
            api_events.len() <= 1,
            "{logical_id} has {} API events",
            api_events.len()
        );
        for event in api_events {
            let method = event["Properties"]["Method"].as_str().unwrap_or_default();
            let path = event["Properties"]["Path"].as_str().unwrap_or_default();
            let binary = function["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap_or_default();
            events.push((
                method.to_ascii_uppercase(),
                path.to_owned(),
                *logical_id,
                binary,
            ));
        }
    }
    for route in ROUTES {
        let matching: Vec<_> = events
            .iter()
            .filter(|(method, path, _, _)| method == route.method && path == route.path)
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "functions with an API event for {} {}",
            route.method,
            route.path
        );
        let (_, _, logical_id, binary) = matching[0];
        assert_eq!(
            *binary,
            route.module.name(),
            "binary of {logical_id}, which serves {}",
            route.operation
        );
    }
    for (method, path, logical_id, _) in &events {
        assert!(
            ROUTES
                .iter()
                .any(|route| route.method == method && route.path == path),
            "{logical_id} serves {method} {path}, which is not in the route table"
        );
    }
    assert_eq!(events.len(), ROUTES.len());
}

#[test]
fn every_worker_has_one_function() {
    let template = committed_template();
    let functions = resources_of_type(&template, "AWS::Serverless::Function");
    for worker in WORKERS {
        let matching: Vec<_> = functions
            .iter()
            .filter(|(_, function)| {
                function["Metadata"]["BuildProperties"]["Binary"] == worker.name
            })
            .collect();
        assert_eq!(matching.len(), 1, "functions of worker {}", worker.name);
        let (logical_id, function) = matching[0];
        assert!(
            function["Properties"]["Events"].is_null(),
            "worker function {logical_id} has events"
        );
    }
}

#[test]
fn every_route_has_one_operation() {
    let document = committed_openapi();
    let mut operations = Vec::new();
    for (path, item) in document["paths"]
        .as_object()
        .expect("the document has paths")
    {
        for (method, operation) in item.as_object().expect("a path item is an object") {
            let id = operation["operationId"].as_str().unwrap_or_default();
            operations.push((method.to_ascii_uppercase(), path.as_str(), id));
        }
    }
    for route in ROUTES {
        let matching: Vec<_> = operations
            .iter()
            .filter(|(method, path, _)| method == route.method && *path == route.path)
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "operations for {} {}",
            route.method,
            route.path
        );
        assert_eq!(
            matching[0].2, route.operation,
            "operationId of {}",
            route.path
        );
    }
    for (method, path, id) in &operations {
        assert!(
            ROUTES.iter().any(|route| route.method == method
                && route.path == *path
                && route.operation == *id),
            "operation {id} ({method} {path}) is not in the route table"
        );
    }
}

#[test]
fn every_operation_has_schemas() {
    let document = committed_openapi();
    for route in ROUTES {
        let operation_schemas = schemas::of_operation(route.operation)
            .unwrap_or_else(|| panic!("operation {} has no schemas", route.operation));
        let operation = &document["paths"][route.path][route.method.to_ascii_lowercase()];
        let success = &operation["responses"][operation_schemas.status.to_string()];
        assert!(
            success["content"]["application/json"]["schema"].is_object(),
            "{} has no response schema",
            route.operation
        );
        let request = &operation["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            request.is_object(),
            operation_schemas.request.is_some(),
            "request schema of {}",
            route.operation
        );
    }
    for operation in schemas::operations() {
        assert!(
            ROUTES.iter().any(|route| route.operation == operation),
            "schemas of {operation}, which has no route"
        );
    }
}

#[test]
fn writes_with_a_body_have_a_request_schema() {
    // Operations that change state without reading a request body.
    const WITHOUT_BODY: [&str; 7] = [
        "updateEnvironmentStack",
        "syncDatasetTables",
        "submitShare",
        "approveShare",
        "markNotificationRead",
        "approveTermLink",
        "dismissTermLink",
    ];
    for route in ROUTES {
        if !matches!(route.method, "POST" | "PUT" | "PATCH") {
            continue;
        }
        let request = schemas::of_operation(route.operation).and_then(|schemas| schemas.request);
        assert_eq!(
            request.is_none(),
            WITHOUT_BODY.contains(&route.operation),
            "request schema of {}",
            route.operation
        );
    }
}

/// Collects every `$ref` of a JSON value.
fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target);
            }
            map.values().for_each(|child| references(child, found));
        }
        Value::Array(items) => items.iter().for_each(|child| references(child, found)),
        _ => {}
    }
}

#[test]
fn openapi_references_resolve() {
    let document = committed_openapi();
    let mut found = Vec::new();
    references(&document, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{target} is not a local reference"));
        assert!(
            document.pointer(pointer).is_some(),
            "{target} does not resolve"
        );
    }
}

#[test]
fn every_state_machine_file_is_referenced() {
    let template = committed_template();
    let machines = resources_of_type(&template, "AWS::Serverless::StateMachine");
    let files = state_machine_files();
    assert!(!files.is_empty());
    for file in &files {
        let uri = format!("../statemachines/{}.asl.json", file.stem);
        let matching: Vec<_> = machines
            .iter()
            .filter(|(_, machine)| machine["Properties"]["DefinitionUri"] == uri.as_str())
            .collect();
        assert_eq!(matching.len(), 1, "state machines defined by {uri}");
        assert_eq!(
            matching[0].1["Properties"]["Name"],
            format!("dataall-{}", file.stem),
            "name of the state machine of {uri}"
        );
    }
    assert_eq!(machines.len(), files.len(), "state machines without a file");
}

#[test]
fn every_substitution_has_an_entry() {
    let template = committed_template();
    let machines = resources_of_type(&template, "AWS::Serverless::StateMachine");
    let functions = resources_of_type(&template, "AWS::Serverless::Function");
    for file in state_machine_files() {
        let uri = format!("../statemachines/{}.asl.json", file.stem);
        let machine = machines
            .values()
            .find(|machine| machine["Properties"]["DefinitionUri"] == uri.as_str())
            .unwrap_or_else(|| panic!("no state machine is defined by {uri}"));
        let entries = &machine["Properties"]["DefinitionSubstitutions"];
        for substitution in substitutions(&file.definition) {
            let entry = &entries[&substitution];
            assert!(
                !entry.is_null(),
                "{uri} uses ${{{substitution}}}, which has no DefinitionSubstitutions entry"
            );
            let target = entry["Fn::GetAtt"][0].as_str().unwrap_or_default();
            assert!(
                functions.contains_key(target),
                "${{{substitution}}} of {uri} is {entry}, not the ARN of a function"
            );
        }
    }
}

#[test]
fn every_schedule_is_in_the_template() {
    let template = committed_template();
    let machines = resources_of_type(&template, "AWS::Serverless::StateMachine");
    let mut scheduled = Vec::new();
    for machine in machines.values() {
        let Some(events) = machine["Properties"]["Events"].as_object() else {
            continue;
        };
        for event in events.values().filter(|event| event["Type"] == "Schedule") {
            scheduled.push((
                machine["Properties"]["DefinitionUri"]
                    .as_str()
                    .unwrap_or_default(),
                event["Properties"]["Schedule"].as_str().unwrap_or_default(),
                event["Properties"]["Input"].as_str().unwrap_or_default(),
            ));
        }
    }
    for schedule in SCHEDULES {
        let uri = format!("../statemachines/{}.asl.json", schedule.state_machine);
        let matching = scheduled
            .iter()
            .filter(|(definition, expression, input)| {
                *definition == uri && *expression == schedule.expression && *input == schedule.input
            })
            .count();
        assert_eq!(matching, 1, "template events of schedule {}", schedule.name);
    }
    assert_eq!(
        scheduled.len(),
        SCHEDULES.len(),
        "schedule events in the template"
    );
}

#[test]
fn table_keeps_backups_and_changes() {
    let template = committed_template();
    let table = &template["Resources"]["Table"]["Properties"];
    assert_eq!(table["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(
        table["StreamSpecification"]["StreamViewType"],
        "NEW_AND_OLD_IMAGES"
    );
    let indexes = table["GlobalSecondaryIndexes"]
        .as_array()
        .expect("the table has indexes");
    assert_eq!(indexes.len(), 2);
    for index in indexes {
        assert_eq!(index["Projection"]["ProjectionType"], "ALL");
    }
}

#[test]
fn function_variables_are_read_by_config() {
    let template = committed_template();
    let mut names: Vec<String> = template["Globals"]["Function"]["Environment"]["Variables"]
        .as_object()
        .expect("the globals set variables")
        .keys()
        .cloned()
        .collect();
    for function in resources_of_type(&template, "AWS::Serverless::Function").values() {
        if let Some(variables) = function["Properties"]["Environment"]["Variables"].as_object() {
            names.extend(variables.keys().cloned());
        }
    }
    names.sort();
    names.dedup();
    let read = std::cell::RefCell::new(Vec::new());
    Config::from_lookup(|name| {
        read.borrow_mut().push(name.to_owned());
        match name {
            "TABLE_NAME" => Some("table".to_owned()),
            "AWS_REGION" => Some("eu-west-1".to_owned()),
            _ => None,
        }
    })
    .expect("the configuration reads");
    let read = read.into_inner();
    for name in &names {
        assert!(
            read.contains(name),
            "the template sets {name}, which shared::config does not read"
        );
    }
}

#[test]
fn share_worker_gets_user_pool_and_sender() {
    let template = committed_template();
    let function = &template["Resources"]["ShareWorkerFunction"]["Properties"];
    let variables = &function["Environment"]["Variables"];
    assert_eq!(variables["COGNITO_USER_POOL_ID"]["Ref"], "UserPool");
    assert_eq!(variables["EMAIL_SENDER"]["Ref"], "EmailSender");
    let policy = function["Policies"][0].to_string();
    assert!(policy.contains("cognito-idp:ListUsersInGroup"), "{policy}");
    assert!(policy.contains("ses:SendEmail"), "{policy}");
}

#[test]
fn started_state_machines_have_arn_variables() {
    let template = committed_template();
    for (logical_id, function) in resources_of_type(&template, "AWS::Serverless::Function") {
        let Some(statements) = function["Properties"]["Policies"][0]["Statement"].as_array() else {
            continue;
        };
        let variables = &function["Properties"]["Environment"]["Variables"];
        for statement in statements {
            if statement["Action"] != "states:StartExecution" {
                continue;
            }
            for resource in statement["Resource"].as_array().expect("a list of ARNs") {
                let machine = resource["Ref"].as_str().unwrap_or_default();
                let set = variables
                    .as_object()
                    .is_some_and(|map| map.values().any(|value| value["Ref"] == machine));
                assert!(
                    set,
                    "{logical_id} may start {machine} but no variable holds its ARN"
                );
            }
        }
    }
}
