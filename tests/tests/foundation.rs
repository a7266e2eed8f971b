//! The local stack's foundations: sign-in, identity, token checks, the store's conditional
//! writes, Lambda semantics of the AWS endpoint, the Step Functions path and the S3 Control
//! fix.

use integration_tests::{Api, aws_url, central_aws, sign_in};
use serde_json::{Value, json};
use shared::store::{Keys, Store, StoreError};

#[tokio::test]
async fn me_for_every_demo_user() {
    let cases = [
        (
            "dataall-admin",
            vec!["DAAdministrators", "DataPlatformAdmin"],
            true,
        ),
        ("ds-admin", vec!["DataScienceAdmin"], false),
        ("ds-a", vec!["TeamA"], false),
        ("ds-b", vec!["TeamB"], false),
    ];
    for (user, groups, admin) in cases {
        let me = Api::as_user(user).await.get("/me").await.ok();
        assert_eq!(me["username"], user);
        assert_eq!(me["email"], format!("{user}@example.com"));
        assert_eq!(me["groups"], json!(groups), "groups of {user}");
        assert_eq!(me["isTenantAdmin"], admin, "admin flag of {user}");
        let permissions = me["tenantPermissions"].as_array().unwrap();
        assert!(
            permissions.contains(&json!("MANAGE_ORGANIZATIONS")),
            "{user}: {permissions:?}"
        );
    }
}

#[tokio::test]
async fn missing_token_is_401() {
    Api::with_token(None)
        .get("/me")
        .await
        .expect_error(401, "Unauthenticated");
}

#[tokio::test]
async fn tampered_token_is_401() {
    let token = sign_in("ds-a", integration_tests::PASSWORD).await.unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    // Swap the payload for ds-b's payload, keeping ds-a's signature.
    let other = sign_in("ds-b", integration_tests::PASSWORD).await.unwrap();
    parts[1] = other.split('.').nth(1).unwrap().to_owned();
    let forged = parts.join(".");
    Api::with_token(Some(forged))
        .get("/me")
        .await
        .expect_error(401, "Unauthenticated");
    Api::with_token(Some("not-a-token".into()))
        .get("/me")
        .await
        .expect_error(401, "Unauthenticated");
}

#[tokio::test]
async fn wrong_password_is_401() {
    let reply = sign_in("ds-a", "wrong-password").await.unwrap_err();
    reply.expect_error(401, "Unauthenticated");
}

