//! Share requests through the HTTP API and the share workflows, with the Lake Formation
//! grants and resource links checked in the emulator's accounts.

use std::time::Duration;

use integration_tests::{Api, Reply, account_aws, create_pivot_role, fresh_account, unique};
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

async fn link(api: &Api, admin_team: &str, account: &str) -> Value {
    let organization = api
        .post(
            "/organizations",
            json!({"label": unique("Org"), "adminTeam": admin_team}),
        )
        .await
        .ok();
    api.post(
        "/environments",
        json!({"organizationUri": organization["uri"], "label": unique("Env"), "awsAccountId": account, "region": REGION, "adminTeam": admin_team}),
    )
    .await
    .ok()
}

async fn eventually<F, Fut, T>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..160 {
        if let Some(value) = probe().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{what} did not happen within 40 seconds");
}

async fn fixture() -> Fixture {
    let producer_account = fresh_account();
    let consumer_account = fresh_account();
    create_pivot_role(&producer_account).await;
    create_pivot_role(&consumer_account).await;
    let producer = Api::as_user("dataall-admin").await;
    let producer_environment = link(&producer, "DataPlatformAdmin", &producer_account).await;
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
    eventually("the Glue database", || {
        let glue = producer_aws.glue();
        let database = database.clone();
        async move { glue.get_database().name(database).send().await.ok() }
    })
    .await;
    let table_name = "supermarket_sales".to_owned();
    let column = aws_sdk_glue::types::Column::builder()
        .name("invoice_id")
        .r#type("string")
        .build()
        .unwrap();
    let input = aws_sdk_glue::types::TableInput::builder()
        .name(&table_name)
        .storage_descriptor(
            aws_sdk_glue::types::StorageDescriptor::builder()
                .columns(column)
                .location("s3://x/sales/")
                .build(),
        )
        .build()
        .unwrap();
    producer_aws
        .glue()
        .create_table()
        .database_name(&database)
        .table_input(input)
        .send()
        .await
        .unwrap();
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
    let consumer_environment = link(&consumer_admin, "DataScienceAdmin", &consumer_account).await;
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
        eventually("the team role", || {
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
        || async move {
            let share = api.get(&format!("/shares/{share_uri}")).await.ok();
            (share["status"] == status).then_some(share)
        },
    )
    .await
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
    let unhealthy = eventually("the item turning Unhealthy", || async {
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
    let healthy = eventually("the item turning Healthy again", || async {
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
    let cases: Vec<(Value, u16, &str)> = vec![
        (request(&fixture, "TeamA", &["Write"]), 400, "InvalidInput"),
        (request(&fixture, "TeamA", &[]), 400, "InvalidInput"),
        (
            request(&fixture, "TeamB", &["Read"]),
            403,
            "UnauthorizedOperation",
        ),
        (
            {
                let mut body = request(&fixture, "TeamA", &["Read"]);
                body["items"] = json!([{"itemType": "Gadget", "itemUri": fixture.dataset["uri"]}]);
                body
            },
            400,
            "InvalidInput",
        ),
        (
            {
                let mut body = request(&fixture, "TeamA", &["Read"]);
                body["principalType"] = json!("Robot");
                body
            },
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
    let folder = fixture
        .producer
        .post(
            &format!("/datasets/{dataset_uri}/folders"),
            json!({"label": "Raw sales", "prefix": "raw/sales"}),
        )
        .await
        .ok();
    let team_a = Api::as_user("ds-a").await;
    let mut body = request(&fixture, "TeamA", &["Read"]);
    body["items"] = json!([{"itemType": "Folder", "itemUri": folder["uri"]}]);
    let share = team_a.post("/shares", body).await.ok();
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();
    fixture
        .producer
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .ok();
    let processed = wait_for_status(&team_a, &share_uri, "Processed").await;
    assert_eq!(
        processed["items"][0]["status"], "Share_Succeeded",
        "{processed}"
    );
    team_a
        .get(&format!("/folders/{}", folder["uri"].as_str().unwrap()))
        .await
        .ok();

    let access_point = shared::names::access_point_name(&dataset_uri, "TeamA");
    let producer = region_aws(&fixture.producer_account).await;
    let policy = producer
        .s3control()
        .get_access_point_policy()
        .account_id(&fixture.producer_account)
        .name(&access_point)
        .send()
        .await
        .expect("the access point has a policy");
    let role_a = team_role_arn(&fixture, "TeamA").await;
    let text = policy.policy().unwrap_or_default().to_owned();
    assert!(text.contains(&role_a), "{text}");
    assert!(text.contains("raw/sales/*"), "{text}");
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

    // Drift: the role policy removed outside the product is reported, then re-applied.
    consumer
        .iam()
        .delete_role_policy()
        .role_name(role_name)
        .policy_name(format!("dataall-share-{dataset_uri}"))
        .send()
        .await
        .unwrap();
    let folder_item = processed["items"][0]["uri"].as_str().unwrap().to_owned();
    team_a
        .post(
            &format!("/shares/{share_uri}/verify"),
            json!({"itemUris": [folder_item]}),
        )
        .await
        .ok();
    let unhealthy = eventually("the folder item turning Unhealthy", || async {
        let share = team_a.get(&format!("/shares/{share_uri}")).await.ok();
        (share["items"][0]["healthStatus"] == "Unhealthy").then_some(share)
    })
    .await;
    assert!(
        unhealthy["items"][0]["healthMessage"]
            .as_str()
            .unwrap()
            .contains("lacks its policy"),
        "{unhealthy}"
    );
    fixture
        .producer
        .post(
            &format!("/shares/{share_uri}/reapply"),
            json!({"itemUris": [folder_item]}),
        )
        .await
        .ok();
    eventually("the folder item turning Healthy again", || async {
        let share = team_a.get(&format!("/shares/{share_uri}")).await.ok();
        (share["items"][0]["healthStatus"] == "Healthy").then_some(())
    })
    .await;
    consumer
        .iam()
        .get_role_policy()
        .role_name(role_name)
        .policy_name(format!("dataall-share-{dataset_uri}"))
        .send()
        .await
        .expect("re-apply restored the role policy");

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
    team_a
        .get(&format!("/folders/{}", folder["uri"].as_str().unwrap()))
        .await
        .expect_error(404, "ResourceNotFound");
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
    team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();
    fixture
        .producer
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .ok();
    wait_for_status(&team_a, &share_uri, "Processed").await;
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
    eventually("the forced delete", || async {
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
    team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();
    fixture
        .producer
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .ok();
    let processed = wait_for_status(&team_a, &share_uri, "Processed").await;
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

    // A redeploy of the dataset stack keeps the shared principal.
    fixture
        .producer
        .patch(
            &format!("/datasets/{dataset_uri}"),
            json!({"description": "redeploy"}),
        )
        .await
        .ok();
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
    let column = aws_sdk_glue::types::Column::builder()
        .name("id")
        .r#type("string")
        .build()
        .unwrap();
    let input = aws_sdk_glue::types::TableInput::builder()
        .name("vanishing")
        .storage_descriptor(
            aws_sdk_glue::types::StorageDescriptor::builder()
                .columns(column)
                .location("s3://x/v/")
                .build(),
        )
        .build()
        .unwrap();
    producer_aws
        .glue()
        .create_table()
        .database_name(&database)
        .table_input(input)
        .send()
        .await
        .unwrap();
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
