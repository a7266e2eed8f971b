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
use shared::domain::catalog::{ENTRY_TYPES, LINK_APPROVED, LINK_PENDING};
use shared::domain::datasets::{
    CONFIDENTIALITY, DELETED, IN_SYNC, MAX_LABEL_LENGTH as MAX_DATASET_LABEL_LENGTH, TOPICS,
};
use shared::domain::feeds::MAX_CONTENT_LENGTH;
use shared::domain::glossaries::{
    CATEGORY, GLOSSARY, MAX_LABEL_LENGTH as MAX_GLOSSARY_LABEL_LENGTH, MAX_README_LENGTH, TERM,
};
use shared::names::MAX_RESOURCE_PREFIX_LENGTH;
use shared::permissions::{ENVIRONMENT_INVITABLE, ORGANIZATION_INVITABLE, TENANT_PERMISSIONS};
use shared::shares::{MAX_ITEMS, states};
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
    /// `deleteFromAws` of `deleteEnvironment` and `deleteDataset`.
    DeleteFromAws,
    /// `role` of `listShares`: shares the caller's teams received or sent.
    ShareRole,
    /// `status` of `listShares`.
    ShareStatus,
    /// `read` of `listNotifications`.
    Read,
    /// `force` of `deleteShare`: revoke every shared item first, then delete.
    Force,
    /// `q` of `searchCatalog`: the free text.
    SearchText,
    /// `type` of `searchCatalog`.
    EntryTypes,
    /// `tags` of `searchCatalog`.
    Tags,
    /// `topics` of `searchCatalog`.
    Topics,
    /// `region` of `searchCatalog`.
    Regions,
    /// `confidentiality` of `searchCatalog`.
    Confidentiality,
    /// `terms` of `searchCatalog`: glossary term uris.
    Terms,
    /// `q` of `listGlossaries`: words to find among the nodes of every glossary.
    GlossaryText,
    /// `status` of `listGlossaryAssociations`.
    LinkStatus,
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
    /// Whether the operation returns status 200 with the existing object, instead of
    /// creating it, when an equal one exists.
    pub returns_existing: bool,
}

const fn read(response: Body) -> OperationSchemas {
    OperationSchemas {
        request: None,
        status: 200,
        response,
        query: &[],
        returns_existing: false,
    }
}

const fn write(request: &'static str, status: u16, response: Body) -> OperationSchemas {
    OperationSchemas {
        request: Some(request),
        status,
        response,
        query: &[],
        returns_existing: false,
    }
}

use Body::{Page, Schema};

