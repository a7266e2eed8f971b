//! Catalog search, glossaries, term links, feeds and votes through the HTTP API, on datasets,
//! tables and folders created in fresh environment accounts.

use std::time::Duration;

use integration_tests::{Api, account_aws, create_pivot_role, fresh_account, unique};
use serde_json::{Value, json};
use shared::aws::AwsClients;

/// A word no other test uses, so a search for it returns only this test's assets.
fn unique_word() -> String {
    format!("zq{}", shared::uri::new_uri())
}

/// Creates an organization and an environment of DataPlatformAdmin in `account` and
/// `region`, with TeamA invited with CREATE_DATASET and TeamB invited without it.
async fn environment(admin: &Api, account: &str, region: &str) -> String {
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
                "region": region, "adminTeam": "DataPlatformAdmin",
            }),
        )
        .await
        .ok();
    let uri = environment["uri"].as_str().unwrap().to_owned();
    for (team, permissions) in [("TeamA", json!(["CREATE_DATASET"])), ("TeamB", json!([]))] {
        admin
            .post(
                &format!("/environments/{uri}/teams"),
                json!({"team": team, "permissions": permissions}),
            )
            .await
            .ok();
    }
    uri
}

async fn create_dataset(admin: &Api, environment_uri: &str, body: Value) -> Value {
    let mut body = body;
    body["environmentUri"] = json!(environment_uri);
    body["ownerTeam"] = json!("DataPlatformAdmin");
    admin.post("/datasets", body).await.ok()
}

