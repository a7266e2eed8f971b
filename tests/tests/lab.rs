//! Acceptance test: the hands-on lab "Data access management with teams" end to end, with
//! its outcome checked in the emulator's accounts, then the share revoked.

use std::time::Duration;

use integration_tests::lab::{self, CONSUMER_ACCOUNT, PRODUCER_ACCOUNT, REGION, TABLE_NAME};
use integration_tests::{Api, account_aws};
use serde_json::{Value, json};

async fn lake_formation(
    account: &str,
    catalog: &str,
    database: &str,
    table: &str,
    principal: &str,
) -> Vec<String> {
    let resource = aws_sdk_lakeformation::types::Resource::builder()
        .table(
            aws_sdk_lakeformation::types::TableResource::builder()
                .catalog_id(catalog)
                .database_name(database)
                .name(table)
                .build()
                .unwrap(),
        )
        .build();
    let output = account_aws(account)
        .await
        .in_region(REGION)
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

async fn team_role(science: &Api, environment_uri: &str, team: &str) -> String {
    let teams = science
        .get(&format!("/environments/{environment_uri}/teams"))
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
async fn hands_on_lab() {
    let lab = lab::run(&|text| eprintln!("lab: {text}"))
        .await
        .expect("the lab runs");
    let share_uri = lab.share["uri"].as_str().unwrap().to_owned();
    assert_eq!(lab.share["status"], "Processed");
    assert_eq!(lab.share["items"][0]["status"], "Share_Succeeded");

    // The consumer account holds the resource link in <db>_shared.
    let database = lab.dataset["glueDatabaseName"].as_str().unwrap().to_owned();
    let consumer = account_aws(CONSUMER_ACCOUNT).await.in_region(REGION);
    let link = consumer
        .glue()
        .get_table()
        .database_name(format!("{database}_shared"))
        .name(TABLE_NAME)
        .send()
        .await;
    let link = link.expect("the resource link exists");
    assert_eq!(
        link.table().unwrap().target_table().unwrap().catalog_id(),
        Some(PRODUCER_ACCOUNT)
    );

    // Lake Formation grants TeamA's role SELECT on the source table and TeamB's nothing.
    let science = Api::as_user("ds-admin").await;
    let consumer_uri = lab.consumer_environment["uri"].as_str().unwrap().to_owned();
    let role_a = team_role(&science, &consumer_uri, "TeamA").await;
    let role_b = team_role(&science, &consumer_uri, "TeamB").await;
    let granted_a = lake_formation(
        PRODUCER_ACCOUNT,
        PRODUCER_ACCOUNT,
        &database,
        TABLE_NAME,
        &role_a,
    )
    .await;
    assert!(granted_a.contains(&"SELECT".to_owned()), "{granted_a:?}");
    let granted_b = lake_formation(
        PRODUCER_ACCOUNT,
        PRODUCER_ACCOUNT,
        &database,
        TABLE_NAME,
        &role_b,
    )
    .await;
    assert!(granted_b.is_empty(), "{granted_b:?}");

    // TeamB sees neither the share, the dataset nor the table preview.
    let team_a = Api::as_user("ds-a").await;
    let team_b = Api::as_user("ds-b").await;
    let dataset_uri = lab.dataset["uri"].as_str().unwrap().to_owned();
    team_b
        .get(&format!("/shares/{share_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    team_b
        .get(&format!("/datasets/{dataset_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    team_b
        .get(&format!("/tables/{}/preview", lab.table_uri))
        .await
        .expect_error(404, "ResourceNotFound");
    let preview = team_a
        .get(&format!("/tables/{}/preview", lab.table_uri))
        .await;
    assert_eq!(
        preview.status, 200,
        "TeamA previews the shared table: {}",
        preview.body
    );

    // TeamA's own dataset in the DataScience environment stays invisible to TeamB.
    let own = team_a
        .post("/datasets", json!({"environmentUri": consumer_uri, "label": "Team A experiments", "topics": ["Research"], "ownerTeam": "TeamA"}))
        .await
        .ok();
    team_b
        .get(&format!("/datasets/{}", own["uri"].as_str().unwrap()))
        .await
        .expect_error(404, "ResourceNotFound");
    let listed_b = team_b.get("/datasets").await.ok();
    assert!(
        listed_b["items"].as_array().unwrap().is_empty(),
        "{listed_b}"
    );

    // The approvers and the requester got emails.
    let mut emails = Vec::new();
    for _ in 0..120 {
        emails = integration_tests::sent_emails().await;
        let approved_to_requester = emails
            .iter()
            .any(|(to, subject)| to == "ds-a@example.com" && subject.contains("approved"));
        let submitted_to_approver = emails.iter().any(|(to, subject)| {
            to == "dataall-admin@example.com" && subject.contains("submitted")
        });
        if approved_to_requester && submitted_to_approver {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        emails
            .iter()
            .any(|(to, subject)| to == "ds-a@example.com" && subject.contains("approved")),
        "{emails:?}"
    );
    assert!(emails.iter().any(|(to, subject)| to == "dataall-admin@example.com" && subject.contains("submitted")), "{emails:?}");

    // Revoke: the grant and the resource link are gone.
    let item_uri = lab.share["items"][0]["uri"].as_str().unwrap();
    team_a
        .post(
            &format!("/shares/{share_uri}/revoke"),
            json!({"itemUris": [item_uri]}),
        )
        .await
        .ok();
    let mut revoked = Value::Null;
    for _ in 0..160 {
        revoked = team_a.get(&format!("/shares/{share_uri}")).await.ok();
        if revoked["status"] == "Processed" && revoked["items"][0]["status"] == "Revoke_Succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        revoked["items"][0]["status"], "Revoke_Succeeded",
        "{revoked}"
    );
    let after = lake_formation(
        PRODUCER_ACCOUNT,
        PRODUCER_ACCOUNT,
        &database,
        TABLE_NAME,
        &role_a,
    )
    .await;
    assert!(!after.contains(&"SELECT".to_owned()), "{after:?}");
    let gone = consumer
        .glue()
        .get_table()
        .database_name(format!("{database}_shared"))
        .name(TABLE_NAME)
        .send()
        .await;
    assert!(gone.is_err(), "the resource link was removed");
}
