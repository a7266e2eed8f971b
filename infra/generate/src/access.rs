//! The AWS access of each function: the DynamoDB actions and other AWS calls its code
//! makes. The template turns it into the function's IAM policy.
//!
//! The entries were read off the handlers and the `shared` functions they call. Besides
//! its entry, every API function gets `BatchGetItem` and a `PutItem` limited to the tenant
//! partition, because `shared::api` reads the caller's tenant policies and grants and
//! creates a missing tenant policy before any check runs.
//!
//! NOTE: no test runs the functions under these policies; the local emulator does not
//! enforce IAM. A handler that starts another DynamoDB call or AWS API needs its entry
//! changed here, or it fails with AccessDenied once deployed.

use shared::store::Index;

use crate::state_machines::{
    SHARE_APPROVE, SHARE_NOTIFY, SHARE_REAPPLY, SHARE_REVOKE, SHARE_VERIFY, STACK_DEPLOY,
};

/// A DynamoDB action on the table itself. `TransactWriteItems` needs no action of its own:
/// IAM checks the `PutItem` or `DeleteItem` of each write in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TableAction {
    GetItem,
    BatchGetItem,
    Query,
    PutItem,
    DeleteItem,
}

impl TableAction {
    /// Returns the IAM action name.
    pub fn iam_action(self) -> &'static str {
        match self {
            TableAction::GetItem => "dynamodb:GetItem",
            TableAction::BatchGetItem => "dynamodb:BatchGetItem",
            TableAction::Query => "dynamodb:Query",
            TableAction::PutItem => "dynamodb:PutItem",
            TableAction::DeleteItem => "dynamodb:DeleteItem",
        }
    }
}

/// The AWS calls of one function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Actions on the table's own items.
    pub table: &'static [TableAction],
    /// Indexes the function queries.
    pub indexes: &'static [Index],
    /// Whether the function assumes the pivot role in environment accounts.
    pub pivot_role: bool,
    /// State machines the function starts, by file stem in `statemachines/`.
    pub starts: &'static [&'static str],
    /// Whether the function lists the members of the user pool's groups.
    pub user_pool: bool,
    /// Whether the function sends email from the SES sender identity.
    pub email: bool,
    /// Whether the function waits between reads of a deploying CloudFormation stack.
    pub stack_poll: bool,
}

use Index::{Gsi1, Gsi2};
use TableAction::{DeleteItem, GetItem, PutItem, Query};

/// Access with nothing beyond the table actions named in each entry.
const TABLE_ONLY: Access = Access {
    table: &[],
    indexes: &[],
    pivot_role: false,
    starts: &[],
    user_pool: false,
    email: false,
    stack_poll: false,
};

