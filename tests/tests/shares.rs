//! Share requests through the HTTP API and the share workflows, with the Lake Formation
//! grants and resource links checked in the emulator's accounts.

use integration_tests::fixtures::register_table;
use integration_tests::{
    Api, Reply, account_aws, create_pivot_role, eventually, fresh_account, link_environment, unique,
};
use serde_json::{Value, json};
use shared::aws::AwsClients;

const REGION: &str = "eu-west-2";

/// A dataset with one synchronised table in a producer account, and a consumer
/// environment in another account with TeamA and TeamB invited.
struct Fixture {
    producer: Api,
    consumer_admin: Api,
    dataset: Value,
    table_uri: String,
    table_name: String,
    consumer_account: String,
    producer_account: String,
    consumer_environment: Value,
}

async fn region_aws(account: &str) -> AwsClients {
    account_aws(account).await.in_region(REGION)
}

async fn fixture() -> Fixture {
    let producer_account = fresh_account();
    let consumer_account = fresh_account();
    create_pivot_role(&producer_account).await;
    create_pivot_role(&consumer_account).await;
    let producer = Api::as_user("dataall-admin").await;
    let producer_environment =
        link_environment(&producer, "DataPlatformAdmin", &producer_account, REGION).await;
    let dataset = producer
        .post(
            "/datasets",
            json!({"environmentUri": producer_environment["uri"], "label": unique("Sales"), "topics": ["Sales"], "ownerTeam": "DataPlatformAdmin"}),
        )
        .await
        .ok();
    let dataset_uri = dataset["uri"].as_str().unwrap().to_owned();
    let database = dataset["glueDatabaseName"].as_str().unwrap().to_owned();
    let producer_aws = region_aws(&producer_account).await;
    eventually("the Glue database", 40, || {
        let glue = producer_aws.glue();
        let database = database.clone();
        async move { glue.get_database().name(database).send().await.ok() }
    })
    .await;
    let table_name = "supermarket_sales".to_owned();
    register_table(&producer_aws, &database, &table_name).await;
    producer
        .post(&format!("/datasets/{dataset_uri}/tables/sync"), json!({}))
        .await
        .ok();
    let tables = producer
        .get(&format!("/datasets/{dataset_uri}/tables"))
        .await
        .ok();
    let table_uri = tables["items"][0]["uri"].as_str().unwrap().to_owned();

    let consumer_admin = Api::as_user("ds-admin").await;
    let consumer_environment = link_environment(
        &consumer_admin,
        "DataScienceAdmin",
        &consumer_account,
        REGION,
    )
    .await;
    let environment_uri = consumer_environment["uri"].as_str().unwrap();
    let mut roles = Vec::new();
    for team in ["TeamA", "TeamB"] {
        let invited = consumer_admin
            .post(
                &format!("/environments/{environment_uri}/teams"),
                json!({"team": team, "permissions": ["CREATE_SHARE_OBJECT"]}),
            )
            .await
            .ok();
        roles.push(invited["iamRoleName"].as_str().unwrap().to_owned());
    }
    let consumer_aws = region_aws(&consumer_account).await;
    for role in roles {
        eventually("the team role", 40, || {
            let iam = consumer_aws.iam();
            let role = role.clone();
            async move { iam.get_role().role_name(role).send().await.ok() }
        })
        .await;
    }
    Fixture {
        producer,
        consumer_admin,
        dataset,
        table_uri,
        table_name,
        consumer_account,
        producer_account,
        consumer_environment,
    }
}

fn request(fixture: &Fixture, team: &str, permissions: &[&str]) -> Value {
    json!({
        "datasetUri": fixture.dataset["uri"], "environmentUri": fixture.consumer_environment["uri"],
        "requesterTeam": team, "principalType": "Group", "permissions": permissions,
        "requestPurpose": "analysis", "items": [{"itemType": "Table", "itemUri": fixture.table_uri}],
    })
}

async fn wait_for_status(api: &Api, share_uri: &str, status: &str) -> Value {
    eventually(
        &format!("share {share_uri} reaching {status}"),
        40,
        || async move {
            let share = api.get(&format!("/shares/{share_uri}")).await.ok();
            (share["status"] == status).then_some(share)
        },
    )
    .await
}

/// Submits a share as its requester, approves it as the dataset owner and waits until it
/// is processed.
async fn submit_and_approve(fixture: &Fixture, requester: &Api, share_uri: &str) -> Value {
    requester
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();
    fixture
        .producer
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .ok();
    wait_for_status(requester, share_uri, "Processed").await
}

/// Lists the principal's Lake Formation permissions on a table of `account`.
async fn lake_formation_permissions(
    aws: &AwsClients,
    account: &str,
    database: &str,
    table: &str,
    principal: &str,
) -> Vec<String> {
    let resource = aws_sdk_lakeformation::types::Resource::builder()
        .table(
            aws_sdk_lakeformation::types::TableResource::builder()
                .catalog_id(account)
                .database_name(database)
                .name(table)
                .build()
                .unwrap(),
        )
        .build();
    let output = aws
        .lakeformation()
        .list_permissions()
        .principal(
            aws_sdk_lakeformation::types::DataLakePrincipal::builder()
                .data_lake_principal_identifier(principal)
                .build(),
        )
        .resource(resource)
        .send()
        .await
        .unwrap();
    output
        .principal_resource_permissions()
        .iter()
        .flat_map(|entry| {
            entry
                .permissions()
                .iter()
                .map(|permission| permission.as_str().to_owned())
        })
        .collect()
}

