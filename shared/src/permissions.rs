//! Permission names and the permission sets granted on each kind of resource.
//!
//! The names keep data.all's spelling so that policies and clients port unchanged.

/// Tenant permissions: coarse feature switches granted to a team by the tenant admins.
pub const TENANT_PERMISSIONS: &[&str] = &[
    "MANAGE_GROUPS",
    "MANAGE_ENVIRONMENTS",
    "MANAGE_ORGANIZATIONS",
    "MANAGE_GLOSSARIES",
    "MANAGE_WORKSHEETS",
    "MANAGE_DATASETS",
    "MANAGE_SHARES",
    "MANAGE_SGMSTUDIO_USERS",
    "MANAGE_NOTEBOOKS",
    "MANAGE_REDSHIFT_DATASETS",
    "MANAGE_REDSHIFT_CONNECTIONS",
    "MANAGE_DASHBOARDS",
    "MANAGE_OMICS_RUNS",
    "MANAGE_PIPELINES",
    "MANAGE_METADATA_FORMS",
];

pub const MANAGE_ORGANIZATIONS: &str = "MANAGE_ORGANIZATIONS";
pub const MANAGE_ENVIRONMENTS: &str = "MANAGE_ENVIRONMENTS";
pub const MANAGE_GLOSSARIES: &str = "MANAGE_GLOSSARIES";

// Organization permissions.
pub const CREATE_ORGANIZATION: &str = "CREATE_ORGANIZATION";
pub const UPDATE_ORGANIZATION: &str = "UPDATE_ORGANIZATION";
pub const DELETE_ORGANIZATION: &str = "DELETE_ORGANIZATION";
pub const LINK_ENVIRONMENT: &str = "LINK_ENVIRONMENT";
pub const GET_ORGANIZATION: &str = "GET_ORGANIZATION";
pub const INVITE_ORGANIZATION_GROUP: &str = "INVITE_ORGANIZATION_GROUP";
pub const REMOVE_ORGANIZATION_GROUP: &str = "REMOVE_ORGANIZATION_GROUP";

/// Everything on an organization: granted to its admin team.
pub const ORGANIZATION_ALL: &[&str] = &[
    CREATE_ORGANIZATION,
    UPDATE_ORGANIZATION,
    DELETE_ORGANIZATION,
    LINK_ENVIRONMENT,
    GET_ORGANIZATION,
    INVITE_ORGANIZATION_GROUP,
    REMOVE_ORGANIZATION_GROUP,
];

/// Organization permissions an inviter may choose for an invited team, which always also
/// gets `GET_ORGANIZATION`.
pub const ORGANIZATION_INVITABLE: &[&str] = &[
    LINK_ENVIRONMENT,
    INVITE_ORGANIZATION_GROUP,
    REMOVE_ORGANIZATION_GROUP,
];

// Environment permissions.
pub const UPDATE_ENVIRONMENT: &str = "UPDATE_ENVIRONMENT";
pub const GET_ENVIRONMENT: &str = "GET_ENVIRONMENT";
pub const DELETE_ENVIRONMENT: &str = "DELETE_ENVIRONMENT";
pub const INVITE_ENVIRONMENT_GROUP: &str = "INVITE_ENVIRONMENT_GROUP";
pub const REMOVE_ENVIRONMENT_GROUP: &str = "REMOVE_ENVIRONMENT_GROUP";
pub const UPDATE_ENVIRONMENT_GROUP: &str = "UPDATE_ENVIRONMENT_GROUP";
pub const LIST_ENVIRONMENT_GROUP_PERMISSIONS: &str = "LIST_ENVIRONMENT_GROUP_PERMISSIONS";
pub const ADD_ENVIRONMENT_CONSUMPTION_ROLES: &str = "ADD_ENVIRONMENT_CONSUMPTION_ROLES";
pub const LIST_ENVIRONMENT_CONSUMPTION_ROLES: &str = "LIST_ENVIRONMENT_CONSUMPTION_ROLES";
pub const LIST_ENVIRONMENT_GROUPS: &str = "LIST_ENVIRONMENT_GROUPS";
pub const CREDENTIALS_ENVIRONMENT: &str = "CREDENTIALS_ENVIRONMENT";
pub const CREATE_NETWORK: &str = "CREATE_NETWORK";
pub const LIST_ENVIRONMENT_NETWORKS: &str = "LIST_ENVIRONMENT_NETWORKS";
pub const RUN_ATHENA_QUERY: &str = "RUN_ATHENA_QUERY";
pub const CREATE_DATASET: &str = "CREATE_DATASET";
pub const LIST_ENVIRONMENT_DATASETS: &str = "LIST_ENVIRONMENT_DATASETS";
pub const CREATE_SHARE_OBJECT: &str = "CREATE_SHARE_OBJECT";
pub const LIST_ENVIRONMENT_SHARED_WITH_OBJECTS: &str = "LIST_ENVIRONMENT_SHARED_WITH_OBJECTS";
pub const CREATE_SGMSTUDIO_USER: &str = "CREATE_SGMSTUDIO_USER";
pub const CREATE_NOTEBOOK: &str = "CREATE_NOTEBOOK";
pub const CREATE_DASHBOARD: &str = "CREATE_DASHBOARD";
pub const CREATE_PIPELINE: &str = "CREATE_PIPELINE";
pub const REMOVE_ENVIRONMENT_CONSUMPTION_ROLE: &str = "REMOVE_ENVIRONMENT_CONSUMPTION_ROLE";