/// Access of each route, by operation. `redeploy_after_change` and `stack::redeploy` start
/// the stack deploy state machine and record its execution on the stack item (`GetItem`,
/// `PutItem`).
///
/// Every transaction that writes a catalog entry's partition or a glossary node also puts a
/// change item (`shared::domain::catalog_changes`), so those functions need `PutItem` even
/// when they only delete.
const OPERATIONS: &[(&str, Access)] = &[
    ("getMe", TABLE_ONLY),
    ("listTenantPermissions", TABLE_ONLY),
    (
        "listTenantTeams",
        Access {
            table: &[Query],
            ..TABLE_ONLY
        },
    ),
    (
        "updateTenantTeamPermissions",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "createOrganization",
        Access {
            table: &[PutItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "listOrganizations",
        Access {
            table: &[GetItem, Query],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "getOrganization",
        Access {
            table: &[GetItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "updateOrganization",
        Access {
            table: &[GetItem, PutItem, DeleteItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "archiveOrganization",
        Access {
            table: &[GetItem, Query, DeleteItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "listOrganizationTeams",
        Access {
            table: &[GetItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "inviteOrganizationTeam",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "updateOrganizationTeam",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "removeOrganizationTeam",
        Access {
            table: &[GetItem, DeleteItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "listOrganizationEnvironments",
        Access {
            indexes: &[Gsi1, Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "createEnvironment",
        Access {
            table: &[GetItem, PutItem, Query],
            indexes: &[],
            pivot_role: true,
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "listEnvironments",
        Access {
            table: &[GetItem, Query],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "getEnvironment",
        Access {
            table: &[GetItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "updateEnvironment",
        Access {
            table: &[GetItem, PutItem, Query],
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "deleteEnvironment",
        Access {
            table: &[GetItem, Query, DeleteItem],
            indexes: &[Gsi2],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "listEnvironmentTeams",
        Access {
            table: &[GetItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "inviteEnvironmentTeam",
        Access {
            table: &[GetItem, PutItem],
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "updateEnvironmentTeam",
        Access {
            table: &[GetItem, PutItem],
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "removeEnvironmentTeam",
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            indexes: &[Gsi2],
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "listConsumptionRoles",
        Access {
            table: &[GetItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "addConsumptionRole",
        Access {
            table: &[GetItem, PutItem],
            indexes: &[Gsi2],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "updateConsumptionRole",
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            ..TABLE_ONLY
        },
    ),
    (
        "removeConsumptionRole",
        // Lists the environment's shares through GSI2 to reject removing a share's principal.
        Access {
            table: &[GetItem, DeleteItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "getEnvironmentStack",
        Access {
            table: &[GetItem],
            ..TABLE_ONLY
        },
    ),
    (
        "updateEnvironmentStack",
        Access {
            table: &[GetItem, PutItem],
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "getEnvironmentTags",
        Access {
            table: &[GetItem],
            ..TABLE_ONLY
        },
    ),
    (
        "updateEnvironmentTags",
        Access {
            table: &[GetItem, PutItem],
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    // Datasets. `load` reads the dataset, table or folder and `view` the dataset's stack
    // record (`GetItem`). The tables and folders of a dataset, the datasets and shares of an
    // environment and the share items of an object are listed through GSI2. Through the
    // pivot role, routes reach the environment account: S3 (import checks, folder markers,
    // presigned uploads), KMS (import checks), Glue (import, table sync, column comments,
    // crawlers), Athena (previews) and CloudFormation (stack deletion).
    (
        "createDataset",
        Access {
            table: &[GetItem, PutItem],
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "importDataset",
        Access {
            table: &[GetItem, PutItem],
            pivot_role: true,
            starts: &[STACK_DEPLOY],
            ..TABLE_ONLY
        },
    ),
    (
        "listDatasets",
        Access {
            table: &[GetItem],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "getDataset",
        Access {
            table: &[GetItem],
            ..TABLE_ONLY
        },
    ),
    (
        "updateDataset",
        // A new stewards team moves the grants on the dataset, its tables and folders.
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "deleteDataset",
        // Lists the dataset's shares through GSI1 and their items and grants in the table.
        Access {
            table: &[GetItem, Query, PutItem, DeleteItem],
            indexes: &[Gsi1, Gsi2],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "getDatasetStack",
        Access {
            table: &[GetItem],
            ..TABLE_ONLY
        },
    ),
    (
        "listDatasetTables",
        Access {
            table: &[GetItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "syncDatasetTables",
        // `shared::table_sync`: Glue GetTables, then tables, grants and catalog entries.
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            indexes: &[Gsi2],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "getTable",
        Access {
            table: &[GetItem],
            ..TABLE_ONLY
        },
    ),
    (
        "updateTable",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "deleteTable",
        Access {
            table: &[GetItem, Query, PutItem, DeleteItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "listTableColumns",
        Access {
            table: &[GetItem],
            ..TABLE_ONLY
        },
    ),
    (
        "updateTableColumn",
        Access {
            table: &[GetItem, PutItem],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "previewTable",
        Access {
            table: &[GetItem],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "listDatasetFolders",
        Access {
            table: &[GetItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "createDatasetFolder",
        Access {
            table: &[GetItem, PutItem],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "getFolder",
        Access {
            table: &[GetItem],
            ..TABLE_ONLY
        },
    ),
    (
        "updateFolder",
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            ..TABLE_ONLY
        },
    ),
    (
        "deleteFolder",
        Access {
            table: &[GetItem, Query, PutItem, DeleteItem],
            indexes: &[Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "createDatasetUpload",
        Access {
            table: &[GetItem],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    // Shares. A share's items and grants are in its own partition (`Query`), and the shares
    // of a dataset and the caller's shares are listed through GSI1. Submit and approve read the
    // principal's IAM role through the pivot role before the workflow starts.
    (
        "listDatasetShares",
        Access {
            table: &[Query],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "createShare",
        Access {
            table: &[GetItem, PutItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "listShares",
        Access {
            table: &[GetItem, Query],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "getShare",
        Access {
            table: &[GetItem, Query],
            ..TABLE_ONLY
        },
    ),
    (
        "deleteShare",
        Access {
            table: &[GetItem, Query, PutItem, DeleteItem],
            starts: &[SHARE_REVOKE],
            ..TABLE_ONLY
        },
    ),
    (
        "addShareItem",
        Access {
            table: &[GetItem, Query, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "removeShareItem",
        Access {
            table: &[GetItem, Query, DeleteItem],
            ..TABLE_ONLY
        },
    ),
    (
        "submitShare",
        // With auto-approval, submit also approves and starts the share-approve workflow.
        Access {
            table: &[GetItem, Query, PutItem],
            pivot_role: true,
            starts: &[SHARE_NOTIFY, SHARE_APPROVE],
            ..TABLE_ONLY
        },
    ),
    (
        "approveShare",
        Access {
            table: &[GetItem, Query, PutItem],
            pivot_role: true,
            starts: &[SHARE_APPROVE],
            ..TABLE_ONLY
        },
    ),
    (
        "rejectShare",
        Access {
            table: &[GetItem, Query, PutItem],
            starts: &[SHARE_NOTIFY],
            ..TABLE_ONLY
        },
    ),
    (
        "revokeShareItems",
        Access {
            table: &[GetItem, Query, PutItem],
            starts: &[SHARE_REVOKE],
            ..TABLE_ONLY
        },
    ),
    // Verify and re-apply mark the selected items and start their workflow.
    (
        "verifyShareItems",
        Access {
            table: &[GetItem, Query, PutItem],
            starts: &[SHARE_VERIFY],
            ..TABLE_ONLY
        },
    ),
    (
        "reapplyShareItems",
        Access {
            table: &[GetItem, Query, PutItem],
            starts: &[SHARE_REAPPLY],
            ..TABLE_ONLY
        },
    ),
    // Notifications of a recipient are listed through GSI1.
    (
        "listNotifications",
        Access {
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "markNotificationRead",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "searchCatalog",
        // Builds the index from the entries, term markers and upvotes (GSI1) and the terms
        // (GSI2), or refreshes it from the change log and one query of each changed entry's
        // partition and `GetItem` of each changed glossary node.
        Access {
            table: &[GetItem, Query],
            indexes: &[Gsi1, Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "listGlossaries",
        // Glossaries through GSI2; with `q`, each glossary's nodes through GSI1.
        Access {
            indexes: &[Gsi1, Gsi2],
            ..TABLE_ONLY
        },
    ),
    (
        "createGlossary",
        Access {
            table: &[PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "getGlossaryNode",
        Access {
            table: &[GetItem],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "updateGlossaryNode",
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            ..TABLE_ONLY
        },
    ),
    (
        "deleteGlossaryNode",
        // Lists the subtree and the links below it through GSI1.
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "createGlossaryCategory",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "createGlossaryTerm",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "listGlossaryAssociations",
        // Links below the node through GSI1, then their targets and terms by `BatchGetItem`.
        Access {
            table: &[GetItem],
            indexes: &[Gsi1],
            ..TABLE_ONLY
        },
    ),
    (
        "createTermLink",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "approveTermLink",
        Access {
            table: &[GetItem, PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "dismissTermLink",
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            ..TABLE_ONLY
        },
    ),
    (
        "listFeedMessages",
        Access {
            table: &[Query],
            ..TABLE_ONLY
        },
    ),
    (
        "postFeedMessage",
        Access {
            table: &[PutItem],
            ..TABLE_ONLY
        },
    ),
    (
        "voteOnTarget",
        // Reads the caller's vote, writes it and counts the dataset's upvotes.
        Access {
            table: &[GetItem, PutItem, Query],
            ..TABLE_ONLY
        },
    ),
];

/// Access of each worker function, by name.
const WORKERS: &[(&str, Access)] = &[
    (
        "stack-worker",
        // Reads environments, datasets, their teams and tags, lists stacks through GSI1 and
        // writes the stack records. Deploys through the pivot role and polls the stack.
        Access {
            table: &[GetItem, Query, PutItem],
            indexes: &[Gsi1],
            pivot_role: true,
            stack_poll: true,
            ..TABLE_ONLY
        },
    ),
    (
        "dataset-worker",
        // Lists dataset stacks through GSI1 and synchronises each dataset's tables with
        // `shared::table_sync` (tables through GSI2, Glue through the pivot role).
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            indexes: &[Gsi1, Gsi2],
            pivot_role: true,
            ..TABLE_ONLY
        },
    ),
    (
        "share-worker",
        // Takes and releases the dataset lock (`PutItem`, `DeleteItem`), moves shares and
        // their items, changes table grants, lists other shares of a table through GSI2 and
        // writes notifications. Lake Formation, Glue and IAM calls go through the pivot
        // role, and emails go to the members of user pool groups through SES.
        Access {
            table: &[GetItem, Query, PutItem, DeleteItem],
            indexes: &[Gsi2],
            pivot_role: true,
            user_pool: true,
            email: true,
            ..TABLE_ONLY
        },
    ),
];

/// Returns the access of the route with `operation`.
pub fn of_operation(operation: &str) -> Option<Access> {
    find(OPERATIONS, operation)
}

/// Returns the access of the worker function `name`.
pub fn of_worker(name: &str) -> Option<Access> {
    find(WORKERS, name)
}

fn find(entries: &[(&str, Access)], name: &str) -> Option<Access> {
    entries
        .iter()
        .find(|(entry, _)| *entry == name)
        .map(|(_, access)| *access)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::functions::WORKERS as WORKER_FUNCTIONS;
    use shared::routes::ROUTES;

    #[test]
    fn every_route_has_one_entry() {
        for route in ROUTES {
            let count = OPERATIONS
                .iter()
                .filter(|(name, _)| *name == route.operation)
                .count();
            assert_eq!(count, 1, "access entries of {}", route.operation);
        }
        for (name, _) in OPERATIONS {
            assert!(
                ROUTES.iter().any(|route| route.operation == *name),
                "access entry {name} has no route"
            );
        }
    }

    #[test]
    fn every_worker_has_one_entry() {
        for worker in WORKER_FUNCTIONS {
            assert!(of_worker(worker.name).is_some(), "{}", worker.name);
        }
        assert_eq!(WORKERS.len(), WORKER_FUNCTIONS.len());
    }
}
