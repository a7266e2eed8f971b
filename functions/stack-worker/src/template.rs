//! CloudFormation templates of environment and dataset stacks.
//!
//! An environment stack holds the environment bucket (encrypted, TLS only), the admin team's
//! IAM role and one IAM role per invited team, each tagged `Team=<team>`. A dataset stack
//! holds the dataset's KMS key and alias, its bucket (encrypted with that key, TLS only) and
//! the dataset IAM role; for an imported dataset, only the role. The bucket and key are
//! retained when the stack is deleted, so deleting a dataset never deletes its data. The
//! bucket policy and the key policy name the principals of the dataset's shared buckets and
//! folders, as the share worker writes them, so that a stack update keeps those shares.

use serde_json::{Map, Value, json};
use shared::domain::datasets::Dataset;
use shared::domain::environments::{Environment, EnvironmentTeam};
use shared::shares::policies::{KeyStatement, bucket_share_statement};

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

/// The principal role ARNs of a dataset's shared items, which its bucket policy and key policy
/// name so that a stack update keeps what the share worker wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharePrincipals {
    /// Principals of shared folders, which read through S3 access points.
    pub folders: Vec<String>,
    /// Principals of shared whole buckets.
    pub buckets: Vec<String>,
}

impl SharePrincipals {
    /// Returns the principals that a key policy statement names.
    fn of(&self, statement: KeyStatement) -> &[String] {
        match statement {
            KeyStatement::AccessPoint => &self.folders,
            KeyStatement::Bucket => &self.buckets,
        }
    }
}

/// Adds the KMS key, its alias, the bucket and its policy of a new dataset, and returns the
/// key's ARN.
fn dataset_storage(
    dataset: &Dataset,
    resources: &mut Map<String, Value>,
    outputs: &mut Map<String, Value>,
    share_principals: &SharePrincipals,
) -> Value {
    let bucket = &dataset.bucket_name;
    let account = &dataset.aws_account_id;
    let mut key_policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AccountAdministers",
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
            "Action": "kms:*",
            "Resource": "*"
        }]
    });
    // The principals of shared folders and buckets, which the share worker also writes at once.
    for statement in KeyStatement::ALL {
        statement.write_into(&mut key_policy, share_principals.of(statement));
    }
    resources.insert(
        "DatasetKey".into(),
        json!({
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": format!("Key of dataset {} ({})", dataset.label, dataset.uri),
                "EnableKeyRotation": true,
                "KeyPolicy": key_policy
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
        statements.extend(bucket_share_statement(bucket, &share_principals.buckets));
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
pub fn dataset_template(dataset: &Dataset, share_principals: &SharePrincipals) -> Value {
    let bucket = &dataset.bucket_name;
    let account = &dataset.aws_account_id;
    let mut resources = Map::new();
    let mut outputs = Map::new();
    let key_arn = if !dataset.imported {
        dataset_storage(dataset, &mut resources, &mut outputs, share_principals)
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

    fn dataset() -> Dataset {
        Dataset {
            uri: "da12ta34".into(),
            environment_uri: "ab12cd34".into(),
            organization_uri: "org00001".into(),
            label: "Sales".into(),
            description: String::new(),
            tags: vec![],
            topics: vec![],
            confidentiality: "Unclassified".into(),
            owner_team: "DataPlatformAdmin".into(),
            stewards_team: String::new(),
            auto_approval: false,
            owner: "dataall-admin".into(),
            aws_account_id: "222222222222".into(),
            region: "eu-west-1".into(),
            bucket_name: "dataall-sales-da12ta34".into(),
            glue_database_name: "dataall_sales_da12ta34".into(),
            kms_alias: "dataall-sales-da12ta34".into(),
            iam_role_name: "dataall-sales-da12ta34".into(),
            iam_role_arn: String::new(),
            imported: false,
            imported_glue_database: false,
            created: String::new(),
            updated: String::new(),
            version: 1,
        }
    }

    fn key_statements(template: &Value) -> Vec<Value> {
        template["Resources"]["DatasetKey"]["Properties"]["KeyPolicy"]["Statement"]
            .as_array()
            .unwrap()
            .clone()
    }

    fn find<'a>(statements: &'a [Value], sid: &str) -> Option<&'a Value> {
        statements.iter().find(|statement| statement["Sid"] == sid)
    }

    #[test]
    fn key_policy_names_share_principals() {
        let principals = SharePrincipals {
            folders: vec!["arn:aws:iam::333333333333:role/team-a".into()],
            buckets: vec![
                "arn:aws:iam::333333333333:role/team-a".into(),
                "arn:aws:iam::333333333333:role/team-b".into(),
            ],
        };
        let template = dataset_template(&dataset(), &principals);
        let statements = key_statements(&template);
        assert_eq!(statements.len(), 3, "{statements:?}");
        assert!(find(&statements, "AccountAdministers").is_some());
        let folders = find(&statements, "DataAll-Access-Point-KMS-Decrypt")
            .expect("the access point statement is rendered");
        assert_eq!(folders["Principal"]["AWS"], json!(principals.folders));
        assert_eq!(folders["Action"], "kms:Decrypt");
        assert_eq!(folders["Resource"], "*");
        let buckets = find(&statements, "DataAll-Bucket-KMS-Decrypt")
            .expect("the bucket statement is rendered");
        assert_eq!(buckets["Principal"]["AWS"], json!(principals.buckets));
    }

    #[test]
    fn key_policy_without_share_principals() {
        let template = dataset_template(&dataset(), &SharePrincipals::default());
        let statements = key_statements(&template);
        assert_eq!(statements.len(), 1, "{statements:?}");
        assert_eq!(statements[0]["Sid"], "AccountAdministers");
        let bucket_statements = template["Resources"]["DatasetBucketPolicy"]["Properties"]
            ["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        assert!(find(bucket_statements, "BucketShares").is_none());
    }

    #[test]
    fn only_folder_principals_render_one_statement() {
        let principals = SharePrincipals {
            folders: vec!["arn:aws:iam::333333333333:role/team-a".into()],
            buckets: vec![],
        };
        let statements = key_statements(&dataset_template(&dataset(), &principals));
        assert!(find(&statements, "DataAll-Access-Point-KMS-Decrypt").is_some());
        assert!(find(&statements, "DataAll-Bucket-KMS-Decrypt").is_none());
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
