//! Request and response schemas of the operations.
//!
//! The request schemas are written from the handlers' request structs, which are private to
//! the function crates and deserialize with `rename_all = "camelCase"` and
//! `deny_unknown_fields`, so every request schema rejects other properties. The record
//! schemas follow `shared::domain` and `shared::tenant`; a test serializes each record and
//! compares its keys with the schema. An `Option` field serializes as `null` when empty,
//! so records list every property as required and mark those `nullable`.

use serde_json::{Map, Value, json};
use shared::api::{DEFAULT_LIMIT, MAX_LIMIT};
use shared::names::MAX_RESOURCE_PREFIX_LENGTH;
use shared::permissions::{ENVIRONMENT_INVITABLE, ORGANIZATION_INVITABLE, TENANT_PERMISSIONS};
use shared::uri::URI_LENGTH;
use shared::validate::{MAX_DESCRIPTION_LENGTH, MAX_LABEL_LENGTH, MAX_TAG_LENGTH, MAX_TAGS};

/// The success response body of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// The component schema of that name.
    Schema(&'static str),
    /// A page `{"items": [...], "nextToken": ...}` of the component schema of that name.
    Page(&'static str),
}

/// A query parameter an operation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    /// `limit`, the page size.
    Limit,
    /// `nextToken`, from the previous page.
    NextToken,
    /// `deleteFromAws` of `deleteEnvironment`.
    DeleteFromAws,
}

/// The schemas of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSchemas {
    /// The component schema of the JSON request body, when the handler reads one.
    pub request: Option<&'static str>,
    /// The status of a successful response.
    pub status: u16,
    pub response: Body,
    pub query: &'static [Query],
}

const fn read(response: Body) -> OperationSchemas {
    OperationSchemas {
        request: None,
        status: 200,
        response,
        query: &[],
    }
}

const fn write(request: &'static str, status: u16, response: Body) -> OperationSchemas {
    OperationSchemas {
        request: Some(request),
        status,
        response,
        query: &[],
    }
}

use Body::{Page, Schema};

/// Paging parameters of the lists that page. The other lists return every item with a
/// `nextToken` of `null`.
const PAGING: &[Query] = &[Query::Limit, Query::NextToken];

/// Schemas of each route, by operation.
const OPERATIONS: &[(&str, OperationSchemas)] = &[
    ("getMe", read(Schema("Me"))),
    ("listTenantPermissions", read(Page("TenantPermission"))),
    ("listTenantTeams", read(Page("TenantPolicy"))),
    (
        "updateTenantTeamPermissions",
        write(
            "UpdateTenantTeamPermissionsRequest",
            200,
            Schema("TenantPolicy"),
        ),
    ),
    (
        "createOrganization",
        write("CreateOrganizationRequest", 201, Schema("OrganizationView")),
    ),
    (
        "listOrganizations",
        OperationSchemas {
            query: PAGING,
            ..read(Page("OrganizationView"))
        },
    ),
    ("getOrganization", read(Schema("OrganizationView"))),
    (
        "updateOrganization",
        write("UpdateOrganizationRequest", 200, Schema("OrganizationView")),
    ),
    ("archiveOrganization", read(Schema("OrganizationArchived"))),
    ("listOrganizationTeams", read(Page("OrganizationTeam"))),
    (
        "inviteOrganizationTeam",
        write(
            "InviteOrganizationTeamRequest",
            201,
            Schema("OrganizationTeam"),
        ),
    ),
    (
        "updateOrganizationTeam",
        write(
            "UpdateOrganizationTeamRequest",
            200,
            Schema("OrganizationTeam"),
        ),
    ),
    (
        "removeOrganizationTeam",
        read(Schema("OrganizationTeamRemoved")),
    ),
    ("listOrganizationEnvironments", read(Page("Environment"))),
    (
        "createEnvironment",
        write("CreateEnvironmentRequest", 201, Schema("EnvironmentView")),
    ),
    (
        "listEnvironments",
        OperationSchemas {
            query: PAGING,
            ..read(Page("EnvironmentView"))
        },
    ),
    ("getEnvironment", read(Schema("EnvironmentView"))),
    (
        "updateEnvironment",
        write("UpdateEnvironmentRequest", 200, Schema("EnvironmentView")),
    ),
    (
        "deleteEnvironment",
        OperationSchemas {
            query: &[Query::DeleteFromAws],
            ..read(Schema("EnvironmentDeleted"))
        },
    ),
    ("listEnvironmentTeams", read(Page("EnvironmentTeam"))),
    (
        "inviteEnvironmentTeam",
        write(
            "InviteEnvironmentTeamRequest",
            201,
            Schema("EnvironmentTeam"),
        ),
    ),
    (
        "updateEnvironmentTeam",
        write(
            "UpdateEnvironmentTeamRequest",
            200,
            Schema("EnvironmentTeam"),
        ),
    ),
    (
        "removeEnvironmentTeam",
        read(Schema("EnvironmentTeamRemoved")),
    ),
    ("listConsumptionRoles", read(Page("ConsumptionRole"))),
    (
        "addConsumptionRole",
        write("AddConsumptionRoleRequest", 201, Schema("ConsumptionRole")),
    ),
    (
        "updateConsumptionRole",
        write(
            "UpdateConsumptionRoleRequest",
            200,
            Schema("ConsumptionRole"),
        ),
    ),
    (
        "removeConsumptionRole",
        read(Schema("ConsumptionRoleRemoved")),
    ),
    ("getEnvironmentStack", read(Schema("Stack"))),
    (
        "updateEnvironmentStack",
        OperationSchemas {
            status: 202,
            ..read(Schema("StackDeploymentStarted"))
        },
    ),
    ("getEnvironmentTags", read(Page("KeyValueTag"))),
    (
        "updateEnvironmentTags",
        write("UpdateEnvironmentTagsRequest", 200, Page("KeyValueTag")),
    ),
];

