//! A share with more items than one DynamoDB transaction can write goes through create,
//! submit, reject and delete, and each of them writes the items in several transactions. The
//! dataset's owner and stewards are different teams, so the share has every grant. More items
//! than a share can contain are rejected before anything is read.

use integration_tests::Api;
use integration_tests::fixtures::TableShareSetup;
use serde_json::json;
use shared::shares::MAX_ITEMS;
use shared::store::TRANSACTION_LIMIT;

#[tokio::test]
async fn share_larger_than_one_transaction() {
    let tables = TRANSACTION_LIMIT + 20;
    let setup = TableShareSetup::new(tables, "ap-south-1").await;
    let team_a = Api::as_user("ds-a").await;
    let too_many = vec![json!({"itemType": "Table", "itemUri": "abcdefgh"}); MAX_ITEMS + 1];
    let rejected = team_a.post("/shares", setup.request(&too_many)).await;
    rejected.expect_error(400, "InvalidInput");
    let message = rejected.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("items must hold at most {MAX_ITEMS} items")),
        "{message}"
    );

    let share = team_a
        .post("/shares", setup.request(&setup.items))
        .await
        .ok();
    let share_uri = share["uri"].as_str().unwrap().to_owned();
    assert_eq!(share["statistics"]["pendingItems"], tables);
    let submitted = team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();
    assert_eq!(submitted["status"], "Submitted");

    let steward = Api::as_user("ds-admin").await;
    let rejected = steward
        .post(
            &format!("/shares/{share_uri}/reject"),
            json!({"rejectPurpose": "too broad"}),
        )
        .await
        .ok();
    assert_eq!(rejected["status"], "Rejected");
    let items = rejected["items"].as_array().unwrap();
    assert_eq!(items.len(), tables);
    assert!(
        items.iter().all(|item| item["status"] == "Share_Rejected"),
        "{rejected}"
    );
    let reread = team_a.get(&format!("/shares/{share_uri}")).await.ok();
    assert_eq!(reread["statistics"]["pendingItems"], 0);

    team_a.delete(&format!("/shares/{share_uri}")).await.ok();
    team_a
        .get(&format!("/shares/{share_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
    let again = team_a
        .post("/shares", setup.request(&setup.items[..1]))
        .await;
    assert_eq!(
        again.status, 201,
        "the claim went with the share: {}",
        again.body
    );
}