/// Signs an ID token for ds-a that expired an hour ago, with the emulator's own signing key,
/// which ships with moto.
fn expired_token(issuer: &str, audience: &str) -> String {
    let script = r#"
import sys, time
from joserfc import jwk, jwt
from moto.utilities.utils import load_resource
key = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
now = int(time.time())
claims = {"iss": sys.argv[1], "aud": sys.argv[2], "sub": "x", "token_use": "id",
          "cognito:username": "ds-a", "iat": now - 7200, "exp": now - 3600}
print(jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, key))
"#;
    let python = std::env::var("LOCAL_PYTHON")
        .unwrap_or_else(|_| format!("{}/../.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    let output = std::process::Command::new(python)
        .args(["-c", script, issuer, audience])
        .output()
        .expect("the emulator's Python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn claims_of(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn expired_token_is_401() {
    let token = sign_in("ds-a", integration_tests::PASSWORD).await.unwrap();
    let claims = claims_of(&token);
    let expired = expired_token(
        claims["iss"].as_str().unwrap(),
        claims["aud"].as_str().unwrap(),
    );
    let reply = Api::with_token(Some(expired)).get("/me").await;
    reply.expect_error(401, "Unauthenticated");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Expired"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn identity_headers_are_ignored() {
    let api = Api::as_user("ds-b")
        .await
        .header("X-Username", "dataall-admin")
        .header("X-Groups", "DAAdministrators")
        .header("cognito-groups", "DAAdministrators")
        .header("X-Amzn-Oidc-Identity", "dataall-admin");
    let me = api.get("/me").await.ok();
    assert_eq!(me["username"], "ds-b");
    assert_eq!(me["groups"], json!(["TeamB"]));
    api.get("/tenant/teams")
        .await
        .expect_error(403, "UnauthorizedOperation");
}

#[tokio::test]
async fn tenant_routes_for_admins_only() {
    let admin = Api::as_user("dataall-admin").await;
    let permissions = admin.get("/tenant/permissions").await.ok();
    assert_eq!(permissions["items"].as_array().unwrap().len(), 15);
    for user in ["ds-admin", "ds-a"] {
        let api = Api::as_user(user).await;
        api.get("/tenant/permissions")
            .await
            .expect_error(403, "UnauthorizedOperation");
        api.put(
            "/tenant/teams/TeamB/permissions",
            json!({"permissions": []}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    }
}

#[tokio::test]
async fn tenant_permissions_update_and_validation() {
    let admin = Api::as_user("dataall-admin").await;
    let team = integration_tests::unique("Team");
    let updated = admin
        .put(
            &format!("/tenant/teams/{team}/permissions"),
            json!({"permissions": ["MANAGE_DATASETS", "MANAGE_SHARES"]}),
        )
        .await
        .ok();
    assert_eq!(
        updated["permissions"],
        json!(["MANAGE_DATASETS", "MANAGE_SHARES"])
    );
    let teams = admin.get("/tenant/teams").await.ok();
    let listed = teams["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team"] == team.as_str())
        .cloned();
    assert_eq!(
        listed.unwrap()["permissions"],
        json!(["MANAGE_DATASETS", "MANAGE_SHARES"])
    );

    let reply = admin
        .put(
            &format!("/tenant/teams/{team}/permissions"),
            json!({"permissions": ["MANAGE_EVERYTHING"]}),
        )
        .await;
    reply.expect_error(400, "InvalidInput");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("permissions")
    );
    admin
        .put(&format!("/tenant/teams/{team}/permissions"), json!({}))
        .await
        .expect_error(400, "RequiredParameter");
    admin
        .put(
            "/tenant/teams/DAAdministrators/permissions",
            json!({"permissions": []}),
        )
        .await
        .expect_error(400, "InvalidInput");
}

#[tokio::test]
async fn unknown_route_is_404() {
    let api = Api::as_user("ds-a").await;
    api.get("/no-such-thing")
        .await
        .expect_error(404, "ResourceNotFound");
    api.delete("/me")
        .await
        .expect_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn conditional_writes_conflict() {
    let aws = central_aws().await;
    let table = format!("conflict-test-{}", shared::uri::new_uri());
    Store::table_definition()
        .create(&aws.dynamodb(), &table)
        .await
        .unwrap();
    let store = Store::new(aws.dynamodb(), &table);
    let keys = Keys::new("THING#1", "META");
    let first = json!({"uri": "thing0001", "version": 1});
    store
        .put_new(keys.item("Thing", &first).unwrap())
        .await
        .unwrap();
    let again = store.put_new(keys.item("Thing", &first).unwrap()).await;
    assert!(
        matches!(again, Err(StoreError::ConditionFailed)),
        "{again:?}"
    );

    let second = json!({"uri": "thing0001", "version": 2});
    store
        .replace_versioned(keys.item("Thing", &second).unwrap(), 1)
        .await
        .unwrap();
    let stale = store
        .replace_versioned(
            keys.item("Thing", &json!({"uri": "thing0001", "version": 2}))
                .unwrap(),
            1,
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::ConditionFailed)),
        "{stale:?}"
    );

    // Two writers racing from the same version: exactly one wins.
    let writers = (0..2).map(|index| {
        let store = store.clone();
        let item = keys
            .item(
                "Thing",
                &json!({"uri": "thing0001", "version": 3, "writer": index}),
            )
            .unwrap();
        tokio::spawn(async move { store.replace_versioned(item, 2).await })
    });
    let mut wins = 0;
    for writer in writers {
        if writer.await.unwrap().is_ok() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
    aws.dynamodb()
        .delete_table()
        .table_name(&table)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn lambda_invoke_semantics() {
    let http = reqwest::Client::new();
    let url = |name: &str| format!("{}/2015-03-31/functions/{name}/invocations", aws_url());
    let failed = http
        .post(url("stack-worker"))
        .body(r#"{"action": "explode"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status().as_u16(), 200);
    assert_eq!(failed.headers()["x-amz-function-error"], "Unhandled");
    let payload: Value = failed.json().await.unwrap();
    assert_eq!(payload["errorType"], "InvalidInput", "{payload}");

    let missing = http
        .post(url("no-such-function"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

#[tokio::test]
async fn step_functions_catch_named_error() {
    let missing = shared::uri::new_uri();
    let input = json!({"targetType": "environment", "targetUri": missing});
    let (arn, execution) = integration_tests::run_state_machine("stack-deploy", &input).await;
    let sfn = central_aws().await.sfn();
    assert_eq!(execution.status().as_str(), "FAILED");
    assert_eq!(execution.error(), Some("StackDeployFailed"));

    let history = sfn
        .get_execution_history()
        .execution_arn(&arn)
        .send()
        .await
        .unwrap();
    let task_errors: Vec<&str> = history
        .events()
        .iter()
        .filter_map(|event| event.task_failed_event_details())
        .filter_map(|details| details.error())
        .collect();
    assert_eq!(task_errors, vec!["EnvironmentNotFound"]);
    let recorded = history
        .events()
        .iter()
        .filter_map(|event| event.task_succeeded_event_details())
        .filter_map(|details| details.output())
        .find(|output| output.contains("DEPLOY_FAILED"));
    let output: Value =
        serde_json::from_str(recorded.expect("RecordFailure ran after the Catch")).unwrap();
    assert_eq!(
        output["Payload"]["reason"],
        format!("EnvironmentNotFound: environment {missing} not found")
    );
}

#[tokio::test]
async fn s3control_through_the_sdk() {
    let aws = central_aws().await;
    let bucket = format!("access-point-test-{}", shared::uri::new_uri());
    aws.s3()
        .create_bucket()
        .bucket(&bucket)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let name = format!("ap-{}", shared::uri::new_uri());
    let created = aws
        .s3control()
        .create_access_point()
        .account_id("123456789012")
        .name(&name)
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert!(
        created
            .access_point_arn()
            .unwrap_or_default()
            .ends_with(&name),
        "{created:?}"
    );
    let fetched = aws
        .s3control()
        .get_access_point()
        .account_id("123456789012")
        .name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.bucket(), Some(bucket.as_str()));
}