/// Returns the schemas of the route with `operation`.
pub fn of_operation(operation: &str) -> Option<OperationSchemas> {
    OPERATIONS
        .iter()
        .find(|(name, _)| *name == operation)
        .map(|(_, schemas)| *schemas)
}

/// Returns the names of the operations that have schemas, to find entries without a route.
pub fn operations() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().map(|(name, _)| *name)
}

/// Returns the schema of a query parameter.
pub fn query_parameter(query: Query) -> Value {
    match query {
        Query::Limit => json!({
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
        }),
        Query::NextToken => json!({
            "name": "nextToken",
            "in": "query",
            "required": false,
            "description": "The nextToken of the previous page; omit it for the first page",
            "schema": {"type": "string"}
        }),
        Query::DeleteFromAws => json!({
            "name": "deleteFromAws",
            "in": "query",
            "required": false,
            "description": "Whether to delete the environment's CloudFormation stack in its account too",
            "schema": {"type": "boolean", "default": false}
        }),
    }
}

/// Returns the schema of a path parameter: an object uri, or a team (IdP group) name, as
/// `shared::api` validates them.
pub fn path_parameter(name: &str) -> Value {
    if name.ends_with("Uri") { uri() } else { team() }
}

fn string() -> Value {
    json!({"type": "string"})
}

fn nullable_string() -> Value {
    json!({"type": "string", "nullable": true})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

fn timestamp() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn version() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": 1})
}

fn uri() -> Value {
    json!({"type": "string", "pattern": format!("^[a-z0-9]{{{URI_LENGTH}}}$")})
}

fn team() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[^\\s/]+$"})
}

fn label(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max})
}

fn description() -> Value {
    nullable(json!({"type": "string", "maxLength": MAX_DESCRIPTION_LENGTH}))
}

/// Marks a schema of an `Option` field, which also accepts `null`.
fn nullable(mut schema: Value) -> Value {
    schema["nullable"] = json!(true);
    schema
}

fn tags() -> Value {
    json!({
        "type": "array",
        "maxItems": MAX_TAGS,
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_TAG_LENGTH}
    })
}