/// Permissions a share may ask for, a private constant of the shares crate.
const SHARE_PERMISSIONS: &[&str] = &["Read", "Write", "Modify"];

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
    (
        "createDataset",
        write("CreateDatasetRequest", 201, Schema("DatasetView")),
    ),
    (
        "importDataset",
        write("ImportDatasetRequest", 201, Schema("DatasetView")),
    ),
    (
        "listDatasets",
        OperationSchemas {
            query: PAGING,
            ..read(Page("DatasetView"))
        },
    ),
    ("getDataset", read(Schema("DatasetView"))),
    (
        "updateDataset",
        write("UpdateDatasetRequest", 200, Schema("DatasetView")),
    ),
    (
        "deleteDataset",
        OperationSchemas {
            query: &[Query::DeleteFromAws],
            ..read(Schema("DatasetDeleted"))
        },
    ),
    ("getDatasetStack", read(Schema("Stack"))),
    ("listDatasetTables", read(Page("Table"))),
    ("syncDatasetTables", read(Schema("SyncSummary"))),
    ("getTable", read(Schema("Table"))),
    (
        "updateTable",
        write("UpdateTableRequest", 200, Schema("Table")),
    ),
    ("deleteTable", read(Schema("ObjectDeleted"))),
    ("listTableColumns", read(Page("Column"))),
    (
        "updateTableColumn",
        write("UpdateTableColumnRequest", 200, Schema("Column")),
    ),
    ("previewTable", read(Schema("TablePreview"))),
    ("listDatasetFolders", read(Page("Folder"))),
    (
        "createDatasetFolder",
        write("CreateDatasetFolderRequest", 201, Schema("Folder")),
    ),
    ("getFolder", read(Schema("Folder"))),
    (
        "updateFolder",
        write("UpdateFolderRequest", 200, Schema("Folder")),
    ),
    ("deleteFolder", read(Schema("ObjectDeleted"))),
    (
        "createDatasetUpload",
        write("CreateDatasetUploadRequest", 201, Schema("Upload")),
    ),
    ("listDatasetShares", read(Page("ShareView"))),
    (
        "createShare",
        OperationSchemas {
            returns_existing: true,
            ..write("CreateShareRequest", 201, Schema("ShareCreated"))
        },
    ),
    (
        "listShares",
        OperationSchemas {
            query: &[
                Query::ShareRole,
                Query::ShareStatus,
                Query::Limit,
                Query::NextToken,
            ],
            ..read(Page("ShareView"))
        },
    ),
    ("getShare", read(Schema("ShareView"))),
    (
        "deleteShare",
        OperationSchemas {
            query: &[Query::Force],
            ..read(Schema("ObjectDeleted"))
        },
    ),
    (
        "addShareItem",
        OperationSchemas {
            returns_existing: true,
            ..write("AddShareItemRequest", 201, Schema("ShareItem"))
        },
    ),
    ("removeShareItem", read(Schema("ShareItemRemoved"))),
    ("submitShare", read(Schema("ShareView"))),
    ("approveShare", read(Schema("ShareView"))),
    (
        "rejectShare",
        write("RejectShareRequest", 200, Schema("ShareView")),
    ),
    (
        "revokeShareItems",
        write("RevokeShareItemsRequest", 200, Schema("ShareView")),
    ),
    (
        "verifyShareItems",
        write("RevokeShareItemsRequest", 202, Schema("ShareView")),
    ),
    (
        "reapplyShareItems",
        write("RevokeShareItemsRequest", 202, Schema("ShareView")),
    ),
    (
        "listNotifications",
        OperationSchemas {
            query: &[Query::Read, Query::Limit],
            ..read(Page("Notification"))
        },
    ),
    ("markNotificationRead", read(Schema("Notification"))),
    (
        "searchCatalog",
        OperationSchemas {
            query: &[
                Query::SearchText,
                Query::EntryTypes,
                Query::Tags,
                Query::Topics,
                Query::Regions,
                Query::Confidentiality,
                Query::Terms,
                Query::Limit,
                Query::NextToken,
            ],
            ..read(Schema("CatalogSearchResults"))
        },
    ),
    (
        "listGlossaries",
        OperationSchemas {
            query: &[Query::GlossaryText, Query::Limit, Query::NextToken],
            ..read(Page("GlossaryNode"))
        },
    ),
    (
        "createGlossary",
        write("CreateGlossaryRequest", 201, Schema("GlossaryNode")),
    ),
    ("getGlossaryNode", read(Schema("GlossaryNodeView"))),
    (
        "updateGlossaryNode",
        write("UpdateGlossaryNodeRequest", 200, Schema("GlossaryNode")),
    ),
    ("deleteGlossaryNode", read(Schema("GlossaryNodeDeleted"))),
    (
        "createGlossaryCategory",
        write("CreateGlossaryChildRequest", 201, Schema("GlossaryNode")),
    ),
    (
        "createGlossaryTerm",
        write("CreateGlossaryChildRequest", 201, Schema("GlossaryNode")),
    ),
    (
        "listGlossaryAssociations",
        OperationSchemas {
            query: &[Query::LinkStatus, Query::Limit, Query::NextToken],
            ..read(Page("TermLinkView"))
        },
    ),
    (
        "createTermLink",
        write("CreateTermLinkRequest", 201, Schema("TermLink")),
    ),
    ("approveTermLink", read(Schema("TermLink"))),
    ("dismissTermLink", read(Schema("TermLinkDismissed"))),
    (
        "listFeedMessages",
        OperationSchemas {
            query: PAGING,
            ..read(Page("FeedMessage"))
        },
    ),
    (
        "postFeedMessage",
        write("PostFeedMessageRequest", 201, Schema("FeedMessage")),
    ),
    (
        "voteOnTarget",
        write("VoteRequest", 200, Schema("VoteCount")),
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
        Query::Force => json!({
            "name": "force",
            "in": "query",
            "required": false,
            "description": "true to revoke every shared item and delete the share afterwards (answers 202); without it, a share with shared items is not deleted",
            "schema": {"type": "boolean", "default": false}
        }),
        Query::DeleteFromAws => json!({
            "name": "deleteFromAws",
            "in": "query",
            "required": false,
            "description": "Whether to delete the CloudFormation stack of the environment or dataset in its account too; a dataset stack keeps its bucket and key",
            "schema": {"type": "boolean", "default": false}
        }),
        Query::ShareRole => json!({
            "name": "role",
            "in": "query",
            "required": false,
            "description": "received: shares the caller's teams may approve; sent: shares they may submit",
            "schema": {"type": "string", "enum": ["received", "sent"], "default": "sent"}
        }),
        Query::ShareStatus => json!({
            "name": "status",
            "in": "query",
            "required": false,
            "description": "Only shares in this status",
            "schema": share_status()
        }),
        Query::Read => json!({
            "name": "read",
            "in": "query",
            "required": false,
            "description": "false lists only unread notifications; true or absent lists all",
            "schema": {"type": "boolean"}
        }),
        Query::SearchText => json!({
            "name": "q",
            "in": "query",
            "required": false,
            "description": "Free text of at most 16 words. Every word must match a word of the entry, exactly or, from three letters on, as a prefix; absent matches every entry",
            "schema": {"type": "string", "maxLength": 256}
        }),
        Query::EntryTypes => filter("type", "Entry types", enumeration(ENTRY_TYPES)),
        Query::Tags => filter("tags", "Tags", string()),
        Query::Topics => filter("topics", "Dataset topics", enumeration(TOPICS)),
        Query::Regions => filter("region", "AWS regions", string()),
        Query::Confidentiality => filter(
            "confidentiality",
            "Confidentiality levels",
            enumeration(CONFIDENTIALITY),
        ),
        Query::Terms => filter("terms", "Glossary term uris", uri()),
        Query::GlossaryText => json!({
            "name": "q",
            "in": "query",
            "required": false,
            "description": "Lists the nodes of every glossary in which each word starts a word of the label or readme; absent lists the glossaries",
            "schema": {"type": "string", "maxLength": 256}
        }),
        Query::LinkStatus => json!({
            "name": "status",
            "in": "query",
            "required": false,
            "description": "Lists only the links with this status; absent lists all",
            "schema": enumeration(&[LINK_PENDING, LINK_APPROVED])
        }),
    }
}

