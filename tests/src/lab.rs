//! The hands-on lab "Data access management with teams", run through the HTTP API as its
//! users would: the demo that `./run` loads and the scenario of the acceptance test.
//!
//! `dataall-admin` (DataPlatformAdmin) creates the DataPlatform organization, links an
//! environment in account 222222222222, creates a dataset, uploads a CSV through a presigned
//! URL, registers it as a Glue table and synchronises it. `ds-admin` (DataScienceAdmin)
//! creates the DataScience organization and environment in account 333333333333 and invites
//! TeamA and TeamB. `ds-a` finds the table in the catalog, requests it for TeamA and submits;
//! `dataall-admin` approves, and the share workflow shares it across accounts.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{Api, account_aws};

/// Region of the lab's environments.
pub const REGION: &str = "eu-west-1";
pub const PRODUCER_ACCOUNT: &str = "222222222222";
pub const CONSUMER_ACCOUNT: &str = "333333333333";
/// Name of the Glue table registered on the uploaded CSV.
pub const TABLE_NAME: &str = "supermarket_sales";

/// The ids of what the lab created.
#[derive(Debug, Clone)]
pub struct Lab {
    pub dataset: Value,
    pub table_uri: String,
    pub producer_environment: Value,
    pub consumer_environment: Value,
    pub share: Value,
}

fn demo_csv() -> Vec<u8> {
    include_bytes!("../../demo/data/supermarket-sales.csv").to_vec()
}

async fn expect(reply: crate::Reply, step: &str) -> Result<Value, String> {
    if (200..300).contains(&reply.status) {
        Ok(reply.body)
    } else {
        Err(format!(
            "{step} failed with {}: {}",
            reply.status, reply.body
        ))
    }
}