/// Waits until the dataset's Glue database exists, which the stack worker creates after the
/// dataset stack.
async fn wait_for_database(aws: &AwsClients, database: &str) {
    for _ in 0..240 {
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

/// Registers a Glue table with the given columns and synchronises the dataset's tables.
async fn add_table(admin: &Api, aws: &AwsClients, dataset: &Value, name: &str, columns: &[&str]) {
    let database = dataset["glueDatabaseName"].as_str().unwrap();
    wait_for_database(aws, database).await;
    let columns: Vec<aws_sdk_glue::types::Column> = columns
        .iter()
        .map(|column| {
            aws_sdk_glue::types::Column::builder()
                .name(*column)
                .r#type("string")
                .build()
                .unwrap()
        })
        .collect();
    let descriptor = aws_sdk_glue::types::StorageDescriptor::builder()
        .set_columns(Some(columns))
        .location(format!(
            "s3://{}/{name}/",
            dataset["bucketName"].as_str().unwrap()
        ))
        .build();
    let input = aws_sdk_glue::types::TableInput::builder()
        .name(name)
        .storage_descriptor(descriptor)
        .build()
        .unwrap();
    aws.glue()
        .create_table()
        .database_name(database)
        .table_input(input)
        .send()
        .await
        .unwrap();
    let uri = dataset["uri"].as_str().unwrap();
    let summary = admin
        .post(&format!("/datasets/{uri}/tables/sync"), json!({}))
        .await
        .ok();
    assert_eq!(summary["added"], 1, "{summary}");
}

async fn search(api: &Api, query: &str) -> Value {
    api.get(&format!("/catalog/search?{query}")).await.ok()
}

fn uris(results: &Value) -> Vec<String> {
    let mut uris: Vec<String> = results["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["uri"].as_str().unwrap().to_owned())
        .collect();
    uris.sort();
    uris
}

fn facet(results: &Value, name: &str) -> Vec<(String, u64)> {
    results["facets"][name]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| {
            (
                value["value"].as_str().unwrap().to_owned(),
                value["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn sorted(mut uris: Vec<&str>) -> Vec<String> {
    uris.sort();
    uris.into_iter().map(str::to_owned).collect()
}

/// The mixed fixture: dataset A (Sales, Official) with a table and a folder in one region,
/// dataset B (Research, Secret) with a folder in another region of the same account.
struct Assets {
    word: String,
    dataset_a: String,
    table_a: String,
    folder_a: String,
    dataset_b: String,
    folder_b: String,
}

async fn assets(admin: &Api) -> Assets {
    let word = unique_word();
    let account = fresh_account();
    create_pivot_role(&account).await;
    let environment_a = environment(admin, &account, "eu-central-1").await;
    let environment_b = environment(admin, &account, "eu-west-1").await;
    let dataset_a = create_dataset(
        admin,
        &environment_a,
        json!({"label": format!("{word} sales"), "description": "Sales of the shops",
            "tags": [word, "Finance"], "topics": ["Sales"], "confidentiality": "Official"}),
    )
    .await;
    let dataset_b = create_dataset(
        admin,
        &environment_b,
        json!({"label": "Field research", "description": format!("Notes about {word}"),
            "tags": [word], "topics": ["Research"], "confidentiality": "Secret"}),
    )
    .await;

    let aws = account_aws(&account).await.in_region("eu-central-1");
    let aws_b = account_aws(&account).await.in_region("eu-west-1");
    wait_for_database(&aws_b, dataset_b["glueDatabaseName"].as_str().unwrap()).await;
    let column = format!("{word}_customer_id");
    add_table(
        admin,
        &aws,
        &dataset_a,
        "orders",
        &["order_id", &column, "amount"],
    )
    .await;
    let dataset_a_uri = dataset_a["uri"].as_str().unwrap().to_owned();
    let tables = admin
        .get(&format!("/datasets/{dataset_a_uri}/tables"))
        .await
        .ok();
    let table_a = tables["items"][0]["uri"].as_str().unwrap().to_owned();

    let folder = |dataset: &Value, label: String, prefix: &str| {
        let uri = dataset["uri"].as_str().unwrap().to_owned();
        let body = json!({"label": label, "prefix": prefix, "tags": ["raw"]});
        async move {
            admin
                .post(&format!("/datasets/{uri}/folders"), body)
                .await
                .ok()["uri"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let folder_a = folder(&dataset_a, format!("{word} raw files"), "raw").await;
    let folder_b = folder(&dataset_b, format!("{word} notes"), "notes").await;
    Assets {
        word,
        dataset_a: dataset_a_uri,
        table_a,
        folder_a,
        dataset_b: dataset_b["uri"].as_str().unwrap().to_owned(),
        folder_b,
    }
}

#[tokio::test]
async fn catalog_search_filters_and_facets() {
    let admin = Api::as_user("dataall-admin").await;
    let assets = assets(&admin).await;
    let word = &assets.word;

    // A table is found by a word of one of its column names, and by that column's parts.
    let by_column = search(&admin, &format!("q={word}+customer")).await;
    assert_eq!(uris(&by_column), vec![assets.table_a.clone()]);
    let table = &by_column["items"][0];
    assert_eq!(table["type"], "table");
    assert_eq!(table["datasetUri"], assets.dataset_a.as_str());
    assert_eq!(table["ownerTeam"], "DataPlatformAdmin");
    assert!(table["environmentUri"].as_str().unwrap().len() == 8);
    assert_eq!(table["hasAccess"], true);

    let all = search(&admin, &format!("q={word}")).await;
    assert_eq!(all["total"], 5, "{all}");
    assert_eq!(
        uris(&all),
        sorted(vec![
            &assets.dataset_a,
            &assets.table_a,
            &assets.folder_a,
            &assets.dataset_b,
            &assets.folder_b,
        ])
    );
    assert_eq!(
        facet(&all, "type"),
        vec![
            ("dataset".to_owned(), 2),
            ("folder".to_owned(), 2),
            ("table".to_owned(), 1)
        ]
    );
    assert_eq!(
        facet(&all, "region"),
        vec![("eu-central-1".to_owned(), 3), ("eu-west-1".to_owned(), 2)]
    );
    assert_eq!(
        facet(&all, "confidentiality"),
        vec![("Official".to_owned(), 3), ("Secret".to_owned(), 2)]
    );
    assert_eq!(
        facet(&all, "topics"),
        vec![("Sales".to_owned(), 3), ("Research".to_owned(), 2)]
    );
    let tags = facet(&all, "tags");
    assert!(tags.contains(&(word.clone(), 2)), "{tags:?}");
    assert!(tags.contains(&("finance".to_owned(), 1)), "{tags:?}");
    assert!(tags.contains(&("raw".to_owned(), 2)), "{tags:?}");

    // Within a facet values are alternatives, across facets all must hold.
    let cases: Vec<(String, Vec<&String>)> = vec![
        (
            "type=table,folder".into(),
            vec![&assets.table_a, &assets.folder_a, &assets.folder_b],
        ),
        (
            "type=folder&confidentiality=Secret".into(),
            vec![&assets.folder_b],
        ),
        (
            "region=eu-west-1".into(),
            vec![&assets.dataset_b, &assets.folder_b],
        ),
        ("topics=Sales&type=dataset".into(), vec![&assets.dataset_a]),
        ("tags=FINANCE".into(), vec![&assets.dataset_a]),
        (
            "type=dataset&topics=Research,Sales".into(),
            vec![&assets.dataset_a, &assets.dataset_b],
        ),
        ("region=us-east-1".into(), vec![]),
    ];
    for (filters, expected) in cases {
        let found = search(&admin, &format!("q={word}&{filters}")).await;
        let expected = sorted(expected.into_iter().map(String::as_str).collect());
        assert_eq!(uris(&found), expected, "{filters}");
        assert_eq!(found["total"], expected.len(), "{filters}");
    }
    let folders = search(&admin, &format!("q={word}&type=folder")).await;
    assert_eq!(
        facet(&folders, "region"),
        vec![("eu-central-1".to_owned(), 1), ("eu-west-1".to_owned(), 1)],
        "facet counts cover the filtered results"
    );

    // A label match ranks above a description match.
    let ranked = search(&admin, &format!("q={word}&type=dataset")).await;
    assert_eq!(ranked["items"][0]["uri"], assets.dataset_a.as_str());

    // Pages cover the results once.
    let first = search(&admin, &format!("q={word}&limit=2")).await;
    let token = first["nextToken"].as_str().unwrap().to_owned();
    let second = search(&admin, &format!("q={word}&limit=2&nextToken={token}")).await;
    let token = second["nextToken"].as_str().unwrap().to_owned();
    let third = search(&admin, &format!("q={word}&limit=2&nextToken={token}")).await;
    assert!(third["nextToken"].is_null());
    let mut paged: Vec<String> = [first, second, third].iter().flat_map(uris).collect();
    paged.sort();
    assert_eq!(paged, uris(&all));

    // Every user gets the metadata, and hasAccess follows the caller's teams' grants.
    let outsider = Api::as_user("ds-b").await;
    let seen = search(&outsider, &format!("q={word}")).await;
    assert_eq!(seen["total"], 5);
    assert!(
        seen["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["hasAccess"] == false)
    );

    // Changes show in the next search: a renamed folder, a deleted one.
    admin
        .patch(
            &format!("/folders/{}", assets.folder_b),
            json!({"label": "Renamed notes", "description": format!("{word} kept")}),
        )
        .await
        .ok();
    let renamed = search(&admin, &format!("q={word}+renamed")).await;
    assert_eq!(uris(&renamed), vec![assets.folder_b.clone()]);
    admin
        .delete(&format!("/folders/{}", assets.folder_a))
        .await
        .ok();
    let after_delete = search(&admin, &format!("q={word}")).await;
    assert_eq!(after_delete["total"], 4);
}

#[tokio::test]
async fn catalog_search_rejects_invalid_parameters() {
    let api = Api::as_user("ds-a").await;
    let cases = [
        ("type=view", "type"),
        ("topics=Gossip", "topics"),
        ("confidentiality=TopSecret", "confidentiality"),
        ("region=moon", "region"),
        ("terms=nope", "terms"),
        ("limit=0", "limit"),
        ("nextToken=bad", "nextToken"),
        ("tag=x", "tag"),
    ];
    for (query, field) in cases {
        let reply = api.get(&format!("/catalog/search?{query}")).await;
        reply.expect_error(400, "InvalidInput");
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(field), "{query}: {message}");
    }
}

#[tokio::test]
async fn term_links_act_after_approval() {
    let admin = Api::as_user("dataall-admin").await;
    let glossary_admin = Api::as_user("ds-admin").await;
    let outsider = Api::as_user("ds-a").await;
    let word = unique_word();
    let term_word = unique_word();
    let account = fresh_account();
    create_pivot_role(&account).await;
    let environment_uri = environment(&admin, &account, "eu-central-1").await;
    let dataset = create_dataset(
        &admin,
        &environment_uri,
        json!({"label": format!("{word} ledger"), "topics": ["Finances"]}),
    )
    .await;
    let dataset_uri = dataset["uri"].as_str().unwrap();

    // Creating a glossary needs the caller in its admin team.
    glossary_admin
        .post(
            "/glossaries",
            json!({"label": unique("Finance"), "admin": "TeamA"}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    let glossary = glossary_admin
        .post(
            "/glossaries",
            json!({"label": unique("Finance"), "readme": "Money words", "admin": "DataScienceAdmin"}),
        )
        .await
        .ok();
    let glossary_uri = glossary["nodeUri"].as_str().unwrap();
    assert_eq!(glossary["nodeType"], "G");
    assert_eq!(glossary["path"], format!("/{glossary_uri}"));
    let category = glossary_admin
        .post(
            &format!("/glossaries/{glossary_uri}/categories"),
            json!({"label": "Accounting"}),
        )
        .await
        .ok();
    let category_uri = category["nodeUri"].as_str().unwrap();
    let term = glossary_admin
        .post(
            &format!("/glossaries/{category_uri}/terms"),
            json!({"label": format!("Turnover {term_word}"), "readme": "Sales over a period"}),
        )
        .await
        .ok();
    let term_uri = term["nodeUri"].as_str().unwrap();
    assert_eq!(
        term["path"],
        format!("/{glossary_uri}/{category_uri}/{term_uri}")
    );
    glossary_admin
        .post(
            &format!("/glossaries/{category_uri}/terms"),
            json!({"label": format!("TURNOVER {term_word}")}),
        )
        .await
        .expect_error(409, "ResourceAlreadyExists");
    glossary_admin
        .post(
            &format!("/glossaries/{term_uri}/terms"),
            json!({"label": "Below a term"}),
        )
        .await
        .expect_error(400, "InvalidInput");
    let tree = glossary_admin
        .get(&format!("/glossaries/{glossary_uri}"))
        .await
        .ok();
    assert_eq!(tree["children"][0]["nodeUri"], category_uri);
    let found = outsider
        .get(&format!("/glossaries?q={term_word}"))
        .await
        .ok();
    assert_eq!(found["items"][0]["nodeUri"], term_uri);

    // A non-admin of the glossary is rejected on every mutation.
    outsider
        .post(
            &format!("/glossaries/{glossary_uri}/categories"),
            json!({"label": "Mine"}),
        )
        .await
        .expect_error(403, "UnauthorizedOperation");
    outsider
        .patch(&format!("/glossaries/{term_uri}"), json!({"label": "Mine"}))
        .await
        .expect_error(403, "UnauthorizedOperation");
    outsider
        .delete(&format!("/glossaries/{category_uri}"))
        .await
        .expect_error(403, "UnauthorizedOperation");

    // Linking needs edit access to the dataset.
    let link_body = json!({"nodeUri": term_uri, "targetType": "dataset", "targetUri": dataset_uri});
    outsider
        .post("/term-links", link_body.clone())
        .await
        .expect_error(403, "UnauthorizedOperation");
    admin
        .post(
            "/term-links",
            json!({"nodeUri": category_uri, "targetType": "dataset", "targetUri": dataset_uri}),
        )
        .await
        .expect_error(400, "InvalidInput");
    let link = admin.post("/term-links", link_body.clone()).await.ok();
    assert_eq!(link["status"], "PendingApproval");
    let link_uri = link["linkUri"].as_str().unwrap();
    admin
        .post("/term-links", link_body)
        .await
        .expect_error(409, "ResourceAlreadyExists");

    // A pending link neither filters nor matches text.
    let by_term = format!("q={word}&terms={term_uri}");
    assert_eq!(search(&admin, &by_term).await["total"], 0);
    assert_eq!(search(&admin, &format!("q={term_word}")).await["total"], 0);
    let pending = glossary_admin
        .get(&format!(
            "/glossaries/{glossary_uri}/associations?status=PendingApproval"
        ))
        .await
        .ok();
    assert_eq!(pending["items"][0]["linkUri"], link_uri);
    assert_eq!(pending["items"][0]["target"]["type"], "dataset");

    // Only the glossary's admin team approves.
    admin
        .post(&format!("/term-links/{link_uri}/approve"), json!({}))
        .await
        .expect_error(403, "UnauthorizedOperation");
    let approved = glossary_admin
        .post(&format!("/term-links/{link_uri}/approve"), json!({}))
        .await
        .ok();
    assert_eq!(approved["status"], "Approved");
    glossary_admin
        .post(&format!("/term-links/{link_uri}/approve"), json!({}))
        .await
        .expect_error(409, "InvalidStateTransition");

    let filtered = search(&admin, &by_term).await;
    assert_eq!(uris(&filtered), vec![dataset_uri.to_owned()]);
    assert_eq!(filtered["items"][0]["terms"][0]["nodeUri"], term_uri);
    assert_eq!(filtered["facets"]["terms"][0]["count"], 1);
    assert_eq!(search(&admin, &format!("q={term_word}")).await["total"], 1);

    // A renamed term is found by its new label.
    let renamed_word = unique_word();
    glossary_admin
        .patch(
            &format!("/glossaries/{term_uri}"),
            json!({"label": format!("Revenue {renamed_word}")}),
        )
        .await
        .ok();
    assert_eq!(
        search(&admin, &format!("q={renamed_word}")).await["total"],
        1
    );
    assert_eq!(search(&admin, &format!("q={term_word}")).await["total"], 0);

    // Dismissing removes the link and its filter; deleting the glossary removes the rest.
    outsider
        .post(&format!("/term-links/{link_uri}/dismiss"), json!({}))
        .await
        .expect_error(403, "UnauthorizedOperation");
    admin
        .post(&format!("/term-links/{link_uri}/dismiss"), json!({}))
        .await
        .ok();
    assert_eq!(search(&admin, &by_term).await["total"], 0);
    let deleted = glossary_admin
        .delete(&format!("/glossaries/{glossary_uri}"))
        .await
        .ok();
    assert_eq!(deleted["nodes"], 3);
    glossary_admin
        .get(&format!("/glossaries/{term_uri}"))
        .await
        .expect_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn glossary_depth_and_input_rules() {
    let api = Api::as_user("ds-admin").await;
    let glossary = api
        .post(
            "/glossaries",
            json!({"label": unique("Deep"), "admin": "DataScienceAdmin"}),
        )
        .await
        .ok();
    let mut parent = glossary["nodeUri"].as_str().unwrap().to_owned();
    for depth in 2..=10 {
        let category = api
            .post(
                &format!("/glossaries/{parent}/categories"),
                json!({"label": format!("Level {depth}")}),
            )
            .await
            .ok();
        parent = category["nodeUri"].as_str().unwrap().to_owned();
    }

    let reply = api
        .post(
            &format!("/glossaries/{parent}/terms"),
            json!({"label": "Too deep"}),
        )
        .await;
    reply.expect_error(400, "InvalidInput");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10")
    );

    let cases = [
        (
            json!({"admin": "DataScienceAdmin"}),
            400,
            "RequiredParameter",
            "label",
        ),
        (
            json!({"label": "x".repeat(101), "admin": "DataScienceAdmin"}),
            400,
            "InvalidInput",
            "label",
        ),
        (
            json!({"label": "x", "admin": "Data Science"}),
            400,
            "InvalidInput",
            "admin",
        ),
        (
            json!({"label": "x", "admin": "DataScienceAdmin", "owner": "me"}),
            400,
            "InvalidInput",
            "owner",
        ),
        (
            json!({"label": "x", "readme": "r".repeat(5001), "admin": "DataScienceAdmin"}),
            400,
            "InvalidInput",
            "readme",
        ),
    ];
    for (body, status, code, field) in cases {
        let reply = api.post("/glossaries", body.clone()).await;
        reply.expect_error(status, code);
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(field), "{body}: {message}");
    }
    api.patch(
        &format!("/glossaries/{parent}"),
        json!({"admin": "DataScienceAdmin"}),
    )
    .await
    .expect_error(400, "InvalidInput");
}

#[tokio::test]
async fn feeds_and_votes_for_readers_only() {
    let admin = Api::as_user("dataall-admin").await;
    let outsider = Api::as_user("ds-b").await;
    let account = fresh_account();
    create_pivot_role(&account).await;
    let environment_uri = environment(&admin, &account, "eu-central-1").await;
    let dataset = create_dataset(
        &admin,
        &environment_uri,
        json!({"label": unique("Votes"), "topics": ["Misc"]}),
    )
    .await;
    let dataset_uri = dataset["uri"].as_str().unwrap();
    let aws = account_aws(&account).await.in_region("eu-central-1");
    wait_for_database(&aws, dataset["glueDatabaseName"].as_str().unwrap()).await;
    let folder = admin
        .post(
            &format!("/datasets/{dataset_uri}/folders"),
            json!({"label": "Shared notes", "prefix": "notes"}),
        )
        .await
        .ok();
    let folder_uri = folder["uri"].as_str().unwrap();

    for (target_type, uri) in [("dataset", dataset_uri), ("folder", folder_uri)] {
        let path = format!("/feeds/{target_type}/{uri}");
        let first = admin
            .post(&path, json!({"content": "Refreshed daily"}))
            .await
            .ok();
        assert_eq!(first["creator"], "dataall-admin");
        tokio::time::sleep(Duration::from_millis(5)).await;
        admin
            .post(&path, json!({"content": "Now with 2024"}))
            .await
            .ok();
        let feed = admin.get(&path).await.ok();
        assert_eq!(feed["items"][0]["content"], "Now with 2024", "newest first");
        assert_eq!(feed["items"][1]["content"], "Refreshed daily");
        let page = admin.get(&format!("{path}?limit=1")).await.ok();
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert!(page["nextToken"].is_string());
        outsider
            .get(&path)
            .await
            .expect_error(404, "ResourceNotFound");
        outsider
            .post(&path, json!({"content": "let me in"}))
            .await
            .expect_error(404, "ResourceNotFound");
        admin
            .post(&path, json!({"content": "  "}))
            .await
            .expect_error(400, "RequiredParameter");
    }
    admin
        .get(&format!("/feeds/view/{dataset_uri}"))
        .await
        .expect_error(400, "InvalidInput");

    let vote_path = format!("/votes/dataset/{dataset_uri}");
    let voted = admin.put(&vote_path, json!({"upvote": true})).await.ok();
    assert_eq!(voted["upvotes"], 1);
    let again = admin.put(&vote_path, json!({"upvote": true})).await.ok();
    assert_eq!(again["upvotes"], 1, "one vote per user");
    outsider
        .put(&vote_path, json!({"upvote": true}))
        .await
        .expect_error(404, "ResourceNotFound");
    admin
        .put(
            &format!("/votes/folder/{folder_uri}"),
            json!({"upvote": true}),
        )
        .await
        .expect_error(400, "InvalidInput");
    admin
        .put(&vote_path, json!({}))
        .await
        .expect_error(400, "RequiredParameter");
    let label = dataset["label"].as_str().unwrap();
    let found = search(&admin, &format!("q={label}&type=dataset")).await;
    assert_eq!(found["items"][0]["uri"], dataset_uri);
    assert_eq!(found["items"][0]["upvotes"], 1);
    let withdrawn = admin.put(&vote_path, json!({"upvote": false})).await.ok();
    assert_eq!(withdrawn["upvotes"], 0);
    let found = search(&admin, &format!("q={label}&type=dataset")).await;
    assert_eq!(found["items"][0]["upvotes"], 0);
}