/// Builds a comma-separated filter of `searchCatalog`, whose values are alternatives.
fn filter(name: &str, what: &str, value: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": format!("{what}, comma-separated; an entry matches any of them"),
        "style": "form",
        "explode": false,
        "schema": {"type": "array", "maxItems": 50, "items": value}
    })
}

/// Returns the schema of a path parameter: an object uri, or a team (IdP group) name, as
/// `shared::api` validates them.
pub fn path_parameter(name: &str) -> Value {
    if name == "targetType" {
        enumeration(ENTRY_TYPES)
    } else if name.ends_with("Uri") {
        uri()
    } else {
        team()
    }
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
    add_datasets(&mut add);
    add_tables(&mut add);
    add_folders(&mut add);
    add_shares(&mut add);
    add_notifications(&mut add);
    add_catalog(&mut add);
    add_glossaries(&mut add);
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

fn count() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn topics() -> Value {
    json!({"type": "array", "items": enumeration(TOPICS)})
}

/// Builds the schema of an object deletion's response.
fn deleted() -> Value {
    record(json!({"uri": uri(), "deleted": boolean()}))
}

fn add_datasets(add: &mut impl FnMut(&str, Value)) {
    add(
        "Dataset",
        record(json!({
            "uri": uri(),
            "environmentUri": uri(),
            "organizationUri": uri(),
            "label": string(),
            "description": string(),
            "tags": strings(),
            "topics": topics(),
            "confidentiality": enumeration(CONFIDENTIALITY),
            "ownerTeam": string(),
            "stewardsTeam": string(),
            "autoApproval": boolean(),
            "owner": string(),
            "awsAccountId": string(),
            "region": string(),
            "bucketName": string(),
            "glueDatabaseName": string(),
            "kmsAlias": {
                "type": "string",
                "description": "Alias of the bucket's KMS key without alias/, or SSE-S3 for an imported bucket without one"
            },
            "iamRoleName": string(),
            "iamRoleArn": string(),
            "imported": boolean(),
            "importedGlueDatabase": boolean(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "DatasetView",
        view(
            "Dataset",
            json!({
                "stack": {"allOf": [reference("StackSummary")], "nullable": true},
                "userRole": enumeration(&["Creator", "Admin", "DataSteward", "NoPermission"])
            }),
        ),
    );
    let mut create = json!({
        "environmentUri": uri(),
        "label": label(MAX_DATASET_LABEL_LENGTH),
        "description": description(),
        "tags": tags(),
        "topics": {"type": "array", "minItems": 1, "items": enumeration(TOPICS)},
        "confidentiality": nullable(json!({
            "type": "string",
            "enum": CONFIDENTIALITY,
            "description": "Unclassified when omitted"
        })),
        "ownerTeam": team(),
        "stewardsTeam": nullable(json!({
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^[^\\s/]+$",
            "description": "The owner team when omitted"
        })),
        "autoApproval": {"type": "boolean", "default": false}
    });
    let required = ["environmentUri", "label", "topics", "ownerTeam"];
    add("CreateDatasetRequest", request(&required, create.clone()));
    // The import limits are those of the datasets crate's private checks: S3 general
    // purpose bucket names, Glue database names of at most 240 characters and KMS aliases
    // of at most 63.
    create["bucketName"] = json!({
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        "description": "The existing bucket"
    });
    create["glueDatabaseName"] = nullable(json!({
        "type": "string",
        "pattern": "^[A-Za-z0-9_-]{1,240}$",
        "description": "An existing Glue database; one is created when omitted"
    }));
    create["kmsAlias"] = nullable(json!({
        "type": "string",
        "pattern": "^(alias/)?[A-Za-z0-9_-]{1,63}$",
        "description": "Alias of the KMS key that encrypts the bucket; omit it for a bucket without a KMS key"
    }));
    let mut import_required = required.to_vec();
    import_required.push("bucketName");
    add("ImportDatasetRequest", request(&import_required, create));
    add(
        "UpdateDatasetRequest",
        request(
            &[],
            json!({
                "label": nullable(label(MAX_DATASET_LABEL_LENGTH)),
                "description": description(),
                "tags": nullable(tags()),
                "topics": nullable(json!({"type": "array", "minItems": 1, "items": enumeration(TOPICS)})),
                "confidentiality": nullable(enumeration(CONFIDENTIALITY)),
                "stewardsTeam": nullable(team()),
                "autoApproval": nullable(boolean())
            }),
        ),
    );
    add(
        "DatasetDeleted",
        record(json!({"uri": uri(), "deleted": boolean(), "stackDeleted": boolean()})),
    );
    add("ObjectDeleted", deleted());
}

fn add_tables(add: &mut impl FnMut(&str, Value)) {
    add(
        "Column",
        record(json!({
            "uri": uri(),
            "name": string(),
            "typeName": string(),
            "columnType": {
                "type": "string",
                "pattern": "^(column|partition_[0-9]+)$",
                "description": "column, or partition_<n> for the n-th partition key"
            },
            "description": string()
        })),
    );
    add(
        "Table",
        record(json!({
            "uri": uri(),
            "datasetUri": uri(),
            "label": string(),
            "name": {"type": "string", "description": "The Glue table name"},
            "description": string(),
            "tags": strings(),
            "topics": topics(),
            "glueDatabaseName": string(),
            "location": string(),
            "status": enumeration(&[IN_SYNC, DELETED]),
            "columns": {"type": "array", "items": reference("Column")},
            "awsAccountId": string(),
            "region": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "SyncSummary",
        record(json!({"added": count(), "updated": count(), "deleted": count(), "total": count()})),
    );
    add(
        "UpdateTableRequest",
        request(
            &[],
            json!({
                "label": nullable(label(MAX_LABEL_LENGTH)),
                "description": description(),
                "tags": nullable(tags()),
                "topics": nullable(topics())
            }),
        ),
    );
    // 255 characters is the limit of a Glue column comment, which the handler writes.
    add(
        "UpdateTableColumnRequest",
        request(
            &["description"],
            json!({"description": {"type": "string", "maxLength": 255}}),
        ),
    );
    add(
        "TablePreview",
        record(json!({
            "fields": strings(),
            "rows": {
                "type": "array",
                "maxItems": 100,
                "items": {"type": "array", "items": nullable_string()}
            },
            "queryExecutionId": string()
        })),
    );
}

fn add_folders(add: &mut impl FnMut(&str, Value)) {
    add(
        "Folder",
        record(json!({
            "uri": uri(),
            "datasetUri": uri(),
            "label": string(),
            "description": string(),
            "tags": strings(),
            "prefix": {"type": "string", "description": "The S3 prefix, without leading or trailing /"},
            "bucketName": string(),
            "awsAccountId": string(),
            "region": string(),
            "owner": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "CreateDatasetFolderRequest",
        request(
            &["label", "prefix"],
            json!({
                "label": label(MAX_LABEL_LENGTH),
                "prefix": prefix(),
                "description": description(),
                "tags": tags()
            }),
        ),
    );
    add(
        "UpdateFolderRequest",
        request(
            &[],
            json!({
                "label": nullable(label(MAX_LABEL_LENGTH)),
                "description": description(),
                "tags": nullable(tags())
            }),
        ),
    );
    add(
        "CreateDatasetUploadRequest",
        request(
            &["prefix", "fileName"],
            json!({
                "prefix": prefix(),
                "fileName": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 255,
                    "pattern": "^[A-Za-z0-9!_.*'()=-]+$",
                    "description": "The object name under the prefix; . and .. are rejected"
                },
                "crawl": {
                    "type": "boolean",
                    "default": false,
                    "description": "Whether to run the dataset's Glue crawler on the prefix"
                }
            }),
        ),
    );
    add(
        "Upload",
        record(json!({
            "url": {"type": "string", "description": "Presigned S3 URL, valid for expiresInSeconds"},
            "method": {"type": "string", "enum": ["PUT"]},
            "headers": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Headers the upload request must send"
            },
            "bucket": string(),
            "key": string(),
            "expiresInSeconds": {"type": "integer", "minimum": 1},
            "crawlerName": nullable_string()
        })),
    );
}

/// Builds the schema of a folder prefix by the rules of the datasets crate's private
/// `normalise_prefix`, which drops surrounding `/` and blanks and rejects empty, `.` and
/// `..` segments.
fn prefix() -> Value {
    json!({
        "type": "string",
        "pattern": "^[A-Za-z0-9/!_.*'()=-]+$",
        "maxLength": 900,
        "description": "S3 prefix in the dataset's bucket"
    })
}

fn share_status() -> Value {
    enumeration(&[
        states::DRAFT,
        states::SUBMITTED,
        states::APPROVED,
        states::REJECTED,
        states::REVOKED,
        states::SHARE_IN_PROGRESS,
        states::REVOKE_IN_PROGRESS,
        states::PROCESSED,
    ])
}

fn add_shares(add: &mut impl FnMut(&str, Value)) {
    add(
        "Share",
        record(json!({
            "uri": uri(),
            "datasetUri": uri(),
            "datasetLabel": string(),
            "environmentUri": uri(),
            "requesterTeam": string(),
            "principalType": enumeration(&["Group", "ConsumptionRole"]),
            "principalId": {
                "type": "string",
                "description": "The requester team for Group, the consumption role's uri for ConsumptionRole"
            },
            "principalName": string(),
            "principalRoleArn": string(),
            "permissions": permissions(SHARE_PERMISSIONS),
            "requestPurpose": string(),
            "rejectPurpose": string(),
            "status": share_status(),
            "owner": string(),
            "awsAccountId": string(),
            "region": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "ShareItem",
        record(json!({
            "uri": uri(),
            "shareUri": uri(),
            "itemType": enumeration(&["Table", "Folder", "Bucket"]),
            "itemUri": uri(),
            "itemName": string(),
            "status": enumeration(&[
                states::PENDING_APPROVAL,
                states::SHARE_APPROVED,
                states::SHARE_REJECTED,
                states::ITEM_SHARE_IN_PROGRESS,
                states::SHARE_SUCCEEDED,
                states::SHARE_FAILED,
                states::REVOKE_APPROVED,
                states::ITEM_REVOKE_IN_PROGRESS,
                states::REVOKE_SUCCEEDED,
                states::REVOKE_FAILED,
            ]),
            "healthStatus": nullable_string(),
            "healthMessage": nullable_string(),
            "lastVerificationTime": nullable(timestamp()),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "ShareStatistics",
        record(json!({
            "sharedItems": count(),
            "revokedItems": count(),
            "failedItems": count(),
            "pendingItems": count()
        })),
    );
    add(
        "ShareView",
        view(
            "Share",
            json!({
                "items": {"type": "array", "items": reference("ShareItem")},
                "statistics": reference("ShareStatistics"),
                "userRole": enumeration(&[
                    "ApproversAndRequesters",
                    "Approvers",
                    "Requesters",
                    "NoPermission"
                ])
            }),
        ),
    );
    add(
        "ShareCreated",
        json!({"allOf": [
            reference("ShareView"),
            {
                "type": "object",
                "properties": {"alreadyExisted": {
                    "type": "boolean",
                    "description": "true in a 200 response, which returns the share that already existed for the same dataset, environment, team and principal"
                }}
            }
        ]}),
    );
    add(
        "AddShareItemRequest",
        request(
            &["itemType", "itemUri"],
            json!({
                "itemType": {
                    "type": "string",
                    "enum": ["Table", "Folder", "Bucket"],
                    "description": "Folder and Bucket items are rejected until the share workflows process them"
                },
                "itemUri": uri()
            }),
        ),
    );
    add(
        "CreateShareRequest",
        request(
            &[
                "datasetUri",
                "environmentUri",
                "requesterTeam",
                "principalType",
                "permissions",
            ],
            json!({
                "datasetUri": uri(),
                "environmentUri": uri(),
                "requesterTeam": team(),
                "principalType": enumeration(&["Group", "ConsumptionRole"]),
                "consumptionRoleUri": nullable(json!({
                    "type": "string",
                    "pattern": format!("^[a-z0-9]{{{URI_LENGTH}}}$"),
                    "description": "Required with principalType ConsumptionRole, rejected otherwise"
                })),
                "permissions": {
                    "type": "array",
                    "minItems": 1,
                    "items": enumeration(SHARE_PERMISSIONS),
                    "description": "Write and Modify only within the dataset's own account"
                },
                "requestPurpose": description(),
                "items": {
                    "type": "array",
                    "maxItems": MAX_ITEMS,
                    "items": reference("AddShareItemRequest")
                }
            }),
        ),
    );
    add(
        "ShareItemRemoved",
        record(json!({"uri": uri(), "removed": boolean()})),
    );
    add(
        "RejectShareRequest",
        request(&[], json!({"rejectPurpose": description()})),
    );
    add(
        "RevokeShareItemsRequest",
        request(
            &["itemUris"],
            json!({"itemUris": {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS, "items": uri()}}),
        ),
    );
}

fn add_notifications(add: &mut impl FnMut(&str, Value)) {
    add(
        "Notification",
        record(json!({
            "uri": uri(),
            "recipient": {"type": "string", "description": "A team, or a user name for a personal notification"},
            "notificationType": enumeration(&[
                "SHARE_OBJECT_SUBMITTED",
                "SHARE_OBJECT_APPROVED",
                "SHARE_OBJECT_REJECTED",
                "SHARE_OBJECT_REVOKED"
            ]),
            "message": string(),
            "targetUri": {"type": "string", "description": "<shareUri>|<datasetUri> for share notifications"},
            "isRead": boolean(),
            "created": timestamp(),
            "version": version()
        })),
    );
}

fn add_catalog(add: &mut impl FnMut(&str, Value)) {
    add(
        "CatalogSearchHit",
        record(json!({
            "uri": uri(),
            "type": enumeration(ENTRY_TYPES),
            "label": string(),
            "name": string(),
            "description": string(),
            "tags": strings(),
            "topics": strings(),
            "region": string(),
            "confidentiality": string(),
            "datasetUri": uri(),
            "environmentUri": uri(),
            "ownerTeam": string(),
            "awsAccountId": string(),
            "columns": strings(),
            "terms": {"type": "array", "items": record(json!({
                "nodeUri": uri(),
                "label": nullable_string()
            }))},
            "upvotes": count(),
            "score": {"type": "number", "format": "float"},
            "hasAccess": {
                "type": "boolean",
                "description": "Whether one of the caller's teams holds a grant on the object"
            }
        })),
    );
    let facet = |value: Value| json!({"type": "array", "items": record(json!({"value": value, "count": count()}))});
    add(
        "CatalogSearchResults",
        record(json!({
            "items": {"type": "array", "items": reference("CatalogSearchHit")},
            "nextToken": {
                "type": "string",
                "nullable": true,
                "description": "Pass as nextToken to read the next page; null on the last page"
            },
            "total": count(),
            "facets": record(json!({
                "type": facet(enumeration(ENTRY_TYPES)),
                "tags": facet(string()),
                "topics": facet(string()),
                "region": facet(string()),
                "confidentiality": facet(string()),
                "terms": {"type": "array", "items": record(json!({
                    "value": uri(),
                    "label": nullable_string(),
                    "count": count()
                }))}
            }))
        })),
    );
    add(
        "FeedMessage",
        record(json!({
            "messageUri": uri(),
            "targetType": enumeration(ENTRY_TYPES),
            "targetUri": uri(),
            "content": string(),
            "creator": string(),
            "created": timestamp()
        })),
    );
    add(
        "PostFeedMessageRequest",
        request(
            &["content"],
            json!({"content": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_CONTENT_LENGTH,
                "description": "Trimmed; control characters other than line breaks and tabs are rejected"
            }}),
        ),
    );
    add(
        "VoteRequest",
        request(&["upvote"], json!({"upvote": boolean()})),
    );
    add(
        "VoteCount",
        record(json!({
            "targetType": enumeration(&["dataset"]),
            "targetUri": uri(),
            "upvote": boolean(),
            "upvotes": count()
        })),
    );
}

fn readme() -> Value {
    json!({"type": "string", "maxLength": MAX_README_LENGTH})
}

fn add_glossaries(add: &mut impl FnMut(&str, Value)) {
    add(
        "GlossaryNode",
        record(json!({
            "nodeUri": uri(),
            "parentUri": nullable(uri()),
            "nodeType": {
                "type": "string",
                "enum": [GLOSSARY, CATEGORY, TERM],
                "description": "G for a glossary, C for a category, T for a term"
            },
            "path": string(),
            "label": string(),
            "readme": string(),
            "admin": {
                "type": "string",
                "nullable": true,
                "description": "The team that administers a glossary and everything under it; null below a glossary"
            },
            "owner": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "GlossaryNodeView",
        view(
            "GlossaryNode",
            json!({"children": {"type": "array", "items": reference("GlossaryNode")}}),
        ),
    );
    add(
        "GlossaryNodeDeleted",
        record(json!({
            "nodeUri": uri(),
            "deleted": boolean(),
            "nodes": count(),
            "links": count()
        })),
    );
    add(
        "CreateGlossaryRequest",
        request(
            &["label", "admin"],
            json!({
                "label": label(MAX_GLOSSARY_LABEL_LENGTH),
                "readme": nullable(readme()),
                "admin": team()
            }),
        ),
    );
    add(
        "CreateGlossaryChildRequest",
        request(
            &["label"],
            json!({
                "label": label(MAX_GLOSSARY_LABEL_LENGTH),
                "readme": nullable(readme())
            }),
        ),
    );
    add(
        "UpdateGlossaryNodeRequest",
        request(
            &[],
            json!({
                "label": nullable(label(MAX_GLOSSARY_LABEL_LENGTH)),
                "readme": nullable(readme()),
                "admin": {
                    "type": "string",
                    "nullable": true,
                    "minLength": 1,
                    "maxLength": 128,
                    "pattern": "^[^\\s/]+$",
                    "description": "Only on a glossary; the caller must be a member of the new team"
                }
            }),
        ),
    );
    add(
        "TermLink",
        record(json!({
            "linkUri": uri(),
            "nodeUri": uri(),
            "glossaryUri": uri(),
            "termPath": string(),
            "targetType": enumeration(ENTRY_TYPES),
            "targetUri": uri(),
            "datasetUri": uri(),
            "status": enumeration(&[LINK_PENDING, LINK_APPROVED]),
            "owner": string(),
            "created": timestamp(),
            "updated": timestamp(),
            "version": version()
        })),
    );
    add(
        "TermLinkView",
        view(
            "TermLink",
            json!({
                "termLabel": nullable_string(),
                "target": {
                    "type": "object",
                    "nullable": true,
                    "description": "The linked object's catalog entry; null once the object is deleted",
                    "required": ["label", "type", "datasetUri", "environmentUri", "ownerTeam"],
                    "properties": {
                        "label": string(),
                        "type": enumeration(ENTRY_TYPES),
                        "datasetUri": uri(),
                        "environmentUri": uri(),
                        "ownerTeam": string()
                    }
                }
            }),
        ),
    );
    add(
        "CreateTermLinkRequest",
        request(
            &["nodeUri", "targetType", "targetUri"],
            json!({
                "nodeUri": uri(),
                "targetType": enumeration(ENTRY_TYPES),
                "targetUri": uri()
            }),
        ),
    );
    add(
        "TermLinkDismissed",
        record(json!({"linkUri": uri(), "dismissed": boolean()})),
    );
}
