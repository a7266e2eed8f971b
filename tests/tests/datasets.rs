//! Datasets, tables, folders and uploads through the HTTP API, with the dataset's AWS
//! resources checked in the emulator's environment account.

use std::time::Duration;

use integration_tests::{Api, account_aws, create_pivot_role, fresh_account, unique};
use serde_json::{Value, json};
use shared::aws::AwsClients;

/// Region of the dataset tests' environments. It differs from the seed flow's, so account
/// 222222222222 can hold both environments.
const REGION: &str = "eu-central-1";

/// An organization and environment of DataPlatformAdmin, linked by dataall-admin, with TeamA
/// invited with CREATE_DATASET and TeamB invited without it.
struct Fixture {
    admin: Api,
    account: String,
    environment_uri: String,
}

async fn fixture(account: &str) -> Fixture {
    let admin = Api::as_user("dataall-admin").await;
    let organization = admin
        .post(
            "/organizations",
            json!({"label": unique("Org"), "adminTeam": "DataPlatformAdmin"}),
        )
        .await
        .ok();
    let environment = admin
        .post(
            "/environments",
            json!({
                "organizationUri": organization["uri"], "label": unique("Env"), "awsAccountId": account,
                "region": REGION, "adminTeam": "DataPlatformAdmin",
            }),
        )
        .await
        .ok();
    let environment_uri = environment["uri"].as_str().unwrap().to_owned();
    admin
        .post(
            &format!("/environments/{environment_uri}/teams"),
            json!({"team": "TeamA", "permissions": ["CREATE_DATASET"]}),
        )
        .await
        .ok();
    admin
        .post(
            &format!("/environments/{environment_uri}/teams"),
            json!({"team": "TeamB"}),
        )
        .await
        .ok();
    Fixture {
        admin,
        account: account.to_owned(),
        environment_uri,
    }
}

async fn region_aws(account: &str) -> AwsClients {
    account_aws(account).await.in_region(REGION)
}

fn new_dataset(environment_uri: &str, label: &str, owner_team: &str) -> Value {
    json!({
        "environmentUri": environment_uri, "label": label, "description": "Sales of the supermarkets",
        "tags": ["sales"], "topics": ["Sales"], "confidentiality": "Unclassified", "ownerTeam": owner_team,
    })
}

async fn wait_for_stack(api: &Api, dataset_uri: &str) -> Value {
    for _ in 0..120 {
        let stack = api
            .get(&format!("/datasets/{dataset_uri}/stack"))
            .await
            .ok();
        let status = stack["status"].as_str().unwrap_or_default().to_owned();
        if status.ends_with("_COMPLETE") || status.ends_with("_FAILED") || status == "DEPLOY_FAILED"
        {
            return stack;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the stack of dataset {dataset_uri} never settled");
}

/// Waits until the dataset's Glue database exists, which the stack worker creates after the
/// stack.
async fn wait_for_database(aws: &AwsClients, database: &str) {
    for _ in 0..120 {
        if aws
            .glue()
            .get_database()
            .name(database)
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("Glue database {database} never appeared");
}

fn csv() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../demo/data/supermarket-sales.csv"
    ))
    .expect("the demo CSV exists")
}

