//! Tenant permissions, organizations, environments, teams and consumption roles through the
//! HTTP API, with the environment stack deployed in the emulator's environment accounts.

use std::time::Duration;

use integration_tests::{Api, Reply, account_aws, create_pivot_role, fresh_account, unique};
use serde_json::{Value, json};

/// Region of these tests' environments; the hands-on lab uses eu-west-1 in the same accounts.
const REGION: &str = "eu-north-1";

async fn create_organization(api: &Api, label: &str, admin_team: &str) -> Value {
    api.post(
        "/organizations",
        json!({"label": label, "adminTeam": admin_team, "description": "test", "tags": ["t"]}),
    )
    .await
    .ok()
}

async fn link_environment(
    api: &Api,
    organization_uri: &str,
    account: &str,
    admin_team: &str,
) -> Reply {
    api.post(
        "/environments",
        json!({
            "organizationUri": organization_uri,
            "label": unique("Env"),
            "awsAccountId": account,
            "region": REGION,
            "adminTeam": admin_team,
            "resourcePrefix": "dataall",
        }),
    )
    .await
}

/// Returns a fresh account with a pivot role, an organization of DataScienceAdmin and an
/// environment linked there by ds-admin.
async fn fresh_environment() -> (String, String, String) {
    let account = fresh_account();
    create_pivot_role(&account).await;
    let admin = Api::as_user("ds-admin").await;
    let organization = create_organization(&admin, &unique("Org"), "DataScienceAdmin").await;
    let organization_uri = organization["uri"].as_str().unwrap().to_owned();
    let environment = link_environment(&admin, &organization_uri, &account, "DataScienceAdmin")
        .await
        .ok();
    (
        account,
        organization_uri,
        environment["uri"].as_str().unwrap().to_owned(),
    )
}