async fn team_role_arn(fixture: &Fixture, team: &str) -> String {
    let teams = fixture
        .consumer_admin
        .get(&format!(
            "/environments/{}/teams",
            fixture.consumer_environment["uri"].as_str().unwrap()
        ))
        .await
        .ok();
    teams["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team"] == team)
        .unwrap()["iamRoleArn"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Returns the policy text of an access point of `account`.
async fn access_point_policy(aws: &AwsClients, account: &str, access_point: &str) -> String {
    let output = aws
        .s3control()
        .get_access_point_policy()
        .account_id(account)
        .name(access_point)
        .send()
        .await
        .unwrap_or_else(|error| panic!("access point {access_point} has no policy: {error:?}"));
    output.policy().unwrap_or_default().to_owned()
}

/// Sids of the dataset key policy statements of folder and bucket shares.
const ACCESS_POINT_KEY_SID: &str = "DataAll-Access-Point-KMS-Decrypt";
const BUCKET_KEY_SID: &str = "DataAll-Bucket-KMS-Decrypt";

/// Returns the ARN of the dataset's KMS key in the producer account. GetKeyPolicy and
/// PutKeyPolicy take a key id or ARN, not an alias.
async fn dataset_key_arn(aws: &AwsClients, dataset: &Value) -> String {
    let alias = format!("alias/{}", dataset["kmsAlias"].as_str().unwrap());
    let described = aws
        .kms()
        .describe_key()
        .key_id(&alias)
        .send()
        .await
        .unwrap_or_else(|error| panic!("DescribeKey {alias} failed: {error:?}"));
    described.key_metadata().unwrap().arn().unwrap().to_owned()
}

/// Returns the dataset key's policy document.
async fn key_policy(aws: &AwsClients, dataset: &Value) -> Value {
    let key = dataset_key_arn(aws, dataset).await;
    let output = aws
        .kms()
        .get_key_policy()
        .key_id(&key)
        .policy_name("default")
        .send()
        .await
        .unwrap_or_else(|error| panic!("GetKeyPolicy {key} failed: {error:?}"));
    serde_json::from_str(output.policy().unwrap()).unwrap()
}

/// Lists the principals of the key policy statement `sid`, or `None` when the policy has no
/// such statement.
fn key_statement_principals(policy: &Value, sid: &str) -> Option<Vec<String>> {
    let statement = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|statement| statement["Sid"] == sid)?;
    let principals = match &statement["Principal"]["AWS"] {
        Value::String(principal) => vec![principal.clone()],
        Value::Array(principals) => principals
            .iter()
            .map(|principal| principal.as_str().unwrap().to_owned())
            .collect(),
        other => panic!("statement {sid} has no AWS principals: {other}"),
    };
    Some(principals)
}

/// Asserts which principal each share statement of the dataset key's policy names, `None`
/// meaning no such statement, and that the stack's own statement is kept. `when` names the
/// step for the failure message.
async fn assert_key_statements(
    aws: &AwsClients,
    dataset: &Value,
    access_point: Option<&str>,
    bucket: Option<&str>,
    when: &str,
) {
    let key = key_policy(aws, dataset).await;
    let expected = |principal: Option<&str>| principal.map(|arn| vec![arn.to_owned()]);
    assert_eq!(
        key_statement_principals(&key, ACCESS_POINT_KEY_SID),
        expected(access_point),
        "{when}: {key}"
    );
    assert_eq!(
        key_statement_principals(&key, BUCKET_KEY_SID),
        expected(bucket),
        "{when}: {key}"
    );
    assert!(
        key_statement_principals(&key, "AccountAdministers").is_some(),
        "{when}, the stack's own statement is kept: {key}"
    );
}

/// Asserts that a role policy document, as IAM returns it, names the dataset's key. IAM
/// returns the document URL-encoded, so the check looks for the key id of the ARN.
async fn assert_names_dataset_key(aws: &AwsClients, dataset: &Value, document: &str) {
    let key_arn = dataset_key_arn(aws, dataset).await;
    let key_id = key_arn.rsplit('/').next().unwrap();
    assert!(document.contains(key_id), "{key_arn} in {document}");
}

/// Removes the key policy statement `sid` outside the product, as drift.
async fn remove_key_statement(aws: &AwsClients, dataset: &Value, sid: &str) {
    let key = dataset_key_arn(aws, dataset).await;
    let mut policy = key_policy(aws, dataset).await;
    policy["Statement"]
        .as_array_mut()
        .unwrap()
        .retain(|statement| statement["Sid"] != sid);
    aws.kms()
        .put_key_policy()
        .key_id(&key)
        .policy_name("default")
        .policy(policy.to_string())
        .send()
        .await
        .unwrap();
}