fn enumeration(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

fn permissions(allowed: &[&str]) -> Value {
    json!({"type": "array", "items": enumeration(allowed)})
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// Builds the schema of a response record, in which every property is always present.
fn record(properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default();
    json!({"type": "object", "required": required, "properties": properties})
}

/// Builds the schema of a request body that allows only `properties`, of which `required`
/// must be present.
fn request(required: &[&str], properties: Value) -> Value {
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// Builds the schema of a record extended by the properties that the API adds to it.
fn view(base: &str, properties: Value) -> Value {
    json!({"allOf": [reference(base), record(properties)]})
}

/// Builds `{"items": [...], "nextToken": ...}` of the component schema `item`.
pub fn page(item: &str) -> Value {
    json!({
        "type": "object",
        "required": ["items", "nextToken"],
        "properties": {
            "items": {"type": "array", "items": reference(item)},
            "nextToken": {
                "type": "string",
                "nullable": true,
                "description": "Pass as nextToken to read the next page; null on the last page"
            }
        }
    })
}

/// Returns every component schema except `Error`.
pub fn components() -> Map<String, Value> {
    let mut schemas = Map::new();
    let mut add = |name: &str, schema: Value| {
        schemas.insert(name.to_owned(), schema);
    };
    add("TenantPermission", enumeration(TENANT_PERMISSIONS));
    add(
        "Me",
        record(json!({
            "username": string(),
            "email": nullable_string(),
            "groups": strings(),
            "isTenantAdmin": boolean(),
            "tenantPermissions": permissions(TENANT_PERMISSIONS)
        })),
    );
    add(
        "TenantPolicy",
        record(json!({
            "team": string(),
            "permissions": permissions(TENANT_PERMISSIONS),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "UpdateTenantTeamPermissionsRequest",
        request(
            &["permissions"],
            json!({"permissions": permissions(TENANT_PERMISSIONS)}),
        ),
    );
    add_organizations(&mut add);
    add_environments(&mut add);
    add_stacks(&mut add);
    schemas
}

fn add_organizations(add: &mut impl FnMut(&str, Value)) {
    add(
        "Organization",
        record(json!({
            "uri": uri(),
            "label": string(),
            "description": string(),
            "tags": strings(),
            "adminTeam": string(),
            "owner": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "OrganizationView",
        view(
            "Organization",
            json!({"userRole": enumeration(&["Owner", "Admin", "Invited", "NotMember"])}),
        ),
    );
    add(
        "OrganizationTeam",
        record(json!({
            "organizationUri": uri(),
            "team": string(),
            "permissions": strings(),
            "invitedBy": string(),
            "isAdminTeam": boolean(),
            "created": timestamp(),
            "updated": timestamp()
        })),
    );
    add(
        "CreateOrganizationRequest",
        request(
            &["label", "adminTeam"],
            json!({
                "label": label(MAX_LABEL_LENGTH),
                "description": description(),
                "tags": tags(),
                "adminTeam": team()
            }),
        ),
    );
    add(
        "UpdateOrganizationRequest",
        request(
            &[],
            json!({
                "label": nullable(label(MAX_LABEL_LENGTH)),
                "description": description(),
                "tags": nullable(tags()),
                "adminTeam": nullable(team())
            }),
        ),
    );
    add(
        "InviteOrganizationTeamRequest",
        request(
            &["team"],
            json!({"team": team(), "permissions": permissions(ORGANIZATION_INVITABLE)}),
        ),
    );
    add(
        "UpdateOrganizationTeamRequest",
        request(
            &["permissions"],
            json!({"permissions": permissions(ORGANIZATION_INVITABLE)}),
        ),
    );
    add(
        "OrganizationArchived",
        record(json!({"uri": uri(), "archived": boolean()})),
    );
    add(
        "OrganizationTeamRemoved",
        record(json!({"organizationUri": uri(), "team": string(), "removed": boolean()})),
    );
}

fn add_environments(add: &mut impl FnMut(&str, Value)) {
    add(
        "Environment",
        record(json!({
            "uri": uri(),
            "organizationUri": uri(),
            "label": string(),
            "description": string(),
            "tags": strings(),
            "awsAccountId": string(),
            "region": string(),
            "adminTeam": string(),
            "resourcePrefix": string(),
            "owner": string(),
            "defaultBucketName": string(),
            "adminRoleName": string(),
            "adminRoleArn": string(),
            "athenaWorkgroup": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "EnvironmentView",
        view(
            "Environment",
            json!({
                "stack": {"allOf": [reference("StackSummary")], "nullable": true},
                "userRole": enumeration(&["Owner", "Admin", "Invited", "NotInvited"])
            }),
        ),
    );
    add(
        "StackSummary",
        record(json!({
            "status": string(),
            "reason": nullable_string(),
            "outputs": {"type": "object", "additionalProperties": {"type": "string"}}
        })),
    );
    add(
        "EnvironmentTeam",
        record(json!({
            "environmentUri": uri(),
            "team": string(),
            "permissions": strings(),
            "iamRoleName": string(),
            "iamRoleArn": string(),
            "athenaWorkgroup": string(),
            "isAdminTeam": boolean(),
            "invitedBy": string(),
            "created": timestamp(),
            "updated": timestamp()
        })),
    );
    add(
        "ConsumptionRole",
        record(json!({
            "uri": uri(),
            "environmentUri": uri(),
            "label": string(),
            "team": string(),
            "iamRoleArn": string(),
            "iamRoleName": string(),
            "owner": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "CreateEnvironmentRequest",
        request(
            &[
                "organizationUri",
                "label",
                "awsAccountId",
                "region",
                "adminTeam",
            ],
            json!({
                "organizationUri": uri(),
                "label": label(MAX_LABEL_LENGTH),
                "description": description(),
                "tags": tags(),
                "awsAccountId": {"type": "string", "pattern": "^[0-9]{12}$"},
                "region": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)+-[0-9]+$"},
                "adminTeam": team(),
                "resourcePrefix": nullable(resource_prefix())
            }),
        ),
    );
    add(
        "UpdateEnvironmentRequest",
        request(
            &[],
            json!({
                "label": nullable(label(MAX_LABEL_LENGTH)),
                "description": description(),
                "tags": nullable(tags()),
                "resourcePrefix": nullable(resource_prefix())
            }),
        ),
    );
    add(
        "InviteEnvironmentTeamRequest",
        request(
            &["team"],
            json!({"team": team(), "permissions": permissions(ENVIRONMENT_INVITABLE)}),
        ),
    );
    add(
        "UpdateEnvironmentTeamRequest",
        request(
            &["permissions"],
            json!({"permissions": permissions(ENVIRONMENT_INVITABLE)}),
        ),
    );
    // The consumption role limits are private constants of the environments crate.
    add(
        "AddConsumptionRoleRequest",
        request(
            &["label", "team", "iamRoleArn"],
            json!({
                "label": label(64),
                "team": team(),
                "iamRoleArn": {
                    "type": "string",
                    "pattern": "^arn:aws:iam::[0-9]{12}:role/([^/]+/)*[A-Za-z0-9+=,.@_-]{1,64}$"
                }
            }),
        ),
    );
    add(
        "UpdateConsumptionRoleRequest",
        request(
            &[],
            json!({"label": nullable(label(64)), "team": nullable(team())}),
        ),
    );
    add(
        "EnvironmentDeleted",
        record(json!({"uri": uri(), "deleted": boolean(), "stackDeleted": boolean()})),
    );
    add(
        "EnvironmentTeamRemoved",
        record(json!({"environmentUri": uri(), "team": string(), "removed": boolean()})),
    );
    add(
        "ConsumptionRoleRemoved",
        record(json!({"uri": uri(), "removed": boolean()})),
    );
}

fn resource_prefix() -> Value {
    json!({
        "type": "string",
        "pattern": "^[a-z-]+$",
        "maxLength": MAX_RESOURCE_PREFIX_LENGTH,
        "description": "Prefix of the names of the environment's AWS resources; dataall when omitted, fixed after linking"
    })
}

fn add_stacks(add: &mut impl FnMut(&str, Value)) {
    add(
        "StackEvent",
        record(json!({
            "timestamp": string(),
            "logicalId": string(),
            "resourceType": string(),
            "status": string(),
            "reason": nullable_string()
        })),
    );
    add(
        "Stack",
        record(json!({
            "targetUri": uri(),
            "targetType": enumeration(&["environment", "dataset"]),
            "stackName": string(),
            "accountId": string(),
            "region": string(),
            "status": string(),
            "reason": nullable_string(),
            "stackId": nullable_string(),
            "outputs": {"type": "object", "additionalProperties": {"type": "string"}},
            "events": {"type": "array", "items": reference("StackEvent")},
            "executionArn": nullable_string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "StackDeploymentStarted",
        record(json!({"environmentUri": uri(), "executionArn": string()})),
    );
    // KeyValueTag has no deny_unknown_fields, so a tag in a request may carry other
    // properties, which are dropped. The tag limits are CloudFormation's stack tag limits,
    // private constants of the environments crate.
    add(
        "KeyValueTag",
        json!({
            "type": "object",
            "required": ["key", "value"],
            "properties": {
                "key": {"type": "string", "minLength": 1, "maxLength": 128},
                "value": {"type": "string", "maxLength": 256}
            }
        }),
    );
    add(
        "UpdateEnvironmentTagsRequest",
        request(
            &["tags"],
            json!({"tags": {"type": "array", "maxItems": 50, "items": reference("KeyValueTag")}}),
        ),
    );
}