async fn register_glue_table(aws: &AwsClients, database: &str, bucket: &str, name: &str) {
    let header = String::from_utf8(csv())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let columns: Vec<aws_sdk_glue::types::Column> = header
        .split(',')
        .map(|column| {
            aws_sdk_glue::types::Column::builder()
                .name(column)
                .r#type("string")
                .build()
                .unwrap()
        })
        .collect();
    let descriptor = aws_sdk_glue::types::StorageDescriptor::builder()
        .set_columns(Some(columns))
        .location(format!("s3://{bucket}/sales/"))
        .build();
    let input = aws_sdk_glue::types::TableInput::builder()
        .name(name)
        .storage_descriptor(descriptor)
        .partition_keys(
            aws_sdk_glue::types::Column::builder()
                .name("year")
                .r#type("string")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    aws.glue()
        .create_table()
        .database_name(database)
        .table_input(input)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn dataset_end_to_end() {
    let Fixture {
        admin,
        account,
        environment_uri,
    } = fixture("222222222222").await;
    let label = format!("Supermarket sales {}", "x".repeat(52 - 18));
    assert_eq!(label.chars().count(), 52);
    let dataset = admin
        .post(
            "/datasets",
            new_dataset(&environment_uri, &label, "DataPlatformAdmin"),
        )
        .await
        .ok();
    let uri = dataset["uri"].as_str().unwrap().to_owned();
    assert_eq!(dataset["userRole"], "Creator");
    assert_eq!(dataset["awsAccountId"], "222222222222");
    let bucket = dataset["bucketName"].as_str().unwrap().to_owned();
    let database = dataset["glueDatabaseName"].as_str().unwrap().to_owned();
    assert!(bucket.len() <= 63, "{bucket}");
    assert!(bucket.ends_with(&uri));

    let stack = wait_for_stack(&admin, &uri).await;
    assert!(
        stack["status"].as_str().unwrap().ends_with("_COMPLETE"),
        "{stack}"
    );
    let aws = region_aws(&account).await;
    aws.s3()
        .head_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("the dataset bucket exists");
    let key = aws
        .kms()
        .describe_key()
        .key_id(format!("alias/{}", dataset["kmsAlias"].as_str().unwrap()))
        .send()
        .await
        .expect("the dataset KMS alias exists");
    assert!(key.key_metadata().is_some());
    let role = aws
        .iam()
        .get_role()
        .role_name(dataset["iamRoleName"].as_str().unwrap())
        .send()
        .await
        .expect("the dataset role exists");
    assert_eq!(
        role.role().unwrap().arn(),
        dataset["iamRoleArn"].as_str().unwrap()
    );
    wait_for_database(&aws, &database).await;

    // Upload the CSV through the presigned URL.
    let upload = admin
        .post(
            &format!("/datasets/{uri}/uploads"),
            json!({"prefix": "sales", "fileName": "supermarket-sales.csv"}),
        )
        .await
        .ok();
    assert_eq!(upload["method"], "PUT");
    let mut put = reqwest::Client::new()
        .put(upload["url"].as_str().unwrap())
        .body(csv());
    for (name, value) in upload["headers"].as_object().unwrap() {
        put = put.header(name, value.as_str().unwrap());
    }
    let uploaded = put.send().await.unwrap();
    assert!(
        uploaded.status().is_success(),
        "upload answered {}",
        uploaded.status()
    );
    let object = aws
        .s3()
        .get_object()
        .bucket(&bucket)
        .key("sales/supermarket-sales.csv")
        .send()
        .await
        .unwrap();
    let body = object.body.collect().await.unwrap().into_bytes();
    assert_eq!(body.as_ref(), csv().as_slice());

    // Register a Glue table on it and synchronise.
    register_glue_table(&aws, &database, &bucket, "supermarket_sales").await;
    let summary = admin
        .post(&format!("/datasets/{uri}/tables/sync"), json!({}))
        .await
        .ok();
    assert_eq!(summary["added"], 1);
    let again = admin
        .post(&format!("/datasets/{uri}/tables/sync"), json!({}))
        .await
        .ok();
    assert_eq!(again["added"], 0, "a second sync adds nothing");
    let tables = admin.get(&format!("/datasets/{uri}/tables")).await.ok();
    let table = tables["items"][0].clone();
    assert_eq!(table["name"], "supermarket_sales");
    assert_eq!(table["status"], "InSync");
    assert_eq!(table["location"], format!("s3://{bucket}/sales/"));
    let table_uri = table["uri"].as_str().unwrap().to_owned();
    let columns = admin
        .get(&format!("/tables/{table_uri}/columns"))
        .await
        .ok();
    let names: Vec<&str> = columns["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "invoice_id");
    assert_eq!(names.len(), 10, "nine columns and one partition key");
    assert_eq!(columns["items"][9]["columnType"], "partition_0");

    // A column description is written back to Glue.
    let column_uri = columns["items"][1]["uri"].as_str().unwrap();
    let column = admin
        .patch(
            &format!("/tables/{table_uri}/columns/{column_uri}"),
            json!({"description": "Branch letter"}),
        )
        .await
        .ok();
    assert_eq!(column["description"], "Branch letter");
    let glue_table = aws
        .glue()
        .get_table()
        .database_name(&database)
        .name("supermarket_sales")
        .send()
        .await
        .unwrap();
    let comment = glue_table
        .table()
        .unwrap()
        .storage_descriptor()
        .unwrap()
        .columns()[1]
        .comment()
        .map(str::to_owned);
    assert_eq!(comment.as_deref(), Some("Branch letter"));

    // Preview through Athena answers for the owner team.
    let preview = admin.get(&format!("/tables/{table_uri}/preview")).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body["rows"].is_array());

    // Folders: create, then conflicts on prefix and label.
    let folder = admin
        .post(
            &format!("/datasets/{uri}/folders"),
            json!({"label": "Raw files", "prefix": "/raw/"}),
        )
        .await
        .ok();
    assert_eq!(folder["prefix"], "raw");
    aws.s3()
        .head_object()
        .bucket(&bucket)
        .key("raw/")
        .send()
        .await
        .expect("the folder marker exists");
    admin
        .post(
            &format!("/datasets/{uri}/folders"),
            json!({"label": "Other", "prefix": "raw"}),
        )
        .await
        .expect_error(409, "ResourceAlreadyExists");
    admin
        .post(
            &format!("/datasets/{uri}/folders"),
            json!({"label": "raw files", "prefix": "other"}),
        )
        .await
        .expect_error(409, "ResourceAlreadyExists");
    admin
        .post(
            &format!("/datasets/{uri}/folders"),
            json!({"label": "Bad", "prefix": "../up"}),
        )
        .await
        .expect_error(400, "InvalidInput");

    // An unrelated team sees none of it.
    let outsider = Api::as_user("ds-b").await;
    outsider
        .get(&format!("/datasets/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    outsider
        .get(&format!("/tables/{table_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    outsider
        .get(&format!("/tables/{table_uri}/preview"))
        .await
        .expect_error(404, "ResourceNotFound");
    outsider
        .get(&format!("/folders/{}", folder["uri"].as_str().unwrap()))
        .await
        .expect_error(404, "ResourceNotFound");
    let listed = outsider.get("/datasets").await.ok();
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["uri"] == uri.as_str())
    );

    // A vanished Glue table is marked Deleted, not dropped.
    aws.glue()
        .delete_table()
        .database_name(&database)
        .name("supermarket_sales")
        .send()
        .await
        .unwrap();
    let summary = admin
        .post(&format!("/datasets/{uri}/tables/sync"), json!({}))
        .await
        .ok();
    assert_eq!(summary["deleted"], 1);
    let table = admin.get(&format!("/tables/{table_uri}")).await.ok();
    assert_eq!(table["status"], "Deleted");

    admin.delete(&format!("/datasets/{uri}")).await.ok();
    admin
        .get(&format!("/datasets/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    admin
        .get(&format!("/tables/{table_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn dataset_refusals() {
    let account = fresh_account();
    create_pivot_role(&account).await;
    let Fixture {
        admin,
        environment_uri,
        ..
    } = fixture(&account).await;
    let body = |change: Value| {
        let mut value = new_dataset(&environment_uri, "Refused", "DataPlatformAdmin");
        for (key, field) in change.as_object().unwrap() {
            value[key] = field.clone();
        }
        value
    };
    let cases = [
        (json!({"topics": []}), 400, "InvalidInput", "topics"),
        (json!({"topics": ["Gossip"]}), 400, "InvalidInput", "topics"),
        (
            json!({"label": "y".repeat(53)}),
            400,
            "InvalidInput",
            "label",
        ),
        (
            json!({"confidentiality": "TopSecret"}),
            400,
            "InvalidInput",
            "confidentiality",
        ),
        (
            json!({"bucketName": "some-bucket"}),
            400,
            "InvalidInput",
            "bucketName",
        ),
        (
            json!({"environmentUri": "nope"}),
            400,
            "InvalidInput",
            "environmentUri",
        ),
        (
            json!({"ownerTeam": "TeamA"}),
            403,
            "UnauthorizedOperation",
            "TeamA",
        ),
    ];
    for (change, status, code, fragment) in cases {
        let reply = admin.post("/datasets", body(change.clone())).await;
        reply.expect_error(status, code);
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(fragment),
            "{change}: {}",
            reply.body
        );
    }
    let team_b = Api::as_user("ds-b").await;
    team_b
        .post(
            "/datasets",
            new_dataset(&environment_uri, "Not allowed", "TeamB"),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    let team_a = Api::as_user("ds-a").await;
    let dataset = team_a
        .post(
            "/datasets",
            new_dataset(&environment_uri, "Team A data", "TeamA"),
        )
        .await
        .ok();
    assert_eq!(dataset["userRole"], "Creator");
    let uri = dataset["uri"].as_str().unwrap();
    team_b
        .get(&format!("/datasets/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    team_b
        .patch(&format!("/datasets/{uri}"), json!({"label": "mine"}))
        .await
        .expect_error(404, "ResourceNotFound");
    // The environment's admin team administers every dataset of the environment.
    let seen = admin.get(&format!("/datasets/{uri}")).await.ok();
    assert_eq!(seen["userRole"], "NoPermission");

    // Stewards get read access, and lose it when replaced.
    let updated = team_a
        .patch(
            &format!("/datasets/{uri}"),
            json!({"stewardsTeam": "TeamB"}),
        )
        .await
        .ok();
    assert_eq!(updated["stewardsTeam"], "TeamB");
    let as_steward = team_b.get(&format!("/datasets/{uri}")).await.ok();
    assert_eq!(as_steward["userRole"], "DataSteward");
    team_b
        .patch(&format!("/datasets/{uri}"), json!({"label": "x"}))
        .await
        .expect_error(403, "UnauthorizedOperation");
    team_b
        .post(
            &format!("/datasets/{uri}/uploads"),
            json!({"prefix": "x", "fileName": "y.csv"}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    team_a
        .patch(
            &format!("/datasets/{uri}"),
            json!({"stewardsTeam": "TeamA"}),
        )
        .await
        .ok();
    team_b
        .get(&format!("/datasets/{uri}"))
        .await
        .expect_error(404, "ResourceNotFound");

    team_a
        .post(
            &format!("/datasets/{uri}/uploads"),
            json!({"prefix": "x", "fileName": "a/b.csv"}),
        )
        .await
        .expect_error(400, "InvalidInput");
}

#[tokio::test]
async fn dataset_import_checks_aws() {
    let account = fresh_account();
    create_pivot_role(&account).await;
    let Fixture {
        admin,
        environment_uri,
        ..
    } = fixture(&account).await;
    let aws = region_aws(&account).await;
    let bucket = format!("imported-{}", shared::uri::new_uri());
    aws.s3()
        .create_bucket()
        .bucket(&bucket)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuCentral1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let key = aws.kms().create_key().send().await.unwrap();
    let key_arn = key.key_metadata().unwrap().arn().unwrap().to_owned();
    aws.kms()
        .create_alias()
        .alias_name("alias/imported-key")
        .target_key_id(&key_arn)
        .send()
        .await
        .unwrap();
    let other = aws.kms().create_key().send().await.unwrap();
    aws.kms()
        .create_alias()
        .alias_name("alias/other-key")
        .target_key_id(other.key_metadata().unwrap().key_id())
        .send()
        .await
        .unwrap();
    let rule = aws_sdk_s3::types::ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(
            aws_sdk_s3::types::ServerSideEncryptionByDefault::builder()
                .sse_algorithm(aws_sdk_s3::types::ServerSideEncryption::AwsKms)
                .kms_master_key_id(&key_arn)
                .build()
                .unwrap(),
        )
        .build();
    aws.s3()
        .put_bucket_encryption()
        .bucket(&bucket)
        .server_side_encryption_configuration(
            aws_sdk_s3::types::ServerSideEncryptionConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let import = |bucket: &str, alias: Option<&str>| {
        let mut body = new_dataset(&environment_uri, "Imported", "DataPlatformAdmin");
        body["bucketName"] = json!(bucket);
        if let Some(alias) = alias {
            body["kmsAlias"] = json!(alias);
        }
        body
    };
    admin
        .post("/datasets/import", import("no-such-bucket-anywhere", None))
        .await
        .expect_error(422, "AWSResourceNotFound");
    admin
        .post("/datasets/import", import(&bucket, None))
        .await
        .expect_error(400, "RequiredParameter");
    admin
        .post("/datasets/import", import(&bucket, Some("other-key")))
        .await
        .expect_error(400, "InvalidInput");
    admin
        .post("/datasets/import", import(&bucket, Some("missing-key")))
        .await
        .expect_error(422, "AWSResourceNotFound");
    let mut with_database = import(&bucket, Some("imported-key"));
    with_database["glueDatabaseName"] = json!("no_such_database");
    admin
        .post("/datasets/import", with_database)
        .await
        .expect_error(422, "AWSResourceNotFound");

    let dataset = admin
        .post("/datasets/import", import(&bucket, Some("imported-key")))
        .await
        .ok();
    assert_eq!(dataset["imported"], true);
    assert_eq!(dataset["kmsAlias"], "imported-key");
    admin
        .post("/datasets/import", import(&bucket, Some("imported-key")))
        .await
        .expect_error(409, "ResourceAlreadyExists");
    let stack = wait_for_stack(&admin, dataset["uri"].as_str().unwrap()).await;
    assert!(
        stack["status"].as_str().unwrap().ends_with("_COMPLETE"),
        "{stack}"
    );
    wait_for_database(&aws, dataset["glueDatabaseName"].as_str().unwrap()).await;
}

#[tokio::test]
async fn scheduled_table_sync_runs() {
    let account = fresh_account();
    create_pivot_role(&account).await;
    let Fixture {
        admin,
        environment_uri,
        account: fixture_account,
    } = fixture(&account).await;
    let dataset = admin
        .post(
            "/datasets",
            new_dataset(&environment_uri, "Scheduled", "DataPlatformAdmin"),
        )
        .await
        .ok();
    let uri = dataset["uri"].as_str().unwrap().to_owned();
    wait_for_stack(&admin, &uri).await;
    let aws = region_aws(&fixture_account).await;
    let database = dataset["glueDatabaseName"].as_str().unwrap();
    wait_for_database(&aws, database).await;
    register_glue_table(
        &aws,
        database,
        dataset["bucketName"].as_str().unwrap(),
        "scheduled_sales",
    )
    .await;

    let (_, execution) = integration_tests::run_state_machine("tables-sync", &json!({})).await;
    assert_eq!(
        execution.status().as_str(),
        "SUCCEEDED",
        "{:?}",
        execution.cause()
    );
    let tables = admin.get(&format!("/datasets/{uri}/tables")).await.ok();
    let names: Vec<&str> = tables["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["scheduled_sales"]);
}
