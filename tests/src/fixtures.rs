//! Set-ups that several tests and the share benchmark need: a dataset with many Glue tables
//! in a producer account, stewarded by another team, and a consumer environment where TeamA
//! may request shares.

use serde_json::{Value, json};
use shared::aws::AwsClients;

use crate::{
    Api, account_aws, create_pivot_role, eventually, fresh_account, link_environment, unique,
};

/// A synchronised dataset of a fresh producer account and a consumer environment of a fresh
/// account with TeamA invited and its role created.
pub struct TableShareSetup {
    pub dataset_uri: String,
    pub consumer_environment_uri: String,
    /// One `{"itemType": "Table", "itemUri"}` share item per table of the dataset.
    pub items: Vec<Value>,
}

impl TableShareSetup {
    /// Makes the dataset, `tables` Glue tables named `sales_000`, `sales_001`, ..., and the
    /// consumer environment, all in `region`.
    pub async fn new(tables: usize, region: &str) -> TableShareSetup {
        let producer_account = fresh_account();
        let consumer_account = fresh_account();
        create_pivot_role(&producer_account).await;
        create_pivot_role(&consumer_account).await;
        let admin = Api::as_user("dataall-admin").await;
        let producer_environment =
            link_environment(&admin, "DataPlatformAdmin", &producer_account, region).await;
        let dataset = admin
            .post(
                "/datasets",
                json!({"environmentUri": producer_environment["uri"], "label": unique("Tables"), "topics": ["Sales"], "ownerTeam": "DataPlatformAdmin", "stewardsTeam": "DataScienceAdmin"}),
            )
            .await
            .ok();
        let dataset_uri = dataset["uri"].as_str().expect("a dataset uri").to_owned();
        let database = dataset["glueDatabaseName"]
            .as_str()
            .expect("a Glue database name")
            .to_owned();
        let producer_aws = account_aws(&producer_account).await.in_region(region);
        eventually("the dataset's Glue database", 120, || {
            let glue = producer_aws.glue();
            let database = database.clone();
            async move { glue.get_database().name(database).send().await.ok() }
        })
        .await;
        for index in 0..tables {
            register_table(&producer_aws, &database, &format!("sales_{index:03}")).await;
        }
        admin
            .post(&format!("/datasets/{dataset_uri}/tables/sync"), json!({}))
            .await
            .ok();
        let listed = admin
            .get(&format!("/datasets/{dataset_uri}/tables"))
            .await
            .ok();
        let items: Vec<Value> = listed["items"]
            .as_array()
            .expect("a list of tables")
            .iter()
            .map(|table| json!({"itemType": "Table", "itemUri": table["uri"]}))
            .collect();
        assert_eq!(items.len(), tables, "every Glue table was synchronised");

        let consumer_admin = Api::as_user("ds-admin").await;
        let consumer_environment = link_environment(
            &consumer_admin,
            "DataScienceAdmin",
            &consumer_account,
            region,
        )
        .await;
        let consumer_environment_uri = consumer_environment["uri"]
            .as_str()
            .expect("an environment uri")
            .to_owned();
        let invited = consumer_admin
            .post(
                &format!("/environments/{consumer_environment_uri}/teams"),
                json!({"team": "TeamA", "permissions": ["CREATE_SHARE_OBJECT"]}),
            )
            .await
            .ok();
        let role = invited["iamRoleName"]
            .as_str()
            .expect("a team role")
            .to_owned();
        let consumer_aws = account_aws(&consumer_account).await.in_region(region);
        eventually("TeamA's environment role", 120, || {
            let iam = consumer_aws.iam();
            let role = role.clone();
            async move { iam.get_role().role_name(role).send().await.ok() }
        })
        .await;
        TableShareSetup {
            dataset_uri,
            consumer_environment_uri,
            items,
        }
    }

    /// Returns the body of TeamA's request to read `items` for its environment role.
    pub fn request(&self, items: &[Value]) -> Value {
        json!({
            "datasetUri": self.dataset_uri, "environmentUri": self.consumer_environment_uri,
            "requesterTeam": "TeamA", "principalType": "Group", "permissions": ["Read"],
            "requestPurpose": "analysis", "items": items,
        })
    }
}

/// Registers a Glue table `name` with three string columns in `database`.
pub async fn register_table(aws: &AwsClients, database: &str, name: &str) {
    let columns = ["invoice_id", "branch", "total"].map(|column| {
        aws_sdk_glue::types::Column::builder()
            .name(column)
            .r#type("string")
            .build()
            .expect("a column has a name")
    });
    let input = aws_sdk_glue::types::TableInput::builder()
        .name(name)
        .storage_descriptor(
            aws_sdk_glue::types::StorageDescriptor::builder()
                .set_columns(Some(columns.to_vec()))
                .location(format!("s3://tables/{name}/"))
                .build(),
        )
        .build()
        .expect("a table has a name");
    aws.glue()
        .create_table()
        .database_name(database)
        .table_input(input)
        .send()
        .await
        .expect("the emulator registers the table");
}
