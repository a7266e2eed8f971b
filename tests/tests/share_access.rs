//! Allowed and denied callers of the share routes, table-driven.
//!
//! Callers: dataall-admin of the dataset's owner team, ds-admin of its stewards team, ds-a of
//! the requester team and ds-b of an unrelated team. The owner team and the stewards have
//! the approver grants of a share, the requester team the requester grants, the unrelated
//! team none.

use integration_tests::Api;
use integration_tests::access::{Case, Outcome, mismatches};
use integration_tests::fixtures::TableShareSetup;
use serde_json::{Value, json};

fn listed(list: &Value, share_uri: &str) -> bool {
    list["items"]
        .as_array()
        .expect("a list of shares")
        .iter()
        .any(|share| share["uri"] == share_uri)
}

#[tokio::test]
async fn share_routes_by_caller() {
    let setup = TableShareSetup::new(1, "eu-west-2").await;
    let owner = Api::as_user("dataall-admin").await;
    let steward = Api::as_user("ds-admin").await;
    let requester = Api::as_user("ds-a").await;
    let unrelated = Api::as_user("ds-b").await;
    let created = requester
        .post("/shares", setup.request(&setup.items))
        .await
        .ok();
    let share = created["uri"].as_str().expect("a share uri").to_owned();
    let item = created["items"][0]["uri"]
        .as_str()
        .expect("a share item uri")
        .to_owned();
    let dataset = &setup.dataset_uri;
    let callers = [
        ("dataall-admin", &owner),
        ("ds-admin", &steward),
        ("ds-a", &requester),
        ("ds-b", &unrelated),
    ];
    let invalid = json!({"notAField": true});
    let nothing_selected = json!({"itemUris": []});
    use Outcome::{Allowed as A, Forbidden as F, NotFound as N};

    // Routes called while the share is a draft. Approving a draft fails with 409 after the
    // checks pass. Submitting is only tried by callers who may not submit.
    let draft = [
        Case::new("GET", format!("/shares/{share}"), None, [A, A, A, N]),
        Case::new(
            "GET",
            format!("/datasets/{dataset}/shares"),
            None,
            [A, F, N, N],
        ),
        Case::new(
            "POST",
            format!("/shares/{share}/items"),
            Some(invalid.clone()),
            [A, A, A, N],
        ),
        Case::new(
            "POST",
            format!("/shares/{share}/approve"),
            None,
            [A, A, F, N],
        ),
        Case::new(
            "POST",
            format!("/shares/{share}/reject"),
            Some(invalid.clone()),
            [A, A, F, N],
        ),
        Case::new(
            "POST",
            format!("/shares/{share}/revoke"),
            Some(nothing_selected.clone()),
            [A, A, A, N],
        ),
        Case::new(
            "POST",
            format!("/shares/{share}/verify"),
            Some(nothing_selected.clone()),
            [A, A, A, N],
        ),
        Case::new(
            "POST",
            format!("/shares/{share}/reapply"),
            Some(nothing_selected.clone()),
            [A, A, F, N],
        ),
    ];
    let found = mismatches(&draft, &callers).await;
    assert!(found.is_empty(), "{}", found.join("\n"));
    let submit = format!("/shares/{share}/submit");
    for (user, api, expected) in [
        ("dataall-admin", &owner, (403, "UnauthorizedOperation")),
        ("ds-admin", &steward, (403, "UnauthorizedOperation")),
        ("ds-b", &unrelated, (404, "ResourceNotFound")),
    ] {
        let reply = api.post(&submit, json!({})).await;
        assert_eq!(
            (reply.status, reply.code()),
            expected,
            "submit as {user}: {}",
            reply.body
        );
    }
    let unchanged = requester.get(&format!("/shares/{share}")).await.ok();
    assert_eq!(
        unchanged["status"], "Draft",
        "denied callers changed nothing"
    );
    assert_eq!(unchanged["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(unchanged["userRole"], "Requesters");
    let seen_by_owner = owner.get(&format!("/shares/{share}")).await.ok();
    assert_eq!(seen_by_owner["userRole"], "Approvers");

    // The inbox of the approvers and the outbox of the requester contain the share. The
    // other lists do not.
    for (user, api, role, expected) in [
        ("dataall-admin", &owner, "received", true),
        ("ds-admin", &steward, "received", true),
        ("ds-a", &requester, "received", false),
        ("ds-a", &requester, "sent", true),
        ("dataall-admin", &owner, "sent", false),
        ("ds-b", &unrelated, "received", false),
        ("ds-b", &unrelated, "sent", false),
    ] {
        let list = api
            .get(&format!("/shares?role={role}&limit=100"))
            .await
            .ok();
        assert_eq!(listed(&list, &share), expected, "{role} shares of {user}");
    }

    // A submitted share's pending item may still be removed, by the stewards but not by the
    // unrelated caller.
    requester.post(&submit, json!({})).await.ok();
    let remove = format!("/shares/{share}/items/{item}");
    let denied = unrelated.delete(&remove).await;
    assert!(
        [403, 404].contains(&denied.status),
        "remove as ds-b: {} {}",
        denied.status,
        denied.body
    );
    steward.delete(&remove).await.ok();
    let emptied = requester.get(&format!("/shares/{share}")).await.ok();
    assert_eq!(emptied["items"].as_array().map(Vec::len), Some(0));

    // Deleting is the last action: the unrelated caller first, then the requester.
    let path = format!("/shares/{share}");
    unrelated
        .delete(&path)
        .await
        .expect_error(404, "ResourceNotFound");
    requester.delete(&path).await.ok();
    owner.get(&path).await.expect_error(404, "ResourceNotFound");
}
