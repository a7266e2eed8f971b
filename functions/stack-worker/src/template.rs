//! CloudFormation templates of environment and dataset stacks.
//!
//! An environment stack holds the environment bucket (encrypted, TLS only), the admin team's
//! IAM role and one IAM role per invited team, each tagged `Team=<team>`. A dataset stack
//! holds the dataset's KMS key and alias, its bucket (encrypted with that key, TLS only) and
//! the dataset IAM role; for an imported dataset, only the role. The bucket and key are
//! retained when the stack is deleted, so deleting a dataset never deletes its data.

use serde_json::{Map, Value, json};
use shared::domain::datasets::Dataset;
use shared::domain::environments::{Environment, EnvironmentTeam};

/// Services that team roles trust besides the environment account itself.
const TRUSTED_SERVICES: [&str; 3] = [
    "glue.amazonaws.com",
    "athena.amazonaws.com",
    "lakeformation.amazonaws.com",
];

/// Renders the environment's template with one role per team in `teams`.
pub fn environment_template(environment: &Environment, teams: &[EnvironmentTeam]) -> Value {
    let bucket = &environment.default_bucket_name;
    let mut resources = Map::new();
    resources.insert(
        "EnvironmentBucket".into(),
        json!({
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketName": bucket,
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true
                },
                "Tags": [{"Key": "Environment", "Value": environment.uri}]
            }
        }),
    );
    resources.insert(
        "EnvironmentBucketPolicy".into(),
        tls_only_policy(json!({"Ref": "EnvironmentBucket"}), bucket),
    );
    let mut outputs = Map::new();
    outputs.insert(
        "EnvironmentBucketName".into(),
        json!({"Value": {"Ref": "EnvironmentBucket"}}),
    );
    for (index, team) in teams.iter().enumerate() {
        let logical_id = format!("TeamRole{index}");
        resources.insert(logical_id.clone(), team_role(environment, team));
        outputs.insert(
            format!("{logical_id}Arn"),
            json!({"Value": {"Fn::GetAtt": [logical_id, "Arn"]}}),
        );
    }
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("Data workspace environment {} ({})", environment.label, environment.uri),
        "Resources": resources,
        "Outputs": outputs,
    })
}

fn team_role(environment: &Environment, team: &EnvironmentTeam) -> Value {
    let bucket = &environment.default_bucket_name;
    json!({
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": team.iam_role_name,
            "Description": format!("Role of team {} in environment {}", team.team, environment.uri),
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": TRUSTED_SERVICES}, "Action": "sts:AssumeRole"},
                    {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:root", environment.aws_account_id)}, "Action": "sts:AssumeRole"}
                ]
            },
            "Policies": [{
                "PolicyName": "environment-bucket",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
                    }]
                }
            }],
            "Tags": [
                {"Key": "Team", "Value": team.team},
                {"Key": "Environment", "Value": environment.uri}
            ]
        }
    })
}

fn tls_only_policy(bucket_reference: Value, bucket: &str) -> Value {
    json!({
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": bucket_reference,
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "RequireTls",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                }]
            }
        }
    })
}

/// Adds the KMS key, its alias, the bucket and its policy of a new dataset, and returns the
/// key's ARN.
fn dataset_storage(
    dataset: &Dataset,
    resources: &mut Map<String, Value>,
    outputs: &mut Map<String, Value>,
    bucket_share_principals: &[String],
) -> Value {
    let bucket = &dataset.bucket_name;
    let account = &dataset.aws_account_id;
    resources.insert(
        "DatasetKey".into(),
        json!({
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": format!("Key of dataset {} ({})", dataset.label, dataset.uri),
                "EnableKeyRotation": true,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "AccountAdministers",
                        "Effect": "Allow",
                        "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                        "Action": "kms:*",
                        "Resource": "*"
                    }]
                }
            }
        }),
    );
    resources.insert(
        "DatasetKeyAlias".into(),
        json!({
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": format!("alias/{}", dataset.kms_alias), "TargetKeyId": {"Ref": "DatasetKey"}}
        }),
    );
    resources.insert(
        "DatasetBucket".into(),
        json!({
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": bucket,
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                    "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["DatasetKey", "Arn"]}},
                    "BucketKeyEnabled": true
                }]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true
                },
                "Tags": [{"Key": "Dataset", "Value": dataset.uri}]
            }
        }),
    );
    let mut bucket_policy = tls_only_policy(json!({"Ref": "DatasetBucket"}), bucket);
    // Folder shares grant access through access points of the dataset's account; the bucket
    // delegates its access control to them.
    if let Some(statements) =
        bucket_policy["Properties"]["PolicyDocument"]["Statement"].as_array_mut()
    {
        statements.push(json!({
            "Sid": "DelegateToAccessPoints",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"StringEquals": {"s3:DataAccessPointAccount": account}}
        }));
        // The principals of shared bucket items, which the share worker also writes at once.
        if !bucket_share_principals.is_empty() {
            statements.push(json!({
                "Sid": "BucketShares",
                "Effect": "Allow",
                "Principal": {"AWS": bucket_share_principals},
                "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
            }));
        }
    }
    resources.insert("DatasetBucketPolicy".into(), bucket_policy);
    outputs.insert(
        "BucketName".into(),
        json!({"Value": {"Ref": "DatasetBucket"}}),
    );
    outputs.insert(
        "KmsKeyArn".into(),
        json!({"Value": {"Fn::GetAtt": ["DatasetKey", "Arn"]}}),
    );
    json!({"Fn::GetAtt": ["DatasetKey", "Arn"]})
}

