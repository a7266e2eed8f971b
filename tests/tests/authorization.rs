//! Allowed and denied callers of the organization and environment routes, table-driven.
//!
//! Callers: a tenant admin who is in neither team, the owner team, an invited team without
//! extra permissions, and an unrelated team. Mutations send a body that fails validation, so
//! an allowed caller gets 400 (the checks passed, nothing changed) and a denied one 403 or 404.

use integration_tests::access::{Case, Outcome, mismatches};
use integration_tests::{Api, account_aws, create_pivot_role, fresh_account, unique};
use serde_json::json;

#[tokio::test]
async fn administrate_routes_by_caller() {
    let account = fresh_account();
    create_pivot_role(&account).await;
    let owner = Api::as_user("ds-admin").await;
    let organization = owner
        .post(
            "/organizations",
            json!({"label": unique("Org"), "adminTeam": "DataScienceAdmin"}),
        )
        .await
        .ok();
    let org = organization["uri"].as_str().unwrap().to_owned();
    let environment = owner
        .post(
            "/environments",
            json!({"organizationUri": org, "label": unique("Env"), "awsAccountId": account, "region": "eu-west-1", "adminTeam": "DataScienceAdmin"}),
        )
        .await
        .ok();
    let env = environment["uri"].as_str().unwrap().to_owned();
    owner
        .post(
            &format!("/organizations/{org}/teams"),
            json!({"team": "TeamA"}),
        )
        .await
        .ok();
    owner
        .post(
            &format!("/environments/{env}/teams"),
            json!({"team": "TeamA", "permissions": ["ADD_ENVIRONMENT_CONSUMPTION_ROLES"]}),
        )
        .await
        .ok();
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role = account_aws(&account)
        .await
        .iam()
        .create_role()
        .role_name("authorization-test")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap();
    let invited = Api::as_user("ds-a").await;
    let consumption_role = invited
        .post(
            &format!("/environments/{env}/consumption-roles"),
            json!({"label": "app", "team": "TeamA", "iamRoleArn": role.role().unwrap().arn()}),
        )
        .await
        .ok();
    let role_uri = consumption_role["uri"].as_str().unwrap().to_owned();
    // The invited team keeps only the defaults, so it may list but not change.
    owner
        .put(
            &format!("/environments/{env}/teams/TeamA"),
            json!({"permissions": []}),
        )
        .await
        .ok();

    let invalid = json!({"notAField": true});
    use Outcome::{Allowed as A, Forbidden as F, NotFound as N};
    // (method, path, body, tenant admin, owner team, invited team, unrelated team)
    let cases = [
        Case::new("GET", format!("/organizations/{org}"), None, [N, A, A, N]),
        Case::new(
            "PATCH",
            format!("/organizations/{org}"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
        Case::new(
            "GET",
            format!("/organizations/{org}/teams"),
            None,
            [N, A, A, N],
        ),
        Case::new(
            "POST",
            format!("/organizations/{org}/teams"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
        Case::new(
            "PUT",
            format!("/organizations/{org}/teams/TeamA"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
        Case::new(
            "DELETE",
            format!("/organizations/{org}/teams/NoSuchTeam"),
            None,
            [N, N, F, N],
        ),
        Case::new(
            "GET",
            format!("/organizations/{org}/environments"),
            None,
            [N, A, A, N],
        ),
        Case::new("GET", format!("/environments/{env}"), None, [N, A, A, N]),
        Case::new(
            "PATCH",
            format!("/environments/{env}"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
        Case::new(
            "GET",
            format!("/environments/{env}/teams"),
            None,
            [N, A, A, N],
        ),
        Case::new(
            "POST",
            format!("/environments/{env}/teams"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
        Case::new(
            "PUT",
            format!("/environments/{env}/teams/TeamA"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
        Case::new(
            "DELETE",
            format!("/environments/{env}/teams/NoSuchTeam"),
            None,
            [N, N, F, N],
        ),
        Case::new(
            "GET",
            format!("/environments/{env}/consumption-roles"),
            None,
            [N, A, A, N],
        ),
        Case::new(
            "POST",
            format!("/environments/{env}/consumption-roles"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
        Case::new(
            "PATCH",
            format!("/environments/{env}/consumption-roles/{role_uri}"),
            Some(invalid.clone()),
            [N, N, A, N],
        ),
        Case::new(
            "GET",
            format!("/environments/{env}/stack"),
            None,
            [N, A, A, N],
        ),
        Case::new(
            "POST",
            format!("/environments/{env}/stack/update"),
            Some(json!({})),
            [N, A, F, N],
        ),
        Case::new(
            "GET",
            format!("/environments/{env}/tags"),
            None,
            [N, A, A, N],
        ),
        Case::new(
            "PUT",
            format!("/environments/{env}/tags"),
            Some(invalid.clone()),
            [N, A, F, N],
        ),
    ];
    let admin = Api::as_user("dataall-admin").await;
    let unrelated = Api::as_user("ds-b").await;
    let callers = [
        ("dataall-admin", &admin),
        ("ds-admin", &owner),
        ("ds-a", &invited),
        ("ds-b", &unrelated),
    ];
    let found = mismatches(&cases, &callers).await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}
