//! The OpenAPI record schemas list exactly the properties that the records of `shared`
//! serialize. Each record is built field by field, so a new field fails to compile here
//! until the record is updated, and then fails the comparison until the schema is.

use std::collections::{BTreeMap, BTreeSet};

use infra_generate::schemas::components;
use serde::Serialize;
use serde_json::Value;
use shared::domain::environments::{ConsumptionRole, Environment, EnvironmentTeam, KeyValueTag};
use shared::domain::organizations::{Organization, OrganizationTeam};
use shared::domain::stacks::{Stack, StackEvent};
use shared::tenant::TenantPolicy;

fn text() -> String {
    "x".to_owned()
}

/// Returns the property names of a serialized record.
fn serialized_keys(record: &impl Serialize) -> BTreeSet<String> {
    match serde_json::to_value(record).expect("the record serializes") {
        Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("a record serializes to an object, not {other}"),
    }
}

/// Returns the property names of a component schema and its required ones.
fn schema_keys(
    schemas: &serde_json::Map<String, Value>,
    name: &str,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let schema = &schemas[name];
    let properties = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {name} has no properties"))
        .keys()
        .cloned()
        .collect();
    let required = schema["required"]
        .as_array()
        .unwrap_or_else(|| panic!("schema {name} has no required list"))
        .iter()
        .filter_map(|key| key.as_str().map(str::to_owned))
        .collect();
    (properties, required)
}

fn records() -> BTreeMap<&'static str, BTreeSet<String>> {
    let event = StackEvent {
        timestamp: text(),
        logical_id: text(),
        resource_type: text(),
        status: text(),
        reason: None,
    };
    BTreeMap::from([
        (
            "Organization",
            serialized_keys(&Organization {
                uri: text(),
                label: text(),
                description: text(),
                tags: vec![],
                admin_team: text(),
                owner: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "OrganizationTeam",
            serialized_keys(&OrganizationTeam {
                organization_uri: text(),
                team: text(),
                permissions: vec![],
                invited_by: text(),
                is_admin_team: false,
                created: text(),
                updated: text(),
            }),
        ),
        (
            "Environment",
            serialized_keys(&Environment {
                uri: text(),
                organization_uri: text(),
                label: text(),
                description: text(),
                tags: vec![],
                aws_account_id: text(),
                region: text(),
                admin_team: text(),
                resource_prefix: text(),
                owner: text(),
                default_bucket_name: text(),
                admin_role_name: text(),
                admin_role_arn: text(),
                athena_workgroup: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "EnvironmentTeam",
            serialized_keys(&EnvironmentTeam {
                environment_uri: text(),
                team: text(),
                permissions: vec![],
                iam_role_name: text(),
                iam_role_arn: text(),
                athena_workgroup: text(),
                is_admin_team: false,
                invited_by: text(),
                created: text(),
                updated: text(),
            }),
        ),
        (
            "ConsumptionRole",
            serialized_keys(&ConsumptionRole {
                uri: text(),
                environment_uri: text(),
                label: text(),
                team: text(),
                iam_role_arn: text(),
                iam_role_name: text(),
                owner: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "KeyValueTag",
            serialized_keys(&KeyValueTag {
                key: text(),
                value: text(),
            }),
        ),
        ("StackEvent", serialized_keys(&event)),
        (
            "Stack",
            serialized_keys(&Stack {
                target_uri: text(),
                target_type: text(),
                stack_name: text(),
                account_id: text(),
                region: text(),
                status: text(),
                reason: None,
                stack_id: None,
                outputs: BTreeMap::new(),
                events: vec![event.clone()],
                execution_arn: None,
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "TenantPolicy",
            serialized_keys(&TenantPolicy {
                team: text(),
                permissions: vec![],
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
    ])
}

#[test]
fn record_schemas_match_serialized_records() {
    let schemas = components();
    for (name, keys) in records() {
        let (properties, required) = schema_keys(&schemas, name);
        assert_eq!(properties, keys, "properties of schema {name}");
        assert_eq!(required, keys, "required properties of schema {name}");
    }
}
