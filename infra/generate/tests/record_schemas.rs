//! The OpenAPI record schemas list exactly the properties that the records of `shared`
//! serialize. Each record is built field by field, so a new field fails to compile here
//! until the record is updated, and then fails the comparison until the schema is.

use std::collections::{BTreeMap, BTreeSet};

use infra_generate::schemas::components;
use serde::Serialize;
use serde_json::Value;
use shared::domain::datasets::{Column, Dataset, Folder, Table};
use shared::domain::environments::{ConsumptionRole, Environment, EnvironmentTeam, KeyValueTag};
use shared::domain::feeds::FeedMessage;
use shared::domain::glossaries::{GlossaryNode, TermLink};
use shared::domain::organizations::{Organization, OrganizationTeam};
use shared::domain::stacks::{Stack, StackEvent};
use shared::notifications::Notification;
use shared::shares::{Share, ShareItem, Statistics};
use shared::table_sync::SyncSummary;
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
    let column = Column {
        uri: text(),
        name: text(),
        type_name: text(),
        column_type: text(),
        description: text(),
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
            "Dataset",
            serialized_keys(&Dataset {
                uri: text(),
                environment_uri: text(),
                organization_uri: text(),
                label: text(),
                description: text(),
                tags: vec![],
                topics: vec![],
                confidentiality: text(),
                owner_team: text(),
                stewards_team: text(),
                auto_approval: false,
                owner: text(),
                aws_account_id: text(),
                region: text(),
                bucket_name: text(),
                glue_database_name: text(),
                kms_alias: text(),
                iam_role_name: text(),
                iam_role_arn: text(),
                imported: false,
                imported_glue_database: false,
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        ("Column", serialized_keys(&column)),
        (
            "Table",
            serialized_keys(&Table {
                uri: text(),
                dataset_uri: text(),
                label: text(),
                name: text(),
                description: text(),
                tags: vec![],
                topics: vec![],
                glue_database_name: text(),
                location: text(),
                status: text(),
                columns: vec![column.clone()],
                aws_account_id: text(),
                region: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "Folder",
            serialized_keys(&Folder {
                uri: text(),
                dataset_uri: text(),
                label: text(),
                description: text(),
                tags: vec![],
                prefix: text(),
                bucket_name: text(),
                aws_account_id: text(),
                region: text(),
                owner: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "SyncSummary",
            serialized_keys(&SyncSummary {
                added: 0,
                updated: 0,
                deleted: 0,
                total: 0,
            }),
        ),
        (
            "Share",
            serialized_keys(&Share {
                uri: text(),
                dataset_uri: text(),
                dataset_label: text(),
                environment_uri: text(),
                requester_team: text(),
                principal_type: text(),
                principal_id: text(),
                principal_name: text(),
                principal_role_arn: text(),
                permissions: vec![],
                request_purpose: text(),
                reject_purpose: text(),
                status: text(),
                owner: text(),
                aws_account_id: text(),
                region: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "ShareItem",
            serialized_keys(&ShareItem {
                uri: text(),
                share_uri: text(),
                item_type: text(),
                item_uri: text(),
                item_name: text(),
                status: text(),
                health_status: None,
                health_message: None,
                last_verification_time: None,
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "ShareStatistics",
            serialized_keys(&Statistics {
                shared_items: 0,
                revoked_items: 0,
                failed_items: 0,
                pending_items: 0,
            }),
        ),
        (
            "Notification",
            serialized_keys(&Notification {
                uri: text(),
                recipient: text(),
                notification_type: text(),
                message: text(),
                target_uri: text(),
                is_read: false,
                created: text(),
                version: 1,
            }),
        ),
        (
            "GlossaryNode",
            serialized_keys(&GlossaryNode {
                node_uri: text(),
                parent_uri: None,
                node_type: text(),
                path: text(),
                label: text(),
                readme: text(),
                admin: None,
                owner: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "TermLink",
            serialized_keys(&TermLink {
                link_uri: text(),
                node_uri: text(),
                glossary_uri: text(),
                term_path: text(),
                target_type: text(),
                target_uri: text(),
                dataset_uri: text(),
                status: text(),
                owner: text(),
                created: text(),
                updated: text(),
                version: 1,
            }),
        ),
        (
            "FeedMessage",
            serialized_keys(&FeedMessage {
                message_uri: text(),
                target_type: text(),
                target_uri: text(),
                content: text(),
                creator: text(),
                created: text(),
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