/// Everything on an environment: granted to its admin team.
pub const ENVIRONMENT_ALL: &[&str] = &[
    UPDATE_ENVIRONMENT,
    GET_ENVIRONMENT,
    DELETE_ENVIRONMENT,
    INVITE_ENVIRONMENT_GROUP,
    REMOVE_ENVIRONMENT_GROUP,
    UPDATE_ENVIRONMENT_GROUP,
    LIST_ENVIRONMENT_GROUP_PERMISSIONS,
    ADD_ENVIRONMENT_CONSUMPTION_ROLES,
    LIST_ENVIRONMENT_CONSUMPTION_ROLES,
    LIST_ENVIRONMENT_GROUPS,
    CREDENTIALS_ENVIRONMENT,
    CREATE_NETWORK,
    LIST_ENVIRONMENT_NETWORKS,
    RUN_ATHENA_QUERY,
    CREATE_DATASET,
    LIST_ENVIRONMENT_DATASETS,
    CREATE_SHARE_OBJECT,
    LIST_ENVIRONMENT_SHARED_WITH_OBJECTS,
    CREATE_SGMSTUDIO_USER,
    CREATE_NOTEBOOK,
    CREATE_DASHBOARD,
    CREATE_PIPELINE,
];

/// Environment permissions every invited team gets.
pub const ENVIRONMENT_INVITED_DEFAULT: &[&str] = &[
    GET_ENVIRONMENT,
    LIST_ENVIRONMENT_GROUPS,
    LIST_ENVIRONMENT_CONSUMPTION_ROLES,
    LIST_ENVIRONMENT_GROUP_PERMISSIONS,
    LIST_ENVIRONMENT_NETWORKS,
    CREDENTIALS_ENVIRONMENT,
    LIST_ENVIRONMENT_SHARED_WITH_OBJECTS,
    LIST_ENVIRONMENT_DATASETS,
];

/// Environment permissions an inviter may choose for an invited team.
pub const ENVIRONMENT_INVITABLE: &[&str] = &[
    INVITE_ENVIRONMENT_GROUP,
    ADD_ENVIRONMENT_CONSUMPTION_ROLES,
    CREATE_NETWORK,
    RUN_ATHENA_QUERY,
    CREATE_DATASET,
    CREATE_SHARE_OBJECT,
    CREATE_SGMSTUDIO_USER,
    CREATE_NOTEBOOK,
    CREATE_DASHBOARD,
    CREATE_PIPELINE,
    UPDATE_ENVIRONMENT_GROUP,
];

/// Everything on a consumption role: granted to its owning team.
pub const CONSUMPTION_ROLE_ALL: &[&str] = &[REMOVE_ENVIRONMENT_CONSUMPTION_ROLE];

// Dataset permissions.
pub const GET_DATASET: &str = "GET_DATASET";
pub const LIST_DATASET_FOLDERS: &str = "LIST_DATASET_FOLDERS";
pub const CREDENTIALS_DATASET: &str = "CREDENTIALS_DATASET";
pub const UPDATE_DATASET: &str = "UPDATE_DATASET";
pub const SYNC_DATASET: &str = "SYNC_DATASET";
pub const CRAWL_DATASET: &str = "CRAWL_DATASET";
pub const DELETE_DATASET: &str = "DELETE_DATASET";
pub const UPDATE_DATASET_TABLE: &str = "UPDATE_DATASET_TABLE";
pub const DELETE_DATASET_TABLE: &str = "DELETE_DATASET_TABLE";
pub const CREATE_DATASET_FOLDER: &str = "CREATE_DATASET_FOLDER";
pub const DELETE_DATASET_FOLDER: &str = "DELETE_DATASET_FOLDER";
pub const UPDATE_DATASET_FOLDER: &str = "UPDATE_DATASET_FOLDER";
pub const MANAGE_DATASETS: &str = "MANAGE_DATASETS";

/// Everything on a dataset: granted to its owner team and its environment's admin team.
pub const DATASET_ALL: &[&str] = &[
    GET_DATASET,
    LIST_DATASET_FOLDERS,
    CREDENTIALS_DATASET,
    UPDATE_DATASET,
    SYNC_DATASET,
    CRAWL_DATASET,
    DELETE_DATASET,
    UPDATE_DATASET_TABLE,
    DELETE_DATASET_TABLE,
    CREATE_DATASET_FOLDER,
    DELETE_DATASET_FOLDER,
    UPDATE_DATASET_FOLDER,
];

