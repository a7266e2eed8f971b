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
    /// Whether the function starts the stack deploy state machine.
    pub stack_deploy: bool,
}

use Index::{Gsi1, Gsi2};
use TableAction::{DeleteItem, GetItem, PutItem, Query};

/// Access with nothing beyond the table actions named in each entry.
const TABLE_ONLY: Access = Access {
    table: &[],
    indexes: &[],
    pivot_role: false,
    stack_deploy: false,
};

/// Access of each route, by operation. `redeploy_after_change` and `stack::redeploy` start
/// the stack deploy state machine and record its execution on the stack item (`GetItem`,
/// `PutItem`).
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
            stack_deploy: true,
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
            stack_deploy: true,
            ..TABLE_ONLY
        },
    ),
    (
        "deleteEnvironment",
        Access {
            table: &[GetItem, Query, DeleteItem],
            indexes: &[Gsi2],
            pivot_role: true,
            stack_deploy: false,
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
            stack_deploy: true,
            ..TABLE_ONLY
        },
    ),
    (
        "updateEnvironmentTeam",
        Access {
            table: &[GetItem, PutItem],
            stack_deploy: true,
            ..TABLE_ONLY
        },
    ),
    (
        "removeEnvironmentTeam",
        Access {
            table: &[GetItem, PutItem, DeleteItem],
            indexes: &[Gsi2],
            pivot_role: false,
            stack_deploy: true,
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
            stack_deploy: false,
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
        Access {
            table: &[GetItem, DeleteItem],
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
            stack_deploy: true,
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
            stack_deploy: true,
            ..TABLE_ONLY
        },
    ),
];

/// Access of each worker function, by name.
const WORKERS: &[(&str, Access)] = &[(
    "stack-worker",
    // Reads environments, their teams and tags, lists stacks through GSI1 and writes the
    // stack records; deploys through the pivot role.
    Access {
        table: &[GetItem, Query, PutItem],
        indexes: &[Gsi1],
        pivot_role: true,
        stack_deploy: false,
    },
)];

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
