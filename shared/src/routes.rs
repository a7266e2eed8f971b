//! The route table: the one definition of every REST operation, its handler module and its
//! authorization checks.
//!
//! The local host routes requests with it, each Lambda binary serves the routes of its
//! module, and tests hold the deployment template and the OpenAPI document to it.

use crate::permissions::*;

/// The API module, and so the function crate, that handles a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Module {
    Tenant,
    Organizations,
    Environments,
    Datasets,
    Shares,
    Notifications,
    Catalog,
}

impl Module {
    pub const ALL: [Module; 7] = [
        Module::Tenant,
        Module::Organizations,
        Module::Environments,
        Module::Datasets,
        Module::Shares,
        Module::Notifications,
        Module::Catalog,
    ];

    /// Returns the name of the module's crate and binary.
    pub fn name(self) -> &'static str {
        match self {
            Module::Tenant => "tenant",
            Module::Organizations => "organizations",
            Module::Environments => "environments",
            Module::Datasets => "datasets",
            Module::Shares => "shares",
            Module::Notifications => "notifications",
            Module::Catalog => "catalog",
        }
    }
}

/// One authorization check, evaluated in the order declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Any authenticated caller may call it; what it returns is limited to the caller's own
    /// data or teams, as the reason states.
    Authenticated { reason: &'static str },
    /// The caller is in `DAAdministrators`.
    TenantAdmin,
    /// One of the caller's teams holds this tenant permission.
    Tenant(&'static str),
    /// One of the caller's teams holds `permission` on the object named by path parameter
    /// `param`, which is of kind `kind`.
    Resource {
        param: &'static str,
        kind: &'static str,
        permission: &'static str,
    },
    /// A check that needs the request body or stored state, made by the handler; the
    /// description states what it verifies.
    Handler(&'static str),
}

/// One REST operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    /// The API Gateway resource path, with `{name}` for path parameters.
    pub path: &'static str,
    /// The operation name, unique across the API and used as the OpenAPI `operationId`.
    pub operation: &'static str,
    pub module: Module,
    pub checks: &'static [Check],
}

const fn route(
    method: &'static str,
    path: &'static str,
    operation: &'static str,
    module: Module,
    checks: &'static [Check],
) -> Route {
    Route {
        method,
        path,
        operation,
        module,
        checks,
    }
}

const fn org(permission: &'static str) -> Check {
    Check::Resource {
        param: "organizationUri",
        kind: "Organization",
        permission,
    }
}

const fn env(permission: &'static str) -> Check {
    Check::Resource {
        param: "environmentUri",
        kind: "Environment",
        permission,
    }
}

const MANAGE_ORGS: Check = Check::Tenant(MANAGE_ORGANIZATIONS);
const MANAGE_ENVS: Check = Check::Tenant(MANAGE_ENVIRONMENTS);

const fn dataset(permission: &'static str) -> Check {
    Check::Resource {
        param: "datasetUri",
        kind: "Dataset",
        permission,
    }
}

const fn table(permission: &'static str) -> Check {
    Check::Resource {
        param: "tableUri",
        kind: "Table",
        permission,
    }
}

const fn folder(permission: &'static str) -> Check {
    Check::Resource {
        param: "folderUri",
        kind: "Folder",
        permission,
    }
}

const MANAGE_DATASETS_CHECK: Check = Check::Tenant(MANAGE_DATASETS);

const fn share(permission: &'static str) -> Check {
    Check::Resource {
        param: "shareUri",
        kind: "Share",
        permission,
    }
}

const MANAGE_SHARES_CHECK: Check = Check::Tenant(MANAGE_SHARES);

const MANAGE_GLOSSARIES_CHECK: Check = Check::Tenant(MANAGE_GLOSSARIES);

const CATALOG_READABLE: Check = Check::Authenticated {
    reason: "catalog metadata and glossaries are readable by every user",
};

const GLOSSARY_ADMIN: Check =
    Check::Handler("the caller belongs to the admin team of the node's glossary");

const TARGET_READER: Check = Check::Handler(
    "GET_DATASET, GET_DATASET_TABLE or GET_DATASET_FOLDER on the target, by targetType",
);

use Module::{Catalog, Datasets, Environments, Notifications, Organizations, Shares, Tenant};

/// Every route of the API.
pub const ROUTES: &[Route] = &[
    route(
        "GET",
        "/me",
        "getMe",
        Tenant,
        &[Check::Authenticated {
            reason: "returns the caller's own identity",
        }],
    ),
    route(
        "GET",
        "/tenant/permissions",
        "listTenantPermissions",
        Tenant,
        &[Check::TenantAdmin],
    ),
    route(
        "GET",
        "/tenant/teams",
        "listTenantTeams",
        Tenant,
        &[Check::TenantAdmin],
    ),
    route(
        "PUT",
        "/tenant/teams/{team}/permissions",
        "updateTenantTeamPermissions",
        Tenant,
        &[Check::TenantAdmin],
    ),
    route(
        "POST",
        "/organizations",
        "createOrganization",
        Organizations,
        &[
            MANAGE_ORGS,
            Check::Handler("the caller belongs to the adminTeam of the new organization"),
        ],
    ),
    route(
        "GET",
        "/organizations",
        "listOrganizations",
        Organizations,
        &[Check::Authenticated {
            reason: "lists only organizations on which the caller's teams hold a grant",
        }],
    ),
    route(
        "GET",
        "/organizations/{organizationUri}",
        "getOrganization",
        Organizations,
        &[org(GET_ORGANIZATION)],
    ),
    route(
        "PATCH",
        "/organizations/{organizationUri}",
        "updateOrganization",
        Organizations,
        &[
            MANAGE_ORGS,
            org(UPDATE_ORGANIZATION),
            Check::Handler("the caller belongs to a new adminTeam"),
        ],
    ),
    route(
        "DELETE",
        "/organizations/{organizationUri}",
        "archiveOrganization",
        Organizations,
        &[MANAGE_ORGS, org(DELETE_ORGANIZATION)],
    ),
    route(
        "GET",
        "/organizations/{organizationUri}/teams",
        "listOrganizationTeams",
        Organizations,
        &[org(GET_ORGANIZATION)],
    ),
    route(
        "POST",
        "/organizations/{organizationUri}/teams",
        "inviteOrganizationTeam",
        Organizations,
        &[MANAGE_ORGS, org(INVITE_ORGANIZATION_GROUP)],
    ),
    route(
        "PUT",
        "/organizations/{organizationUri}/teams/{team}",
        "updateOrganizationTeam",
        Organizations,
        &[MANAGE_ORGS, org(INVITE_ORGANIZATION_GROUP)],
    ),
    route(
        "DELETE",
        "/organizations/{organizationUri}/teams/{team}",
        "removeOrganizationTeam",
        Organizations,
        &[MANAGE_ORGS, org(REMOVE_ORGANIZATION_GROUP)],
    ),
    route(
        "GET",
        "/organizations/{organizationUri}/environments",
        "listOrganizationEnvironments",
        Organizations,
        &[
            org(GET_ORGANIZATION),
            Check::Handler("lists only environments on which the caller's teams hold a grant"),
        ],
    ),
    route(
        "POST",
        "/environments",
        "createEnvironment",
        Environments,
        &[
            MANAGE_ENVS,
            Check::Handler(
                "the caller's teams hold LINK_ENVIRONMENT on the organization and the caller belongs to adminTeam",
            ),
        ],
    ),
    route(
        "GET",
        "/environments",
        "listEnvironments",
        Environments,
        &[Check::Authenticated {
            reason: "lists only environments on which the caller's teams hold a grant",
        }],
    ),
    route(
        "GET",
        "/environments/{environmentUri}",
        "getEnvironment",
        Environments,
        &[env(GET_ENVIRONMENT)],
    ),
    route(
        "PATCH",
        "/environments/{environmentUri}",
        "updateEnvironment",
        Environments,
        &[MANAGE_ENVS, env(UPDATE_ENVIRONMENT)],
    ),
    route(
        "DELETE",
        "/environments/{environmentUri}",
        "deleteEnvironment",
        Environments,
        &[MANAGE_ENVS, env(DELETE_ENVIRONMENT)],
    ),
    route(
        "GET",
        "/environments/{environmentUri}/teams",
        "listEnvironmentTeams",
        Environments,
        &[env(LIST_ENVIRONMENT_GROUPS)],
    ),
    route(
        "POST",
        "/environments/{environmentUri}/teams",
        "inviteEnvironmentTeam",
        Environments,
        &[MANAGE_ENVS, env(INVITE_ENVIRONMENT_GROUP)],
    ),
    route(
        "PUT",
        "/environments/{environmentUri}/teams/{team}",
        "updateEnvironmentTeam",
        Environments,
        &[MANAGE_ENVS, env(UPDATE_ENVIRONMENT_GROUP)],
    ),
    route(
        "DELETE",
        "/environments/{environmentUri}/teams/{team}",
        "removeEnvironmentTeam",
        Environments,
        &[MANAGE_ENVS, env(REMOVE_ENVIRONMENT_GROUP)],
    ),
    route(
        "GET",
        "/environments/{environmentUri}/consumption-roles",
        "listConsumptionRoles",
        Environments,
        &[env(LIST_ENVIRONMENT_CONSUMPTION_ROLES)],
    ),
    route(
        "POST",
        "/environments/{environmentUri}/consumption-roles",
        "addConsumptionRole",
        Environments,
        &[
            MANAGE_ENVS,
            env(ADD_ENVIRONMENT_CONSUMPTION_ROLES),
            Check::Handler("the owning team is the caller's and is invited to the environment"),
        ],
    ),
    route(
        "PATCH",
        "/environments/{environmentUri}/consumption-roles/{consumptionRoleUri}",
        "updateConsumptionRole",
        Environments,
        &[
            MANAGE_ENVS,
            Check::Resource {
                param: "consumptionRoleUri",
                kind: "ConsumptionRole",
                permission: REMOVE_ENVIRONMENT_CONSUMPTION_ROLE,
            },
        ],
    ),
    route(
        "DELETE",
        "/environments/{environmentUri}/consumption-roles/{consumptionRoleUri}",
        "removeConsumptionRole",
        Environments,
        &[
            MANAGE_ENVS,
            Check::Resource {
                param: "consumptionRoleUri",
                kind: "ConsumptionRole",
                permission: REMOVE_ENVIRONMENT_CONSUMPTION_ROLE,
            },
        ],
    ),
    route(
        "GET",
        "/environments/{environmentUri}/stack",
        "getEnvironmentStack",
        Environments,
        &[env(GET_ENVIRONMENT)],
    ),
    route(
        "POST",
        "/environments/{environmentUri}/stack/update",
        "updateEnvironmentStack",
        Environments,
        &[MANAGE_ENVS, env(UPDATE_ENVIRONMENT)],
    ),
    route(
        "GET",
        "/environments/{environmentUri}/tags",
        "getEnvironmentTags",
        Environments,
        &[env(GET_ENVIRONMENT)],
    ),
    route(
        "PUT",
        "/environments/{environmentUri}/tags",
        "updateEnvironmentTags",
        Environments,
        &[MANAGE_ENVS, env(UPDATE_ENVIRONMENT)],
    ),
    route(
        "POST",
        "/datasets",
        "createDataset",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            Check::Handler("ownerTeam is the caller's and holds CREATE_DATASET in the environment"),
        ],
    ),
    route(
        "POST",
        "/datasets/import",
        "importDataset",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            Check::Handler("ownerTeam is the caller's and holds CREATE_DATASET in the environment"),
        ],
    ),
    route(
        "GET",
        "/datasets",
        "listDatasets",
        Datasets,
        &[Check::Authenticated {
            reason: "lists only datasets on which the caller's teams hold a grant",
        }],
    ),
    route(
        "GET",
        "/datasets/{datasetUri}",
        "getDataset",
        Datasets,
        &[dataset(GET_DATASET)],
    ),
    route(
        "PATCH",
        "/datasets/{datasetUri}",
        "updateDataset",
        Datasets,
        &[MANAGE_DATASETS_CHECK, dataset(UPDATE_DATASET)],
    ),
    route(
        "DELETE",
        "/datasets/{datasetUri}",
        "deleteDataset",
        Datasets,
        &[MANAGE_DATASETS_CHECK, dataset(DELETE_DATASET)],
    ),
    route(
        "GET",
        "/datasets/{datasetUri}/stack",
        "getDatasetStack",
        Datasets,
        &[dataset(GET_DATASET)],
    ),
    route(
        "GET",
        "/datasets/{datasetUri}/tables",
        "listDatasetTables",
        Datasets,
        &[dataset(GET_DATASET)],
    ),
    route(
        "POST",
        "/datasets/{datasetUri}/tables/sync",
        "syncDatasetTables",
        Datasets,
        &[MANAGE_DATASETS_CHECK, dataset(SYNC_DATASET)],
    ),
    route(
        "GET",
        "/datasets/{datasetUri}/folders",
        "listDatasetFolders",
        Datasets,
        &[dataset(LIST_DATASET_FOLDERS)],
    ),
    route(
        "POST",
        "/datasets/{datasetUri}/folders",
        "createDatasetFolder",
        Datasets,
        &[MANAGE_DATASETS_CHECK, dataset(CREATE_DATASET_FOLDER)],
    ),
    route(
        "POST",
        "/datasets/{datasetUri}/uploads",
        "createDatasetUpload",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            dataset(UPDATE_DATASET),
            Check::Handler(
                "with crawl, the caller's teams hold CRAWL_DATASET, which UPDATE_DATASET comes with",
            ),
        ],
    ),
    route(
        "GET",
        "/tables/{tableUri}",
        "getTable",
        Datasets,
        &[table(GET_DATASET_TABLE)],
    ),
    route(
        "PATCH",
        "/tables/{tableUri}",
        "updateTable",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            table(GET_DATASET_TABLE),
            Check::Handler("UPDATE_DATASET_TABLE on the table's dataset"),
        ],
    ),
    route(
        "DELETE",
        "/tables/{tableUri}",
        "deleteTable",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            table(GET_DATASET_TABLE),
            Check::Handler("DELETE_DATASET_TABLE on the table's dataset"),
        ],
    ),
    route(
        "GET",
        "/tables/{tableUri}/columns",
        "listTableColumns",
        Datasets,
        &[
            table(GET_DATASET_TABLE),
            Check::Handler(
                "for a dataset that is not Unclassified, the caller is in its owner team or stewards",
            ),
        ],
    ),
    route(
        "PATCH",
        "/tables/{tableUri}/columns/{columnUri}",
        "updateTableColumn",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            table(GET_DATASET_TABLE),
            Check::Handler("UPDATE_DATASET_TABLE on the table's dataset"),
        ],
    ),
    route(
        "GET",
        "/tables/{tableUri}/preview",
        "previewTable",
        Datasets,
        &[
            table(PREVIEW_DATASET_TABLE),
            Check::Handler(
                "for a dataset that is not Unclassified, the caller is in its owner team or stewards",
            ),
        ],
    ),
    route(
        "GET",
        "/folders/{folderUri}",
        "getFolder",
        Datasets,
        &[folder(GET_DATASET_FOLDER)],
    ),
    route(
        "PATCH",
        "/folders/{folderUri}",
        "updateFolder",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            folder(GET_DATASET_FOLDER),
            Check::Handler("UPDATE_DATASET_FOLDER on the folder's dataset"),
        ],
    ),
    route(
        "DELETE",
        "/folders/{folderUri}",
        "deleteFolder",
        Datasets,
        &[
            MANAGE_DATASETS_CHECK,
            folder(GET_DATASET_FOLDER),
            Check::Handler("DELETE_DATASET_FOLDER on the folder's dataset"),
        ],
    ),
    route(
        "GET",
        "/datasets/{datasetUri}/shares",
        "listDatasetShares",
        Shares,
        &[dataset(UPDATE_DATASET)],
    ),
    route(
        "POST",
        "/shares",
        "createShare",
        Shares,
        &[
            MANAGE_SHARES_CHECK,
            Check::Handler(
                "requesterTeam is the caller's and holds CREATE_SHARE_OBJECT in the requesting environment",
            ),
        ],
    ),
    route(
        "GET",
        "/shares",
        "listShares",
        Shares,
        &[Check::Authenticated {
            reason: "lists only shares on which the caller's teams hold a requester or approver grant",
        }],
    ),
    route(
        "GET",
        "/shares/{shareUri}",
        "getShare",
        Shares,
        &[share(GET_SHARE_OBJECT)],
    ),
    route(
        "DELETE",
        "/shares/{shareUri}",
        "deleteShare",
        Shares,
        &[MANAGE_SHARES_CHECK, share(DELETE_SHARE_OBJECT)],
    ),
    route(
        "POST",
        "/shares/{shareUri}/items",
        "addShareItem",
        Shares,
        &[MANAGE_SHARES_CHECK, share(ADD_ITEM)],
    ),
    route(
        "DELETE",
        "/shares/{shareUri}/items/{shareItemUri}",
        "removeShareItem",
        Shares,
        &[MANAGE_SHARES_CHECK, share(REMOVE_ITEM)],
    ),
    route(
        "POST",
        "/shares/{shareUri}/submit",
        "submitShare",
        Shares,
        &[MANAGE_SHARES_CHECK, share(SUBMIT_SHARE_OBJECT)],
    ),
    route(
        "POST",
        "/shares/{shareUri}/approve",
        "approveShare",
        Shares,
        &[MANAGE_SHARES_CHECK, share(APPROVE_SHARE_OBJECT)],
    ),
    route(
        "POST",
        "/shares/{shareUri}/reject",
        "rejectShare",
        Shares,
        &[MANAGE_SHARES_CHECK, share(REJECT_SHARE_OBJECT)],
    ),
    route(
        "POST",
        "/shares/{shareUri}/revoke",
        "revokeShareItems",
        Shares,
        &[MANAGE_SHARES_CHECK, share(GET_SHARE_OBJECT)],
    ),
    route(
        "POST",
        "/shares/{shareUri}/verify",
        "verifyShareItems",
        Shares,
        &[MANAGE_SHARES_CHECK, share(GET_SHARE_OBJECT)],
    ),
    route(
        "POST",
        "/shares/{shareUri}/reapply",
        "reapplyShareItems",
        Shares,
        &[MANAGE_SHARES_CHECK, share(APPROVE_SHARE_OBJECT)],
    ),
    route(
        "GET",
        "/notifications",
        "listNotifications",
        Notifications,
        &[Check::Authenticated {
            reason: "lists only notifications addressed to the caller's teams or to the caller",
        }],
    ),
    route(
        "POST",
        "/notifications/{notificationUri}/read",
        "markNotificationRead",
        Notifications,
        &[Check::Handler(
            "the notification is addressed to one of the caller's teams or to the caller",
        )],
    ),
    route(
        "GET",
        "/catalog/search",
        "searchCatalog",
        Catalog,
        &[Check::Authenticated {
            reason: "every user sees the catalog metadata of every asset; hasAccess reflects the caller's teams' grants",
        }],
    ),
    route(
        "GET",
        "/glossaries",
        "listGlossaries",
        Catalog,
        &[CATALOG_READABLE],
    ),
    route(
        "POST",
        "/glossaries",
        "createGlossary",
        Catalog,
        &[
            MANAGE_GLOSSARIES_CHECK,
            Check::Handler("the caller belongs to the admin team of the new glossary"),
        ],
    ),
    route(
        "GET",
        "/glossaries/{nodeUri}",
        "getGlossaryNode",
        Catalog,
        &[CATALOG_READABLE],
    ),
    route(
        "PATCH",
        "/glossaries/{nodeUri}",
        "updateGlossaryNode",
        Catalog,
        &[
            MANAGE_GLOSSARIES_CHECK,
            GLOSSARY_ADMIN,
            Check::Handler("the caller belongs to a new admin team"),
        ],
    ),
    route(
        "DELETE",
        "/glossaries/{nodeUri}",
        "deleteGlossaryNode",
        Catalog,
        &[MANAGE_GLOSSARIES_CHECK, GLOSSARY_ADMIN],
    ),
    route(
        "POST",
        "/glossaries/{nodeUri}/categories",
        "createGlossaryCategory",
        Catalog,
        &[MANAGE_GLOSSARIES_CHECK, GLOSSARY_ADMIN],
    ),
    route(
        "POST",
        "/glossaries/{nodeUri}/terms",
        "createGlossaryTerm",
        Catalog,
        &[MANAGE_GLOSSARIES_CHECK, GLOSSARY_ADMIN],
    ),
    route(
        "GET",
        "/glossaries/{nodeUri}/associations",
        "listGlossaryAssociations",
        Catalog,
        &[CATALOG_READABLE],
    ),
    route(
        "POST",
        "/term-links",
        "createTermLink",
        Catalog,
        &[
            MANAGE_DATASETS_CHECK,
            Check::Handler(
                "UPDATE_DATASET on the dataset, or UPDATE_DATASET_TABLE or UPDATE_DATASET_FOLDER on the dataset of the table or folder",
            ),
        ],
    ),
    route(
        "POST",
        "/term-links/{linkUri}/approve",
        "approveTermLink",
        Catalog,
        &[
            MANAGE_GLOSSARIES_CHECK,
            Check::Handler("the caller belongs to the admin team of the term's glossary"),
        ],
    ),
    route(
        "POST",
        "/term-links/{linkUri}/dismiss",
        "dismissTermLink",
        Catalog,
        &[Check::Handler(
            "the caller belongs to the admin team of the term's glossary, or holds the permission that linking the term to the target needs",
        )],
    ),
    route(
        "GET",
        "/feeds/{targetType}/{targetUri}",
        "listFeedMessages",
        Catalog,
        &[TARGET_READER],
    ),
    route(
        "POST",
        "/feeds/{targetType}/{targetUri}",
        "postFeedMessage",
        Catalog,
        &[TARGET_READER],
    ),
    route(
        "PUT",
        "/votes/{targetType}/{targetUri}",
        "voteOnTarget",
        Catalog,
        &[Check::Handler(
            "targetType is dataset and the caller's teams hold GET_DATASET on it",
        )],
    ),
];