/// Waits until every role in `roles` exists in `account`, tagged with its team.
async fn wait_for_roles(account: &str, roles: &[(&str, &str)]) {
    let iam = account_aws(account).await.iam();
    for (role_name, team) in roles {
        let mut found = None;
        for _ in 0..120 {
            if let Ok(output) = iam.list_role_tags().role_name(*role_name).send().await {
                found = Some(output);
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let tags =
            found.unwrap_or_else(|| panic!("role {role_name} never appeared in account {account}"));
        let team_tag = tags
            .tags()
            .iter()
            .find(|tag| tag.key() == "Team")
            .map(|tag| tag.value().to_owned());
        assert_eq!(team_tag.as_deref(), Some(*team), "Team tag of {role_name}");
    }
}

/// Waits until the role is gone from `account`.
async fn wait_for_role_gone(account: &str, role_name: &str) {
    let iam = account_aws(account).await.iam();
    for _ in 0..120 {
        if iam.get_role().role_name(role_name).send().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("role {role_name} still exists in account {account}");
}

/// Waits until the environment's stack record reaches a final status.
async fn wait_for_stack(api: &Api, environment_uri: &str) -> Value {
    for _ in 0..120 {
        let stack = api
            .get(&format!("/environments/{environment_uri}/stack"))
            .await
            .ok();
        let status = stack["status"].as_str().unwrap_or_default().to_owned();
        if status.ends_with("_COMPLETE") || status.ends_with("_FAILED") {
            return stack;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the stack of environment {environment_uri} never settled");
}

async fn create_iam_role(account: &str, name: &str) -> String {
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let created = account_aws(account)
        .await
        .iam()
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap();
    created.role().unwrap().arn().to_owned()
}

#[tokio::test]
async fn seed_flow_of_user_guide() {
    let platform = Api::as_user("dataall-admin").await;
    let data_platform = create_organization(&platform, "DataPlatform", "DataPlatformAdmin").await;
    assert_eq!(data_platform["userRole"], "Owner");
    let platform_environment = link_environment(
        &platform,
        data_platform["uri"].as_str().unwrap(),
        "222222222222",
        "DataPlatformAdmin",
    )
    .await
    .ok();
    assert_eq!(platform_environment["awsAccountId"], "222222222222");

    let science = Api::as_user("ds-admin").await;
    let data_science = create_organization(&science, "DataScience", "DataScienceAdmin").await;
    let environment = link_environment(
        &science,
        data_science["uri"].as_str().unwrap(),
        "333333333333",
        "DataScienceAdmin",
    )
    .await
    .ok();
    let uri = environment["uri"].as_str().unwrap().to_owned();
    assert_eq!(environment["userRole"], "Owner");
    assert_eq!(environment["resourcePrefix"], "dataall");

    let team_a = science
        .post(&format!("/environments/{uri}/teams"), json!({"team": "TeamA", "permissions": ["CREATE_DATASET", "CREATE_SHARE_OBJECT", "ADD_ENVIRONMENT_CONSUMPTION_ROLES"]}))
        .await
        .ok();
    let team_b = science
        .post(
            &format!("/environments/{uri}/teams"),
            json!({"team": "TeamB", "permissions": ["CREATE_SHARE_OBJECT"]}),
        )
        .await
        .ok();
    let permissions_a = team_a["permissions"].as_array().unwrap();
    assert!(permissions_a.contains(&json!("CREATE_DATASET")));
    assert!(
        permissions_a.contains(&json!("GET_ENVIRONMENT")),
        "invited defaults are added"
    );
    assert!(
        !team_b["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("CREATE_DATASET"))
    );

    let admin_role = environment["adminRoleName"].as_str().unwrap().to_owned();
    let role_a = team_a["iamRoleName"].as_str().unwrap().to_owned();
    let role_b = team_b["iamRoleName"].as_str().unwrap().to_owned();
    assert_eq!(role_a, format!("dataall-teama-{uri}"));
    wait_for_roles(
        "333333333333",
        &[
            (&admin_role, "DataScienceAdmin"),
            (&role_a, "TeamA"),
            (&role_b, "TeamB"),
        ],
    )
    .await;
    let stack = wait_for_stack(&science, &uri).await;
    assert!(
        stack["status"].as_str().unwrap().ends_with("_COMPLETE"),
        "{stack}"
    );
    assert_eq!(stack["stackName"], format!("dataall-environment-{uri}"));
    assert_eq!(
        stack["outputs"]["EnvironmentBucketName"],
        environment["defaultBucketName"]
    );
    assert!(!stack["events"].as_array().unwrap().is_empty());

    let consumption_arn = create_iam_role("333333333333", "team-a-notebooks").await;
    let role = Api::as_user("ds-a")
        .await
        .post(
            &format!("/environments/{uri}/consumption-roles"),
            json!({"label": "notebooks", "team": "TeamA", "iamRoleArn": consumption_arn}),
        )
        .await
        .ok();
    assert_eq!(role["team"], "TeamA");
    assert_eq!(role["iamRoleName"], "team-a-notebooks");

    let seen_by_a = Api::as_user("ds-a")
        .await
        .get(&format!("/environments/{uri}"))
        .await
        .ok();
    assert_eq!(seen_by_a["userRole"], "Invited");
    let teams = science
        .get(&format!("/environments/{uri}/teams"))
        .await
        .ok();
    let names: Vec<&str> = teams["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|team| team["team"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["DataScienceAdmin", "TeamA", "TeamB"]);
}

#[tokio::test]
async fn organization_refusals() {
    let science = Api::as_user("ds-admin").await;
    let reply = science
        .post(
            "/organizations",
            json!({"label": "x", "adminTeam": "TeamA"}),
        )
        .await;
    reply.expect_error(403, "UnauthorizedOperation");
    science
        .post("/organizations", json!({"adminTeam": "DataScienceAdmin"}))
        .await
        .expect_error(400, "RequiredParameter");
    let long = "x".repeat(101);
    let reply = science
        .post(
            "/organizations",
            json!({"label": long, "adminTeam": "DataScienceAdmin"}),
        )
        .await;
    reply.expect_error(400, "InvalidInput");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("label")
    );

    let organization = create_organization(&science, &unique("Org"), "DataScienceAdmin").await;
    let uri = organization["uri"].as_str().unwrap();
    let outsider = Api::as_user("ds-b").await;
    outsider
        .get(&format!("/organizations/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    outsider
        .patch(&format!("/organizations/{uri}"), json!({"label": "mine"}))
        .await
        .expect_error(404, "ResourceNotFound");
    let listed = outsider.get("/organizations").await.ok();
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["uri"] == uri)
    );
    science
        .get("/organizations/NOTAURI!")
        .await
        .expect_error(400, "InvalidInput");

    science
        .post(
            &format!("/organizations/{uri}/teams"),
            json!({"team": "TeamB", "permissions": ["DELETE_ORGANIZATION"]}),
        )
        .await
        .expect_error(400, "InvalidInput");
    science
        .delete(&format!("/organizations/{uri}/teams/DataScienceAdmin"))
        .await
        .expect_error(403, "UnauthorizedOperation");
}

#[tokio::test]
async fn organization_team_lifecycle() {
    let science = Api::as_user("ds-admin").await;
    let organization = create_organization(&science, &unique("Org"), "DataScienceAdmin").await;
    let uri = organization["uri"].as_str().unwrap();
    science
        .post(
            &format!("/organizations/{uri}/teams"),
            json!({"team": "TeamB", "permissions": []}),
        )
        .await
        .ok();
    science
        .post(
            &format!("/organizations/{uri}/teams"),
            json!({"team": "TeamB"}),
        )
        .await
        .expect_error(409, "ResourceAlreadyExists");
    let member = Api::as_user("ds-b").await;
    let seen = member.get(&format!("/organizations/{uri}")).await.ok();
    assert_eq!(seen["userRole"], "Invited");
    member
        .patch(&format!("/organizations/{uri}"), json!({"label": "x"}))
        .await
        .expect_error(403, "UnauthorizedOperation");
    member
        .post(
            &format!("/organizations/{uri}/teams"),
            json!({"team": "TeamA"}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");

    let updated = science
        .put(
            &format!("/organizations/{uri}/teams/TeamB"),
            json!({"permissions": ["INVITE_ORGANIZATION_GROUP"]}),
        )
        .await
        .ok();
    assert_eq!(
        updated["permissions"],
        json!(["GET_ORGANIZATION", "INVITE_ORGANIZATION_GROUP"])
    );
    member
        .post(
            &format!("/organizations/{uri}/teams"),
            json!({"team": "TeamA"}),
        )
        .await
        .ok();

    science
        .delete(&format!("/organizations/{uri}/teams/TeamB"))
        .await
        .ok();
    member
        .get(&format!("/organizations/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn organization_admin_team_moves() {
    let platform = Api::as_user("dataall-admin").await;
    let organization = create_organization(&platform, &unique("Org"), "DataPlatformAdmin").await;
    let uri = organization["uri"].as_str().unwrap();
    platform
        .patch(
            &format!("/organizations/{uri}"),
            json!({"adminTeam": "TeamA"}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    let moved = platform
        .patch(
            &format!("/organizations/{uri}"),
            json!({"adminTeam": "DAAdministrators", "label": "Moved"}),
        )
        .await
        .ok();
    assert_eq!(moved["adminTeam"], "DAAdministrators");
    assert_eq!(moved["label"], "Moved");
    let teams = platform
        .get(&format!("/organizations/{uri}/teams"))
        .await
        .ok();
    let names: Vec<&str> = teams["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|team| team["team"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["DAAdministrators"],
        "the old admin team keeps no grant"
    );
    platform.delete(&format!("/organizations/{uri}")).await.ok();
    platform
        .get(&format!("/organizations/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn tenant_permission_gates_creation() {
    let admin = Api::as_user("dataall-admin").await;
    let without: Vec<&str> = vec!["MANAGE_DATASETS", "MANAGE_SHARES"];
    admin
        .put(
            "/tenant/teams/TeamB/permissions",
            json!({"permissions": without}),
        )
        .await
        .ok();
    let member = Api::as_user("ds-b").await;
    let reply = member
        .post(
            "/organizations",
            json!({"label": unique("Org"), "adminTeam": "TeamB"}),
        )
        .await;
    let all = shared::permissions::owned(shared::permissions::TENANT_PERMISSIONS);
    admin
        .put(
            "/tenant/teams/TeamB/permissions",
            json!({"permissions": all}),
        )
        .await
        .ok();
    reply.expect_error(403, "UnauthorizedOperation");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("MANAGE_ORGANIZATIONS")
    );
}

#[tokio::test]
async fn environment_link_refusals() {
    let science = Api::as_user("ds-admin").await;
    let organization = create_organization(&science, &unique("Org"), "DataScienceAdmin").await;
    let organization_uri = organization["uri"].as_str().unwrap();
    let account = fresh_account();

    let reply = link_environment(&science, organization_uri, &account, "DataScienceAdmin").await;
    reply.expect_error(422, "AWSResourceNotFound");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("dataallPivotRole")
    );

    create_pivot_role(&account).await;
    let bad_prefix = json!({
        "organizationUri": organization_uri, "label": "x", "awsAccountId": account,
        "region": REGION, "adminTeam": "DataScienceAdmin", "resourcePrefix": "Bad_Prefix",
    });
    let reply = science.post("/environments", bad_prefix).await;
    reply.expect_error(400, "InvalidInput");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("resourcePrefix")
    );
    let bad_account = json!({"organizationUri": organization_uri, "label": "x", "awsAccountId": "12", "region": REGION, "adminTeam": "DataScienceAdmin"});
    science
        .post("/environments", bad_account)
        .await
        .expect_error(400, "InvalidInput");
    link_environment(&science, organization_uri, &account, "TeamA")
        .await
        .expect_error(403, "UnauthorizedOperation");
    link_environment(
        &Api::as_user("ds-b").await,
        organization_uri,
        &account,
        "TeamB",
    )
    .await
    .expect_error(404, "ResourceNotFound");

    link_environment(&science, organization_uri, &account, "DataScienceAdmin")
        .await
        .ok();
    link_environment(&science, organization_uri, &account, "DataScienceAdmin")
        .await
        .expect_error(409, "ResourceAlreadyExists");
    science
        .delete(&format!("/organizations/{organization_uri}"))
        .await
        .expect_error(409, "EnvironmentResourcesFound");
}

#[tokio::test]
async fn environment_team_refusals() {
    let (account, _, uri) = fresh_environment().await;
    let science = Api::as_user("ds-admin").await;
    science
        .post(
            &format!("/environments/{uri}/teams"),
            json!({"team": "TeamA", "permissions": ["DELETE_ENVIRONMENT"]}),
        )
        .await
        .expect_error(400, "InvalidInput");
    science
        .post(
            &format!("/environments/{uri}/teams"),
            json!({"team": "TeamA", "permissions": []}),
        )
        .await
        .ok();
    let arn = create_iam_role(&account, "team-a-app").await;
    let role_body = json!({"label": "app", "team": "TeamA", "iamRoleArn": arn});
    Api::as_user("ds-a")
        .await
        .post(
            &format!("/environments/{uri}/consumption-roles"),
            role_body.clone(),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    science
        .put(
            &format!("/environments/{uri}/teams/TeamA"),
            json!({"permissions": ["ADD_ENVIRONMENT_CONSUMPTION_ROLES"]}),
        )
        .await
        .ok();
    science
        .post(
            &format!("/environments/{uri}/teams"),
            json!({"team": "TeamA"}),
        )
        .await
        .expect_error(409, "ResourceAlreadyExists");
    science
        .delete(&format!("/environments/{uri}/teams/DataScienceAdmin"))
        .await
        .expect_error(403, "UnauthorizedOperation");
    science
        .put(
            &format!("/environments/{uri}/teams/DataScienceAdmin"),
            json!({"permissions": []}),
        )
        .await
        .expect_error(400, "InvalidInput");

    let invited = Api::as_user("ds-a").await;
    invited.get(&format!("/environments/{uri}")).await.ok();
    invited
        .get(&format!("/environments/{uri}/teams"))
        .await
        .ok();
    invited
        .post(
            &format!("/environments/{uri}/teams"),
            json!({"team": "TeamB"}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    invited
        .patch(&format!("/environments/{uri}"), json!({"label": "x"}))
        .await
        .expect_error(403, "UnauthorizedOperation");
    invited
        .post(&format!("/environments/{uri}/stack/update"), json!({}))
        .await
        .expect_error(403, "UnauthorizedOperation");

    let outsider = Api::as_user("ds-b").await;
    outsider
        .get(&format!("/environments/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    outsider
        .get(&format!("/environments/{uri}/stack"))
        .await
        .expect_error(404, "ResourceNotFound");
    let listed = outsider.get("/environments").await.ok();
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["uri"] == uri.as_str())
    );

    invited
        .post(
            &format!("/environments/{uri}/consumption-roles"),
            json!({"label": "app", "team": "TeamB", "iamRoleArn": arn}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    let role = invited
        .post(&format!("/environments/{uri}/consumption-roles"), role_body)
        .await
        .ok();
    invited
        .post(
            &format!("/environments/{uri}/consumption-roles"),
            json!({"label": "again", "team": "TeamA", "iamRoleArn": arn}),
        )
        .await
        .expect_error(409, "ResourceAlreadyExists");
    let missing = format!("arn:aws:iam::{account}:role/no-such-role");
    invited
        .post(
            &format!("/environments/{uri}/consumption-roles"),
            json!({"label": "x", "team": "TeamA", "iamRoleArn": missing}),
        )
        .await
        .expect_error(422, "AWSResourceNotFound");
    invited
        .post(&format!("/environments/{uri}/consumption-roles"), json!({"label": "x", "team": "TeamA", "iamRoleArn": "arn:aws:iam::111111111111:role/x"}))
        .await
        .expect_error(400, "InvalidInput");

    science
        .delete(&format!("/environments/{uri}/teams/TeamA"))
        .await
        .expect_error(409, "EnvironmentResourcesFound");
    science
        .delete(&format!("/environments/{uri}"))
        .await
        .expect_error(409, "EnvironmentResourcesFound");
    let role_uri = role["uri"].as_str().unwrap();
    let renamed = invited
        .patch(
            &format!("/environments/{uri}/consumption-roles/{role_uri}"),
            json!({"label": "renamed"}),
        )
        .await
        .ok();
    assert_eq!(renamed["label"], "renamed");
    science
        .delete(&format!("/environments/{uri}/consumption-roles/{role_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    invited
        .delete(&format!("/environments/{uri}/consumption-roles/{role_uri}"))
        .await
        .ok();
    science
        .delete(&format!("/environments/{uri}/teams/TeamA"))
        .await
        .ok();
    invited
        .get(&format!("/environments/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn team_removal_removes_role() {
    let (account, _, uri) = fresh_environment().await;
    let science = Api::as_user("ds-admin").await;
    let team = science
        .post(
            &format!("/environments/{uri}/teams"),
            json!({"team": "TeamB"}),
        )
        .await
        .ok();
    let role_name = team["iamRoleName"].as_str().unwrap().to_owned();
    wait_for_roles(&account, &[(&role_name, "TeamB")]).await;
    science
        .delete(&format!("/environments/{uri}/teams/TeamB"))
        .await
        .ok();
    wait_for_role_gone(&account, &role_name).await;
}

#[tokio::test]
async fn tags_land_on_stack() {
    let (account, _, uri) = fresh_environment().await;
    let science = Api::as_user("ds-admin").await;
    science
        .put(&format!("/environments/{uri}/tags"), json!({"tags": [{"key": "CostCenter", "value": "42"}, {"key": "costcenter", "value": "1"}]}))
        .await
        .expect_error(400, "InvalidInput");
    science
        .put(
            &format!("/environments/{uri}/tags"),
            json!({"tags": [{"key": "CostCenter", "value": "42"}]}),
        )
        .await
        .ok();
    let tags = science.get(&format!("/environments/{uri}/tags")).await.ok();
    assert_eq!(tags["items"], json!([{"key": "CostCenter", "value": "42"}]));

    let cloudformation = account_aws(&account)
        .await
        .in_region(REGION)
        .cloudformation();
    let mut found = false;
    for _ in 0..120 {
        let stacks = cloudformation
            .describe_stacks()
            .stack_name(format!("dataall-environment-{uri}"))
            .send()
            .await;
        if let Ok(output) = stacks
            && output.stacks()[0]
                .tags()
                .iter()
                .any(|tag| tag.key() == Some("CostCenter") && tag.value() == Some("42"))
        {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(found, "the CostCenter tag never reached the stack");
}

#[tokio::test]
async fn environment_update_and_delete() {
    let (account, organization_uri, uri) = fresh_environment().await;
    let science = Api::as_user("ds-admin").await;
    science
        .patch(
            &format!("/environments/{uri}"),
            json!({"resourcePrefix": "other"}),
        )
        .await
        .expect_error(400, "InvalidInput");
    let updated = science
        .patch(
            &format!("/environments/{uri}"),
            json!({"label": "Renamed", "description": "d"}),
        )
        .await
        .ok();
    assert_eq!(updated["label"], "Renamed");
    assert_eq!(updated["version"], 2);
    let redeploy = science
        .post(&format!("/environments/{uri}/stack/update"), json!({}))
        .await;
    assert_eq!(redeploy.status, 202, "{}", redeploy.body);
    wait_for_stack(&science, &uri).await;
    let listed = science
        .get(&format!("/organizations/{organization_uri}/environments"))
        .await
        .ok();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    science
        .delete(&format!("/environments/{uri}?deleteFromAws=maybe"))
        .await
        .expect_error(400, "InvalidInput");
    science
        .delete(&format!("/environments/{uri}?deleteFromAws=true"))
        .await
        .ok();
    science
        .get(&format!("/environments/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    let stacks = account_aws(&account)
        .await
        .in_region(REGION)
        .cloudformation()
        .describe_stacks()
        .stack_name(format!("dataall-environment-{uri}"))
        .send()
        .await;
    let gone = match stacks {
        Err(_) => true,
        Ok(output) => output
            .stacks()
            .iter()
            .all(|stack| stack.stack_status().map(|s| s.as_str()) == Some("DELETE_COMPLETE")),
    };
    assert!(gone, "the stack was not deleted");
    // The account and region can be linked again once the environment is gone.
    link_environment(&science, &organization_uri, &account, "DataScienceAdmin")
        .await
        .ok();
}

#[tokio::test]
async fn daily_stack_update_runs() {
    let (_, _, uri) = fresh_environment().await;
    let (_, execution) = integration_tests::run_state_machine("stack-update", &json!({})).await;
    assert_eq!(
        execution.status().as_str(),
        "SUCCEEDED",
        "{:?}",
        execution.cause()
    );
    let output: Value = serde_json::from_str(execution.output().unwrap()).unwrap();
    let updated: Vec<&str> = output["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|result| result["targetUri"].as_str())
        .collect();
    assert!(updated.contains(&uri.as_str()), "{output}");
}