async fn wait_until<F, Fut>(what: &str, mut probe: F) -> Result<Value, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<Value>>,
{
    for _ in 0..240 {
        if let Some(value) = probe().await {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(format!("{what} did not happen within a minute"))
}

/// Runs the lab, reporting each step through `step`.
pub async fn run(step: &dyn Fn(&str)) -> Result<Lab, String> {
    let platform = Api::as_user("dataall-admin").await;
    let organization = expect(
        platform
            .post("/organizations", json!({"label": "DataPlatform", "adminTeam": "DataPlatformAdmin", "description": "The data platform team's organization"}))
            .await,
        "creating the DataPlatform organization",
    )
    .await?;
    step(&format!(
        "dataall-admin created organization DataPlatform ({})",
        organization["uri"].as_str().unwrap_or_default()
    ));
    let producer_environment = expect(
        platform
            .post(
                "/environments",
                json!({"organizationUri": organization["uri"], "label": "Data Platform", "awsAccountId": PRODUCER_ACCOUNT, "region": REGION, "adminTeam": "DataPlatformAdmin"}),
            )
            .await,
        "linking the Data Platform environment",
    )
    .await?;
    let producer_uri = producer_environment["uri"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    step(&format!(
        "dataall-admin linked environment Data Platform ({producer_uri}) in account {PRODUCER_ACCOUNT}"
    ));

    let dataset = expect(
        platform
            .post(
                "/datasets",
                json!({"environmentUri": producer_uri, "label": "Supermarket sales", "description": "Sales of three supermarket branches",
                       "topics": ["Sales"], "tags": ["sales", "retail"], "ownerTeam": "DataPlatformAdmin"}),
            )
            .await,
        "creating the dataset",
    )
    .await?;
    let dataset_uri = dataset["uri"].as_str().unwrap_or_default().to_owned();
    step(&format!(
        "dataall-admin created dataset Supermarket sales ({dataset_uri}), bucket {}",
        dataset["bucketName"].as_str().unwrap_or_default()
    ));
    let stack = wait_until("the dataset stack", || {
        let platform = &platform;
        let path = format!("/datasets/{dataset_uri}/stack");
        async move {
            let stack = platform.get(&path).await.body;
            stack["status"]
                .as_str()
                .is_some_and(|status| status.ends_with("_COMPLETE"))
                .then_some(stack)
        }
    })
    .await?;
    step(&format!(
        "dataset stack {} is {}",
        stack["stackName"].as_str().unwrap_or_default(),
        stack["status"].as_str().unwrap_or_default()
    ));

    let producer_aws = account_aws(PRODUCER_ACCOUNT).await.in_region(REGION);
    let database = dataset["glueDatabaseName"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    wait_until("the Glue database", || {
        let glue = producer_aws.glue();
        let database = database.clone();
        async move {
            glue.get_database()
                .name(database)
                .send()
                .await
                .ok()
                .map(|_| Value::Null)
        }
    })
    .await?;

    let upload = expect(
        platform
            .post(
                &format!("/datasets/{dataset_uri}/uploads"),
                json!({"prefix": "sales", "fileName": "supermarket-sales.csv"}),
            )
            .await,
        "requesting an upload URL",
    )
    .await?;
    let mut put = reqwest::Client::new()
        .put(upload["url"].as_str().unwrap_or_default())
        .body(demo_csv());
    for (name, value) in upload["headers"].as_object().cloned().unwrap_or_default() {
        put = put.header(name, value.as_str().unwrap_or_default());
    }
    let uploaded = put
        .send()
        .await
        .map_err(|error| format!("uploading the CSV failed: {error}"))?;
    if !uploaded.status().is_success() {
        return Err(format!("uploading the CSV answered {}", uploaded.status()));
    }
    step(&format!(
        "dataall-admin uploaded supermarket-sales.csv to s3://{}/sales/",
        dataset["bucketName"].as_str().unwrap_or_default()
    ));

    register_table(
        &producer_aws,
        &database,
        dataset["bucketName"].as_str().unwrap_or_default(),
    )
    .await?;
    step(&format!(
        "Glue table {database}.{TABLE_NAME} registered on the upload (what a crawler does on AWS)"
    ));
    let synced = expect(
        platform
            .post(&format!("/datasets/{dataset_uri}/tables/sync"), json!({}))
            .await,
        "synchronising tables",
    )
    .await?;
    let tables = expect(
        platform
            .get(&format!("/datasets/{dataset_uri}/tables"))
            .await,
        "listing tables",
    )
    .await?;
    let table_uri = tables["items"]
        .as_array()
        .and_then(|items| items.iter().find(|table| table["name"] == TABLE_NAME))
        .and_then(|table| table["uri"].as_str())
        .ok_or("the synchronised table is missing")?
        .to_owned();
    step(&format!(
        "tables synchronised ({} added): {TABLE_NAME} is table {table_uri}",
        synced["added"]
    ));

    let science = Api::as_user("ds-admin").await;
    let data_science = expect(
        science
            .post(
                "/organizations",
                json!({"label": "DataScience", "adminTeam": "DataScienceAdmin"}),
            )
            .await,
        "creating the DataScience organization",
    )
    .await?;
    let consumer_environment = expect(
        science
            .post(
                "/environments",
                json!({"organizationUri": data_science["uri"], "label": "Data Science", "awsAccountId": CONSUMER_ACCOUNT, "region": REGION, "adminTeam": "DataScienceAdmin"}),
            )
            .await,
        "linking the Data Science environment",
    )
    .await?;
    let consumer_uri = consumer_environment["uri"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    step(&format!(
        "ds-admin created organization DataScience ({}) and linked environment Data Science ({consumer_uri}) in account {CONSUMER_ACCOUNT}",
        data_science["uri"].as_str().unwrap_or_default()
    ));
    let consumer_aws = account_aws(CONSUMER_ACCOUNT).await.in_region(REGION);
    for team in ["TeamA", "TeamB"] {
        let invited = expect(
            science
                .post(
                    &format!("/environments/{consumer_uri}/teams"),
                    json!({"team": team, "permissions": ["CREATE_DATASET", "CREATE_SHARE_OBJECT"]}),
                )
                .await,
            &format!("inviting {team}"),
        )
        .await?;
        let role = invited["iamRoleName"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        wait_until(&format!("the IAM role of {team}"), || {
            let iam = consumer_aws.iam();
            let role = role.clone();
            async move {
                iam.get_role()
                    .role_name(role)
                    .send()
                    .await
                    .ok()
                    .map(|_| Value::Null)
            }
        })
        .await?;
        step(&format!(
            "ds-admin invited {team}; its role {role} exists in account {CONSUMER_ACCOUNT}"
        ));
    }

    let team_a = Api::as_user("ds-a").await;
    if find_in_catalog(&team_a, &table_uri).await? {
        step(&format!(
            "ds-a found {TABLE_NAME} ({table_uri}) in the catalog"
        ));
    } else {
        step(&format!(
            "ds-a took table {table_uri} from the dataset owner: this build has no catalog search yet"
        ));
    }
    let share = expect(
        team_a
            .post(
                "/shares",
                json!({"datasetUri": dataset_uri, "environmentUri": consumer_uri, "requesterTeam": "TeamA", "principalType": "Group",
                       "permissions": ["Read"], "requestPurpose": "Sales analysis", "items": [{"itemType": "Table", "itemUri": table_uri}]}),
            )
            .await,
        "requesting the table",
    )
    .await?;
    let share_uri = share["uri"].as_str().unwrap_or_default().to_owned();
    expect(
        team_a
            .post(&format!("/shares/{share_uri}/submit"), json!({}))
            .await,
        "submitting the share",
    )
    .await?;
    step(&format!(
        "ds-a requested the table for TeamA and submitted share {share_uri}"
    ));
    expect(
        platform
            .post(&format!("/shares/{share_uri}/approve"), json!({}))
            .await,
        "approving the share",
    )
    .await?;
    step("dataall-admin approved the share; the share-approve workflow runs");
    let share = wait_until("the share processing", || {
        let team_a = &team_a;
        let path = format!("/shares/{share_uri}");
        async move {
            let share = team_a.get(&path).await.body;
            (share["status"] == "Processed").then_some(share)
        }
    })
    .await?;
    step(&format!(
        "share {share_uri} is {} with item {}: TeamA reads {database}_shared.{TABLE_NAME} in account {CONSUMER_ACCOUNT}",
        share["status"].as_str().unwrap_or_default(),
        share["items"][0]["status"].as_str().unwrap_or_default()
    ));
    Ok(Lab {
        dataset,
        table_uri,
        producer_environment,
        consumer_environment,
        share,
    })
}

/// Searches the catalog for the table by name. Returns `false` when the catalog search
/// route does not exist, and an error when the search does not find the table.
async fn find_in_catalog(api: &Api, table_uri: &str) -> Result<bool, String> {
    let reply = api
        .get(&format!("/catalog/search?q={TABLE_NAME}&type=table"))
        .await;
    if reply.status == 404 && reply.code() == "ResourceNotFound" {
        return Ok(false);
    }
    let found = reply.body["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|item| item["uri"] == table_uri));
    if found {
        Ok(true)
    } else {
        Err(format!(
            "the catalog search for {TABLE_NAME} did not return table {table_uri}: {}",
            reply.body
        ))
    }
}

async fn register_table(
    aws: &shared::aws::AwsClients,
    database: &str,
    bucket: &str,
) -> Result<(), String> {
    let csv = demo_csv();
    let header = String::from_utf8_lossy(&csv)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let columns: Vec<aws_sdk_glue::types::Column> = header
        .split(',')
        .filter_map(|name| {
            aws_sdk_glue::types::Column::builder()
                .name(name)
                .r#type("string")
                .build()
                .ok()
        })
        .collect();
    let descriptor = aws_sdk_glue::types::StorageDescriptor::builder()
        .set_columns(Some(columns))
        .location(format!("s3://{bucket}/sales/"))
        .input_format("org.apache.hadoop.mapred.TextInputFormat")
        .build();
    let input = aws_sdk_glue::types::TableInput::builder()
        .name(TABLE_NAME)
        .description("Sales of three supermarket branches, from supermarket-sales.csv")
        .table_type("EXTERNAL_TABLE")
        .storage_descriptor(descriptor)
        .build()
        .map_err(|error| error.to_string())?;
    aws.glue()
        .create_table()
        .database_name(database)
        .table_input(input)
        .send()
        .await
        .map_err(|error| {
            format!(
                "registering the Glue table failed: {}",
                shared::aws::error_chain(&error)
            )
        })?;
    Ok(())
}