/// Renders a dataset's template.
pub fn dataset_template(dataset: &Dataset, bucket_share_principals: &[String]) -> Value {
    let bucket = &dataset.bucket_name;
    let account = &dataset.aws_account_id;
    let mut resources = Map::new();
    let mut outputs = Map::new();
    let key_arn = if !dataset.imported {
        dataset_storage(
            dataset,
            &mut resources,
            &mut outputs,
            bucket_share_principals,
        )
    } else if dataset.kms_alias == shared::domain::datasets::SSE_S3 {
        Value::Null
    } else {
        json!(format!(
            "arn:aws:kms:{}:{account}:alias/{}",
            dataset.region, dataset.kms_alias
        ))
    };
    let mut statements = vec![
        json!({
            "Sid": "DatasetBucket",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
        }),
        json!({
            "Sid": "DatasetCatalog",
            "Effect": "Allow",
            "Action": ["glue:Get*", "glue:BatchGet*", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:BatchCreatePartition", "lakeformation:GetDataAccess"],
            "Resource": "*"
        }),
    ];
    if !key_arn.is_null() {
        statements.push(json!({
            "Sid": "DatasetKey",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": key_arn
        }));
    }
    resources.insert(
        "DatasetRole".into(),
        json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": dataset.iam_role_name,
                "Description": format!("Role of dataset {} ({})", dataset.label, dataset.uri),
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": TRUSTED_SERVICES}, "Action": "sts:AssumeRole"},
                        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "sts:AssumeRole"}
                    ]
                },
                "Policies": [{"PolicyName": "dataset-access", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
                "Tags": [{"Key": "Dataset", "Value": dataset.uri}, {"Key": "Team", "Value": dataset.owner_team}]
            }
        }),
    );
    outputs.insert(
        "RoleArn".into(),
        json!({"Value": {"Fn::GetAtt": ["DatasetRole", "Arn"]}}),
    );
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("Data workspace dataset {} ({})", dataset.label, dataset.uri),
        "Resources": resources,
        "Outputs": outputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment() -> Environment {
        Environment {
            uri: "ab12cd34".into(),
            organization_uri: "org00001".into(),
            label: "Data Science".into(),
            description: String::new(),
            tags: vec![],
            aws_account_id: "333333333333".into(),
            region: "eu-west-1".into(),
            admin_team: "DataScienceAdmin".into(),
            resource_prefix: "dataall".into(),
            owner: "ds-admin".into(),
            default_bucket_name: "dataall-data-science-ab12cd34".into(),
            admin_role_name: "dataall-data-science-ab12cd34".into(),
            admin_role_arn: String::new(),
            athena_workgroup: String::new(),
            created: String::new(),
            updated: String::new(),
            version: 1,
        }
    }

    fn team(name: &str) -> EnvironmentTeam {
        EnvironmentTeam {
            environment_uri: "ab12cd34".into(),
            team: name.into(),
            permissions: vec![],
            iam_role_name: format!("dataall-{}-ab12cd34", name.to_lowercase()),
            iam_role_arn: String::new(),
            athena_workgroup: String::new(),
            is_admin_team: false,
            invited_by: "ds-admin".into(),
            created: String::new(),
            updated: String::new(),
        }
    }

    #[test]
    fn one_tagged_role_per_team() {
        let template = environment_template(&environment(), &[team("TeamA"), team("TeamB")]);
        let resources = template["Resources"].as_object().unwrap();
        let roles: Vec<&Value> = resources
            .values()
            .filter(|r| r["Type"] == "AWS::IAM::Role")
            .collect();
        assert_eq!(roles.len(), 2);
        assert_eq!(
            roles[0]["Properties"]["Tags"][0],
            json!({"Key": "Team", "Value": "TeamA"})
        );
        assert_eq!(roles[1]["Properties"]["RoleName"], "dataall-teamb-ab12cd34");
    }

    #[test]
    fn bucket_requires_tls() {
        let template = environment_template(&environment(), &[]);
        let statement = &template["Resources"]["EnvironmentBucketPolicy"]["Properties"]["PolicyDocument"]
            ["Statement"][0];
        assert_eq!(statement["Effect"], "Deny");
        assert_eq!(
            statement["Condition"]["Bool"]["aws:SecureTransport"],
            "false"
        );
    }
}