/// Permissions of the stewards team on a dataset: read access without dataset credentials.
pub const DATASET_STEWARD: &[&str] = &[GET_DATASET, LIST_DATASET_FOLDERS];

// Table and folder permissions.
pub const GET_DATASET_TABLE: &str = "GET_DATASET_TABLE";
pub const PREVIEW_DATASET_TABLE: &str = "PREVIEW_DATASET_TABLE";
pub const GET_DATASET_FOLDER: &str = "GET_DATASET_FOLDER";

/// Everything on a table: granted to the owner team and the stewards.
pub const DATASET_TABLE_ALL: &[&str] = &[
    GET_DATASET_TABLE,
    PREVIEW_DATASET_TABLE,
    "CREATE_TABLE_DATA_FILTER",
    "DELETE_TABLE_DATA_FILTER",
    "LIST_TABLE_DATA_FILTERS",
];

/// Permissions of a team on a table shared with it.
pub const DATASET_TABLE_READ: &[&str] = &[GET_DATASET_TABLE, PREVIEW_DATASET_TABLE];

/// Permissions on a folder of the owner team, the stewards and teams it is shared with.
pub const DATASET_FOLDER_READ: &[&str] = &[GET_DATASET_FOLDER];

// Share permissions.
pub const MANAGE_SHARES: &str = "MANAGE_SHARES";
pub const ADD_ITEM: &str = "ADD_ITEM";
pub const REMOVE_ITEM: &str = "REMOVE_ITEM";
pub const SUBMIT_SHARE_OBJECT: &str = "SUBMIT_SHARE_OBJECT";
pub const GET_SHARE_OBJECT: &str = "GET_SHARE_OBJECT";
pub const LIST_SHARED_ITEMS: &str = "LIST_SHARED_ITEMS";
pub const DELETE_SHARE_OBJECT: &str = "DELETE_SHARE_OBJECT";
pub const APPROVE_SHARE_OBJECT: &str = "APPROVE_SHARE_OBJECT";
pub const REJECT_SHARE_OBJECT: &str = "REJECT_SHARE_OBJECT";

/// Permissions of the requester team on its share.
pub const SHARE_OBJECT_REQUESTER: &[&str] = &[
    ADD_ITEM,
    REMOVE_ITEM,
    SUBMIT_SHARE_OBJECT,
    GET_SHARE_OBJECT,
    LIST_SHARED_ITEMS,
    DELETE_SHARE_OBJECT,
];

/// Permissions of the dataset's owner team and stewards on a share of it.
pub const SHARE_OBJECT_APPROVER: &[&str] = &[
    ADD_ITEM,
    REMOVE_ITEM,
    APPROVE_SHARE_OBJECT,
    REJECT_SHARE_OBJECT,
    DELETE_SHARE_OBJECT,
    GET_SHARE_OBJECT,
    LIST_SHARED_ITEMS,
];

/// Computes the environment permissions of an invited team from the ones requested: the
/// invited defaults are always added, and `UPDATE_ENVIRONMENT_GROUP` brings
/// `REMOVE_ENVIRONMENT_GROUP` with it.
pub fn invited_environment_permissions(requested: &[String]) -> Vec<String> {
    let mut permissions: Vec<String> = requested.to_vec();
    permissions.extend(ENVIRONMENT_INVITED_DEFAULT.iter().map(|p| p.to_string()));
    if requested.iter().any(|p| p == UPDATE_ENVIRONMENT_GROUP) {
        permissions.push(REMOVE_ENVIRONMENT_GROUP.to_owned());
    }
    permissions.sort();
    permissions.dedup();
    permissions
}

/// Returns `names` as owned strings.
pub fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invited_permissions_add_defaults() {
        let permissions = invited_environment_permissions(&[CREATE_DATASET.to_owned()]);
        assert!(permissions.contains(&CREATE_DATASET.to_owned()));
        for default in ENVIRONMENT_INVITED_DEFAULT {
            assert!(
                permissions.contains(&default.to_string()),
                "{default} missing"
            );
        }
        assert!(!permissions.contains(&REMOVE_ENVIRONMENT_GROUP.to_owned()));
    }

    #[test]
    fn update_group_brings_remove_group() {
        let permissions = invited_environment_permissions(&[UPDATE_ENVIRONMENT_GROUP.to_owned()]);
        assert!(permissions.contains(&REMOVE_ENVIRONMENT_GROUP.to_owned()));
    }

    #[test]
    fn invitable_sets_are_subsets_of_all() {
        for name in ENVIRONMENT_INVITABLE
            .iter()
            .chain(ENVIRONMENT_INVITED_DEFAULT)
        {
            assert!(
                ENVIRONMENT_ALL.contains(name),
                "{name} not in ENVIRONMENT_ALL"
            );
        }
        for name in ORGANIZATION_INVITABLE {
            assert!(
                ORGANIZATION_ALL.contains(name),
                "{name} not in ORGANIZATION_ALL"
            );
        }
    }
}