/// Finds the route of a request by method and API Gateway resource path.
pub fn find_by_resource(method: &str, resource: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|route| route.method.eq_ignore_ascii_case(method) && route.path == resource)
}

/// Matches a concrete request path against the route table, returning the route and its path
/// parameters, as API Gateway does before invoking a function.
pub fn match_path(method: &str, path: &str) -> Option<(&'static Route, Vec<(String, String)>)> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    ROUTES.iter().find_map(|route| {
        if !route.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let template: Vec<&str> = route.path.split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut parameters = Vec::new();
        for (expected, actual) in template.iter().zip(&segments) {
            if let Some(name) = expected.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
                if actual.is_empty() {
                    return None;
                }
                parameters.push((name.to_owned(), (*actual).to_owned()));
            } else if expected != actual {
                return None;
            }
        }
        Some((route, parameters))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_route_declares_checks() {
        for route in ROUTES {
            assert!(
                !route.checks.is_empty(),
                "{} {} declares no check",
                route.method,
                route.path
            );
        }
    }

    #[test]
    fn mutating_routes_need_more_than_authentication() {
        for route in ROUTES.iter().filter(|route| route.method != "GET") {
            let only_authenticated = route
                .checks
                .iter()
                .all(|check| matches!(check, Check::Authenticated { .. }));
            assert!(
                !only_authenticated,
                "{} {} has no permission check",
                route.method, route.path
            );
        }
    }

    #[test]
    fn operations_and_paths_are_unique() {
        let operations: HashSet<_> = ROUTES.iter().map(|route| route.operation).collect();
        assert_eq!(operations.len(), ROUTES.len());
        let keys: HashSet<_> = ROUTES
            .iter()
            .map(|route| (route.method, route.path))
            .collect();
        assert_eq!(keys.len(), ROUTES.len());
    }

    #[test]
    fn resource_checks_name_path_parameters() {
        for route in ROUTES {
            for check in route.checks {
                if let Check::Resource { param, .. } = check {
                    assert!(
                        route.path.contains(&format!("{{{param}}}")),
                        "{} checks {param}, which is not in its path",
                        route.path
                    );
                }
            }
        }
    }

    #[test]
    fn match_path_extracts_parameters() {
        let (route, parameters) = match_path("PUT", "/tenant/teams/TeamA/permissions").unwrap();
        assert_eq!(route.operation, "updateTenantTeamPermissions");
        assert_eq!(parameters, vec![("team".to_owned(), "TeamA".to_owned())]);
    }

    #[test]
    fn match_path_prefers_method() {
        assert_eq!(
            match_path("GET", "/tenant/teams").unwrap().0.operation,
            "listTenantTeams"
        );
        assert!(match_path("PATCH", "/tenant/teams").is_none());
        assert!(match_path("GET", "/nothing").is_none());
        assert!(match_path("PUT", "/tenant/teams//permissions").is_none());
    }
}