/// Returns the item of a share reply whose `itemUri` is `item_uri`.
fn share_item<'a>(share: &'a Value, item_uri: &str) -> &'a Value {
    share["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["itemUri"] == item_uri)
        .unwrap_or_else(|| panic!("share has no item for {item_uri}: {share}"))
}

/// Verifies one item and waits until it is `Unhealthy`, returning its health message.
async fn verify_unhealthy(api: &Api, share_uri: &str, item: &Value) -> String {
    let item_uri = item["uri"].as_str().unwrap();
    api.post(
        &format!("/shares/{share_uri}/verify"),
        json!({"itemUris": [item_uri]}),
    )
    .await
    .ok();
    let share = eventually(
        &format!("item {item_uri} turning Unhealthy"),
        40,
        || async {
            let share = api.get(&format!("/shares/{share_uri}")).await.ok();
            (share_item(&share, item["itemUri"].as_str().unwrap())["healthStatus"] == "Unhealthy")
                .then_some(share)
        },
    )
    .await;
    share_item(&share, item["itemUri"].as_str().unwrap())["healthMessage"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Re-applies one item and waits until it is `Healthy` again.
async fn reapply_healthy(approver: &Api, requester: &Api, share_uri: &str, item: &Value) {
    let item_uri = item["uri"].as_str().unwrap();
    approver
        .post(
            &format!("/shares/{share_uri}/reapply"),
            json!({"itemUris": [item_uri]}),
        )
        .await
        .ok();
    eventually(
        &format!("item {item_uri} turning Healthy again"),
        40,
        || async {
            let share = requester.get(&format!("/shares/{share_uri}")).await.ok();
            (share_item(&share, item["itemUri"].as_str().unwrap())["healthStatus"] == "Healthy")
                .then_some(())
        },
    )
    .await;
}

/// Removes the key policy statement `sid` outside the product, then checks that verify
/// reports the item `Unhealthy` naming that statement alone, and that re-apply writes the
/// statement back with `principal`.
async fn check_key_statement_drift(
    fixture: &Fixture,
    requester: &Api,
    share_uri: &str,
    item: &Value,
    sid: &str,
    principal: &str,
) {
    let producer = region_aws(&fixture.producer_account).await;
    remove_key_statement(&producer, &fixture.dataset, sid).await;
    let message = verify_unhealthy(requester, share_uri, item).await;
    assert!(message.contains("key policy"), "{message}");
    assert!(message.contains(sid), "{message}");
    assert!(
        !message.contains(" | "),
        "only the key policy is missing: {message}"
    );
    reapply_healthy(&fixture.producer, requester, share_uri, item).await;
    let key = key_policy(&producer, &fixture.dataset).await;
    assert_eq!(
        key_statement_principals(&key, sid),
        Some(vec![principal.to_owned()]),
        "re-apply restored the key policy statement: {key}"
    );
}

#[tokio::test]
async fn table_share_cross_account() {
    let fixture = fixture().await;
    let team_a = Api::as_user("ds-a").await;
    let team_b = Api::as_user("ds-b").await;
    let share = team_a
        .post("/shares", request(&fixture, "TeamA", &["Read"]))
        .await
        .ok();
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    assert_eq!(share["status"], "Draft");
    assert_eq!(share["userRole"], "Requesters");
    assert_eq!(share["items"][0]["status"], "PendingApproval");
    let again = team_a
        .post("/shares", request(&fixture, "TeamA", &["Read"]))
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["alreadyExisted"], true);
    assert_eq!(again.body["uri"], share_uri.as_str());
    team_b
        .get(&format!("/shares/{share_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");

    fixture
        .producer
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .expect_error(409, "InvalidStateTransition");
    let submitted = team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();
    assert_eq!(submitted["status"], "Submitted");
    team_a
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .expect_error(403, "UnauthorizedOperation");
    let inbox = fixture.producer.get("/shares?role=received").await.ok();
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["uri"] == share_uri.as_str())
    );
    let outbox = team_a.get("/shares?role=sent").await.ok();
    assert!(
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["uri"] == share_uri.as_str())
    );

    let approved = fixture
        .producer
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .ok();
    assert_eq!(approved["userRole"], "Approvers");
    let processed = wait_for_status(&team_a, &share_uri, "Processed").await;
    let item = &processed["items"][0];
    assert_eq!(item["status"], "Share_Succeeded", "{processed}");
    assert_eq!(item["healthStatus"], "Healthy");
    assert_eq!(processed["statistics"]["sharedItems"], 1);

    let database = fixture.dataset["glueDatabaseName"].as_str().unwrap();
    let consumer_aws = region_aws(&fixture.consumer_account).await;
    let link = consumer_aws
        .glue()
        .get_table()
        .database_name(format!("{database}_shared"))
        .name(&fixture.table_name)
        .send()
        .await
        .expect("the resource link exists in the consumer account");
    let target = link
        .table()
        .unwrap()
        .target_table()
        .expect("the link points at the source table");
    assert_eq!(target.database_name(), Some(database));
    let producer_aws = region_aws(&fixture.producer_account).await;
    let role_a = team_role_arn(&fixture, "TeamA").await;
    let role_b = team_role_arn(&fixture, "TeamB").await;
    let granted = lake_formation_permissions(
        &producer_aws,
        &fixture.producer_account,
        database,
        &fixture.table_name,
        &role_a,
    )
    .await;
    assert!(granted.contains(&"SELECT".to_owned()), "{granted:?}");
    assert!(granted.contains(&"DESCRIBE".to_owned()), "{granted:?}");
    assert!(
        lake_formation_permissions(
            &producer_aws,
            &fixture.producer_account,
            database,
            &fixture.table_name,
            &role_b
        )
        .await
        .is_empty()
    );
    team_a
        .get(&format!("/tables/{}", fixture.table_uri))
        .await
        .ok();
    team_b
        .get(&format!("/tables/{}", fixture.table_uri))
        .await
        .expect_error(404, "ResourceNotFound");
    team_a
        .delete(&format!("/shares/{share_uri}"))
        .await
        .expect_error(409, "ShareItemsFound");
    let dataset_uri = fixture.dataset["uri"].as_str().unwrap();
    fixture
        .producer
        .delete(&format!("/tables/{}", fixture.table_uri))
        .await
        .expect_error(409, "ResourceShared");
    fixture
        .producer
        .delete(&format!("/datasets/{dataset_uri}"))
        .await
        .expect_error(409, "ResourceShared");
    fixture
        .consumer_admin
        .delete(&format!(
            "/environments/{}/teams/TeamA",
            fixture.consumer_environment["uri"].as_str().unwrap()
        ))
        .await
        .expect_error(409, "EnvironmentResourcesFound");

    // Drift: a grant removed outside the product makes verify report it; re-apply restores it.
    let item_uri = item["uri"].as_str().unwrap().to_owned();
    let source_table = aws_sdk_lakeformation::types::Resource::builder()
        .table(
            aws_sdk_lakeformation::types::TableResource::builder()
                .catalog_id(&fixture.producer_account)
                .database_name(database)
                .name(&fixture.table_name)
                .build()
                .unwrap(),
        )
        .build();
    producer_aws
        .lakeformation()
        .revoke_permissions()
        .principal(
            aws_sdk_lakeformation::types::DataLakePrincipal::builder()
                .data_lake_principal_identifier(&role_a)
                .build(),
        )
        .resource(source_table)
        .permissions(aws_sdk_lakeformation::types::Permission::Select)
        .send()
        .await
        .unwrap();
    team_b
        .post(
            &format!("/shares/{share_uri}/verify"),
            json!({"itemUris": [item_uri]}),
        )
        .await
        .expect_error(404, "ResourceNotFound");
    let verifying = team_a
        .post(
            &format!("/shares/{share_uri}/verify"),
            json!({"itemUris": [item_uri]}),
        )
        .await;
    assert_eq!(verifying.status, 202, "{}", verifying.body);
    let unhealthy = eventually("the item turning Unhealthy", 40, || async {
        let share = team_a.get(&format!("/shares/{share_uri}")).await.ok();
        (share["items"][0]["healthStatus"] == "Unhealthy").then_some(share)
    })
    .await;
    let message = unhealthy["items"][0]["healthMessage"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("SELECT"), "{message}");
    assert_eq!(
        unhealthy["items"][0]["status"], "Share_Succeeded",
        "verify keeps the status"
    );
    team_a
        .post(
            &format!("/shares/{share_uri}/reapply"),
            json!({"itemUris": [item_uri]}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    fixture
        .producer
        .post(
            &format!("/shares/{share_uri}/reapply"),
            json!({"itemUris": [item_uri]}),
        )
        .await
        .ok();
    let healthy = eventually("the item turning Healthy again", 40, || async {
        let share = team_a.get(&format!("/shares/{share_uri}")).await.ok();
        (share["items"][0]["healthStatus"] == "Healthy").then_some(share)
    })
    .await;
    assert_eq!(
        healthy["items"][0]["status"], "Share_Succeeded",
        "re-apply keeps the status"
    );
    let restored = lake_formation_permissions(
        &producer_aws,
        &fixture.producer_account,
        database,
        &fixture.table_name,
        &role_a,
    )
    .await;
    assert!(restored.contains(&"SELECT".to_owned()), "{restored:?}");
    let (_, weekly) = integration_tests::run_state_machine("share-verifier", &json!({})).await;
    assert_eq!(
        weekly.status().as_str(),
        "SUCCEEDED",
        "{:?}",
        weekly.cause()
    );

    team_a
        .post(
            &format!("/shares/{share_uri}/revoke"),
            json!({"itemUris": []}),
        )
        .await
        .expect_error(409, "ShareItemsFound");
    team_a
        .post(
            &format!("/shares/{share_uri}/revoke"),
            json!({"itemUris": [item_uri]}),
        )
        .await
        .ok();
    let revoked = wait_for_status(&team_a, &share_uri, "Processed").await;
    assert_eq!(
        revoked["items"][0]["status"], "Revoke_Succeeded",
        "{revoked}"
    );
    assert!(
        lake_formation_permissions(
            &producer_aws,
            &fixture.producer_account,
            database,
            &fixture.table_name,
            &role_a
        )
        .await
        .iter()
        .all(|p| p != "SELECT")
    );
    let gone = consumer_aws
        .glue()
        .get_table()
        .database_name(format!("{database}_shared"))
        .name(&fixture.table_name)
        .send()
        .await;
    assert!(gone.is_err(), "the resource link was removed");
    team_a
        .get(&format!("/tables/{}", fixture.table_uri))
        .await
        .expect_error(404, "ResourceNotFound");
    team_a.delete(&format!("/shares/{share_uri}")).await.ok();
    team_a
        .get(&format!("/shares/{share_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn share_refusals_and_races() {
    let fixture = fixture().await;
    let team_a = Api::as_user("ds-a").await;
    // TeamA's request for Read with some fields replaced.
    let altered = |fields: Value| {
        let mut body = request(&fixture, "TeamA", &["Read"]);
        for (name, value) in fields.as_object().unwrap() {
            body[name] = value.clone();
        }
        body
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (request(&fixture, "TeamA", &["Write"]), 400, "InvalidInput"),
        (request(&fixture, "TeamA", &[]), 400, "InvalidInput"),
        (
            request(&fixture, "TeamB", &["Read"]),
            403,
            "UnauthorizedOperation",
        ),
        (
            altered(json!({"items": [{"itemType": "Gadget", "itemUri": fixture.dataset["uri"]}]})),
            400,
            "InvalidInput",
        ),
        (
            altered(json!({"principalType": "Robot"})),
            400,
            "InvalidInput",
        ),
        // The body is validated before anything is looked up.
        (
            altered(json!({"principalType": "Robot", "datasetUri": "nosuch00"})),
            400,
            "InvalidInput",
        ),
        (
            altered(json!({"consumptionRoleUri": "nosuch00", "datasetUri": "nosuch00"})),
            400,
            "InvalidInput",
        ),
    ];
    for (body, status, code) in cases {
        let reply: Reply = team_a.post("/shares", body.clone()).await;
        reply.expect_error(status, code);
    }

    let mut empty = request(&fixture, "TeamA", &["Read"]);
    empty["items"] = json!([]);
    let share = team_a.post("/shares", empty).await.ok();
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .expect_error(409, "ShareItemsFound");
    let item = team_a
        .post(
            &format!("/shares/{share_uri}/items"),
            json!({"itemType": "Table", "itemUri": fixture.table_uri}),
        )
        .await
        .ok();
    let repeated = team_a
        .post(
            &format!("/shares/{share_uri}/items"),
            json!({"itemType": "Table", "itemUri": fixture.table_uri}),
        )
        .await
        .ok();
    assert_eq!(
        repeated["uri"], item["uri"],
        "adding the same item twice returns it"
    );
    team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();

    // Two approvals race: exactly one wins.
    let approve_path = format!("/shares/{share_uri}/approve");
    let (first, second) = tokio::join!(
        fixture.producer.post(&approve_path, json!({})),
        fixture.producer.post(&approve_path, json!({})),
    );
    let statuses = [first.status, second.status];
    assert_eq!(
        statuses.iter().filter(|status| **status == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|status| **status == 409).count(),
        1,
        "{statuses:?}"
    );
    wait_for_status(&team_a, &share_uri, "Processed").await;

    let existing = team_a
        .post("/shares", request(&fixture, "TeamA", &["Read"]))
        .await;
    assert_eq!(
        existing.status, 200,
        "the same request returns the existing share"
    );
    assert_eq!(existing.body["uri"], share_uri.as_str());
}

#[tokio::test]
async fn folder_share_through_access_point() {
    let fixture = fixture().await;
    let dataset_uri = fixture.dataset["uri"].as_str().unwrap().to_owned();
    let mut folders = Vec::new();
    for (label, prefix) in [("Raw sales", "raw/sales"), ("Raw returns", "raw/returns")] {
        let folder = fixture
            .producer
            .post(
                &format!("/datasets/{dataset_uri}/folders"),
                json!({"label": label, "prefix": prefix}),
            )
            .await
            .ok();
        folders.push(folder);
    }
    let (folder, second_folder) = (&folders[0], &folders[1]);
    let team_a = Api::as_user("ds-a").await;
    let mut body = request(&fixture, "TeamA", &["Read"]);
    body["items"] = json!([
        {"itemType": "Folder", "itemUri": folder["uri"]},
        {"itemType": "Folder", "itemUri": second_folder["uri"]}
    ]);
    let share = team_a.post("/shares", body).await.ok();
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    let processed = submit_and_approve(&fixture, &team_a, &share_uri).await;
    let folder_item = share_item(&processed, folder["uri"].as_str().unwrap()).clone();
    let second_item = share_item(&processed, second_folder["uri"].as_str().unwrap()).clone();
    assert_eq!(folder_item["status"], "Share_Succeeded", "{processed}");
    assert_eq!(second_item["status"], "Share_Succeeded", "{processed}");
    team_a
        .get(&format!("/folders/{}", folder["uri"].as_str().unwrap()))
        .await
        .ok();

    let access_point = shared::names::access_point_name(&dataset_uri, "TeamA");
    let producer = region_aws(&fixture.producer_account).await;
    let text = access_point_policy(&producer, &fixture.producer_account, &access_point).await;
    let role_a = team_role_arn(&fixture, "TeamA").await;
    assert!(text.contains(&role_a), "{text}");
    assert!(text.contains("raw/sales/*"), "{text}");
    assert!(text.contains("raw/returns/*"), "{text}");
    let consumer = region_aws(&fixture.consumer_account).await;
    let role_name = role_a.rsplit('/').next().unwrap();
    let inline = consumer
        .iam()
        .get_role_policy()
        .role_name(role_name)
        .policy_name(format!("dataall-share-{dataset_uri}"))
        .send()
        .await
        .expect("the principal's role has the share policy");
    assert!(inline.policy_document().contains(&access_point));
    assert_names_dataset_key(&producer, &fixture.dataset, inline.policy_document()).await;
    assert_key_statements(
        &producer,
        &fixture.dataset,
        Some(&role_a),
        None,
        "after the approval",
    )
    .await;

    // Drift: the role policy removed outside the product is reported, then re-applied.
    consumer
        .iam()
        .delete_role_policy()
        .role_name(role_name)
        .policy_name(format!("dataall-share-{dataset_uri}"))
        .send()
        .await
        .unwrap();
    let message = verify_unhealthy(&team_a, &share_uri, &folder_item).await;
    assert!(message.contains("lacks its policy"), "{message}");
    reapply_healthy(&fixture.producer, &team_a, &share_uri, &folder_item).await;
    consumer
        .iam()
        .get_role_policy()
        .role_name(role_name)
        .policy_name(format!("dataall-share-{dataset_uri}"))
        .send()
        .await
        .expect("re-apply restored the role policy");

    check_key_statement_drift(
        &fixture,
        &team_a,
        &share_uri,
        &folder_item,
        ACCESS_POINT_KEY_SID,
        &role_a,
    )
    .await;

    // Revoking one folder keeps what the other shared folder still needs.
    team_a
        .post(
            &format!("/shares/{share_uri}/revoke"),
            json!({"itemUris": [folder_item["uri"]]}),
        )
        .await
        .ok();
    let revoked = wait_for_status(&team_a, &share_uri, "Processed").await;
    assert_eq!(
        share_item(&revoked, folder["uri"].as_str().unwrap())["status"],
        "Revoke_Succeeded",
        "{revoked}"
    );
    assert_key_statements(
        &producer,
        &fixture.dataset,
        Some(&role_a),
        None,
        "the second folder keeps the principal in the key policy",
    )
    .await;
    // The access point stays for the second folder.
    let text = access_point_policy(&producer, &fixture.producer_account, &access_point).await;
    assert!(!text.contains("raw/sales/*"), "{text}");
    assert!(text.contains("raw/returns/*"), "{text}");
    team_a
        .get(&format!("/folders/{}", folder["uri"].as_str().unwrap()))
        .await
        .expect_error(404, "ResourceNotFound");

    // Revoking the last folder removes the access point, role policy and key statement.
    team_a
        .post(
            &format!("/shares/{share_uri}/revoke"),
            json!({"itemUris": [second_item["uri"]]}),
        )
        .await
        .ok();
    let revoked = eventually("the second folder's revoke", 40, || async {
        let share = team_a.get(&format!("/shares/{share_uri}")).await.ok();
        let item_status = &share_item(&share, second_folder["uri"].as_str().unwrap())["status"];
        let done = share["status"] == "Processed" && item_status == "Revoke_Succeeded";
        done.then_some(share)
    })
    .await;
    assert_eq!(revoked["status"], "Processed", "{revoked}");
    let gone = producer
        .s3control()
        .get_access_point()
        .account_id(&fixture.producer_account)
        .name(&access_point)
        .send()
        .await;
    assert!(gone.is_err(), "the access point was deleted");
    let policy_gone = consumer
        .iam()
        .get_role_policy()
        .role_name(role_name)
        .policy_name(format!("dataall-share-{dataset_uri}"))
        .send()
        .await;
    assert!(
        policy_gone.is_err(),
        "the share policy was removed from the role"
    );
    assert_key_statements(
        &producer,
        &fixture.dataset,
        None,
        None,
        "the statement without principals was removed",
    )
    .await;
}

#[tokio::test]
async fn forced_delete_revokes_first() {
    let fixture = fixture().await;
    let team_a = Api::as_user("ds-a").await;
    let share = team_a
        .post("/shares", request(&fixture, "TeamA", &["Read"]))
        .await
        .ok();
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    submit_and_approve(&fixture, &team_a, &share_uri).await;
    team_a
        .delete(&format!("/shares/{share_uri}"))
        .await
        .expect_error(409, "ShareItemsFound");
    team_a
        .delete(&format!("/shares/{share_uri}?force=maybe"))
        .await
        .expect_error(400, "InvalidInput");
    let forced = team_a
        .delete(&format!("/shares/{share_uri}?force=true"))
        .await;
    assert_eq!(forced.status, 202, "{}", forced.body);
    eventually("the forced delete", 40, || async {
        let reply = team_a.get(&format!("/shares/{share_uri}")).await;
        (reply.status == 404).then_some(())
    })
    .await;
    let database = fixture.dataset["glueDatabaseName"].as_str().unwrap();
    let consumer = region_aws(&fixture.consumer_account).await;
    let link = consumer
        .glue()
        .get_table()
        .database_name(format!("{database}_shared"))
        .name(&fixture.table_name)
        .send()
        .await;
    assert!(link.is_err(), "the forced delete revoked the table first");
}

#[tokio::test]
async fn bucket_share_through_bucket_policy() {
    let fixture = fixture().await;
    let dataset_uri = fixture.dataset["uri"].as_str().unwrap().to_owned();
    let bucket = fixture.dataset["bucketName"].as_str().unwrap().to_owned();
    let team_a = Api::as_user("ds-a").await;
    let mut body = request(&fixture, "TeamA", &["Read"]);
    body["items"] = json!([{"itemType": "Bucket", "itemUri": dataset_uri}]);
    let share = team_a.post("/shares", body).await.ok();
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    let processed = submit_and_approve(&fixture, &team_a, &share_uri).await;
    assert_eq!(
        processed["items"][0]["status"], "Share_Succeeded",
        "{processed}"
    );

    let role_a = team_role_arn(&fixture, "TeamA").await;
    let producer = region_aws(&fixture.producer_account).await;
    let policy = producer
        .s3()
        .get_bucket_policy()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let text = policy.policy().unwrap_or_default().to_owned();
    assert!(
        text.contains("BucketShares") && text.contains(&role_a),
        "{text}"
    );
    // NOTE: moto's CloudFormation does not create AWS::S3::BucketPolicy resources, so the
    // stack's own TLS and access point statements cannot be checked next to this one here.
    assert_key_statements(
        &producer,
        &fixture.dataset,
        None,
        Some(&role_a),
        "after the approval",
    )
    .await;
    let consumer = region_aws(&fixture.consumer_account).await;
    let inline = consumer
        .iam()
        .get_role_policy()
        .role_name(role_a.rsplit('/').next().unwrap())
        .policy_name(format!("dataall-bucket-share-{dataset_uri}"))
        .send()
        .await
        .expect("the principal's role has the bucket share policy");
    assert_names_dataset_key(&producer, &fixture.dataset, inline.policy_document()).await;

    check_key_statement_drift(
        &fixture,
        &team_a,
        &share_uri,
        &processed["items"][0],
        BUCKET_KEY_SID,
        &role_a,
    )
    .await;

    // The dataset stack renders the key policy statement from the stored shares: with the
    // statement removed outside the product, a stack update that changes the key's template
    // (the first since the share) writes it back rather than leaving it out.
    remove_key_statement(&producer, &fixture.dataset, BUCKET_KEY_SID).await;
    let (_, execution) = integration_tests::run_state_machine(
        "stack-deploy",
        &json!({"targetType": "dataset", "targetUri": dataset_uri}),
    )
    .await;
    assert_eq!(
        execution.status().as_str(),
        "SUCCEEDED",
        "{:?}",
        execution.error()
    );
    assert_key_statements(
        &producer,
        &fixture.dataset,
        None,
        Some(&role_a),
        "the stack update wrote the key policy statement",
    )
    .await;
    let item_uri = processed["items"][0]["uri"].as_str().unwrap();
    team_a
        .post(
            &format!("/shares/{share_uri}/revoke"),
            json!({"itemUris": [item_uri]}),
        )
        .await
        .ok();
    let revoked = wait_for_status(&team_a, &share_uri, "Processed").await;
    assert_eq!(
        revoked["items"][0]["status"], "Revoke_Succeeded",
        "{revoked}"
    );
    let after = producer
        .s3()
        .get_bucket_policy()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let text = after.policy().unwrap_or_default().to_owned();
    assert!(!text.contains(&role_a), "{text}");
    assert_key_statements(
        &producer,
        &fixture.dataset,
        None,
        None,
        "the statement without principals was removed",
    )
    .await;
}

#[tokio::test]
async fn concurrent_approvals_and_failing_items() {
    let fixture = fixture().await;
    let dataset_uri = fixture.dataset["uri"].as_str().unwrap().to_owned();
    let database = fixture.dataset["glueDatabaseName"]
        .as_str()
        .unwrap()
        .to_owned();
    let producer_aws = region_aws(&fixture.producer_account).await;
    // A second table whose Glue table disappears before approval: its item fails alone.
    register_table(&producer_aws, &database, "vanishing").await;
    fixture
        .producer
        .post(&format!("/datasets/{dataset_uri}/tables/sync"), json!({}))
        .await
        .ok();
    let tables = fixture
        .producer
        .get(&format!("/datasets/{dataset_uri}/tables"))
        .await
        .ok();
    let vanishing = tables["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "vanishing")
        .unwrap()["uri"]
        .as_str()
        .unwrap()
        .to_owned();

    let team_a = Api::as_user("ds-a").await;
    let team_b = Api::as_user("ds-b").await;
    let mut body_a = request(&fixture, "TeamA", &["Read"]);
    body_a["items"] = json!([{"itemType": "Table", "itemUri": fixture.table_uri}, {"itemType": "Table", "itemUri": vanishing}]);
    let share_a = team_a.post("/shares", body_a).await.ok()["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let share_b = team_b
        .post("/shares", request(&fixture, "TeamB", &["Read"]))
        .await
        .ok()["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    team_a
        .post(&format!("/shares/{share_a}/submit"), json!({}))
        .await
        .ok();
    team_b
        .post(&format!("/shares/{share_b}/submit"), json!({}))
        .await
        .ok();
    producer_aws
        .glue()
        .delete_table()
        .database_name(&database)
        .name("vanishing")
        .send()
        .await
        .unwrap();

    // Both shares of one dataset are approved at once: the lock serialises their workflows.
    let (path_a, path_b) = (
        format!("/shares/{share_a}/approve"),
        format!("/shares/{share_b}/approve"),
    );
    let (first, second) = tokio::join!(
        fixture.producer.post(&path_a, json!({})),
        fixture.producer.post(&path_b, json!({}))
    );
    assert_eq!(
        (first.status, second.status),
        (200, 200),
        "{} {}",
        first.body,
        second.body
    );
    let done_a = wait_for_status(&team_a, &share_a, "Processed").await;
    let done_b = wait_for_status(&team_b, &share_b, "Processed").await;
    assert_eq!(done_b["items"][0]["status"], "Share_Succeeded", "{done_b}");
    let status_of = |uri: &str| {
        done_a["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["itemUri"] == uri)
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status_of(&fixture.table_uri), "Share_Succeeded", "{done_a}");
    assert_eq!(status_of(&vanishing), "Share_Failed", "{done_a}");

    // The shared table vanishing from Glue flags its succeeded items instead of dropping them.
    producer_aws
        .glue()
        .delete_table()
        .database_name(&database)
        .name(&fixture.table_name)
        .send()
        .await
        .unwrap();
    fixture
        .producer
        .post(&format!("/datasets/{dataset_uri}/tables/sync"), json!({}))
        .await
        .ok();
    let flagged = team_b.get(&format!("/shares/{share_b}")).await.ok();
    assert_eq!(
        flagged["items"][0]["status"], "Share_Succeeded",
        "{flagged}"
    );
    assert_eq!(
        flagged["items"][0]["healthStatus"], "Unhealthy",
        "{flagged}"
    );
}

/// A share to a consumption role grants to that role, not to the team's environment role,
/// and only the team that owns the role may request for it.
#[tokio::test]
async fn table_share_to_consumption_role() {
    let fixture = fixture().await;
    let environment_uri = fixture.consumer_environment["uri"].as_str().unwrap();
    let consumer_aws = region_aws(&fixture.consumer_account).await;
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let created = consumer_aws
        .iam()
        .create_role()
        .role_name("sales-forecast-job")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap();
    let role_arn = created.role().unwrap().arn().to_owned();
    fixture
        .consumer_admin
        .put(
            &format!("/environments/{environment_uri}/teams/TeamA"),
            json!({"permissions": ["CREATE_SHARE_OBJECT", "ADD_ENVIRONMENT_CONSUMPTION_ROLES"]}),
        )
        .await
        .ok();
    let team_a = Api::as_user("ds-a").await;
    let consumption_role = team_a
        .post(
            &format!("/environments/{environment_uri}/consumption-roles"),
            json!({"label": "forecast", "team": "TeamA", "iamRoleArn": role_arn}),
        )
        .await
        .ok();
    let role_uri = consumption_role["uri"].as_str().unwrap();
    let for_role = |team: &str| {
        let mut body = request(&fixture, team, &["Read"]);
        body["principalType"] = json!("ConsumptionRole");
        body["consumptionRoleUri"] = json!(role_uri);
        body
    };

    let rejected = Api::as_user("ds-b")
        .await
        .post("/shares", for_role("TeamB"))
        .await;
    rejected.expect_error(403, "UnauthorizedOperation");
    let message = rejected.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("owned by team TeamA"), "{message}");
    let share = team_a.post("/shares", for_role("TeamA")).await.ok();
    assert_eq!(share["principalType"], "ConsumptionRole");
    assert_eq!(share["principalRoleArn"], role_arn.as_str());
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    // The team's own request for its environment role is another share.
    let group_share = team_a
        .post("/shares", request(&fixture, "TeamA", &["Read"]))
        .await
        .ok();
    assert_ne!(group_share["uri"], share_uri.as_str());

    let processed = submit_and_approve(&fixture, &team_a, &share_uri).await;
    assert_eq!(
        processed["items"][0]["status"], "Share_Succeeded",
        "{processed}"
    );

    let database = fixture.dataset["glueDatabaseName"].as_str().unwrap();
    let producer_aws = region_aws(&fixture.producer_account).await;
    let granted = lake_formation_permissions(
        &producer_aws,
        &fixture.producer_account,
        database,
        &fixture.table_name,
        &role_arn,
    )
    .await;
    assert!(granted.contains(&"SELECT".to_owned()), "{granted:?}");
    assert!(granted.contains(&"DESCRIBE".to_owned()), "{granted:?}");
    let team_role = team_role_arn(&fixture, "TeamA").await;
    let team_granted = lake_formation_permissions(
        &producer_aws,
        &fixture.producer_account,
        database,
        &fixture.table_name,
        &team_role,
    )
    .await;
    assert!(team_granted.is_empty(), "{team_granted:?}");
}
