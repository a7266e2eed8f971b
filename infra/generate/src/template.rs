//! The SAM template: its parameters, the resources every deployment has once (table, user
//! pool, REST API, email identity, alarm topic) and its outputs. The functions and state
//! machines come from `functions` and `state_machines`.

use serde_json::{Map, Value, json};
use shared::error::ApiError;
use shared::identity::TENANT_ADMIN_GROUP;
use shared::store::{KEY_ATTRIBUTES, TTL_ATTRIBUTE, TableDefinition};

use crate::{StateMachineFile, functions, state_machines};

/// Logical IDs of the resources that functions and state machines refer to.
pub const TABLE: &str = "Table";
pub const API: &str = "Api";
pub const USER_POOL: &str = "UserPool";
pub const ALARM_TOPIC: &str = "AlarmTopic";

/// Parameter names.
pub const PIVOT_ROLE_NAME: &str = "PivotRoleName";
pub const PIVOT_ROLE_EXTERNAL_ID: &str = "PivotRoleExternalId";
pub const EMAIL_SENDER: &str = "EmailSender";

/// The API Gateway stage, the first segment of every API URL path.
pub const STAGE_NAME: &str = "api";
/// Lambda runtime and architecture of every function: cargo-lambda builds an arm64
/// `bootstrap` executable for the OS-only runtime.
pub const RUNTIME: &str = "provided.al2023";
pub const ARCHITECTURE: &str = "arm64";
/// Timeout of the API functions, in seconds: API Gateway stops waiting for a REST
/// integration after 29 seconds by default.
pub const API_FUNCTION_TIMEOUT: u32 = 29;

/// Builds the template.
pub fn template(state_machines: &[StateMachineFile]) -> Result<Value, String> {
    let mut resources = Map::new();
    insert(&mut resources, TABLE, table())?;
    insert(&mut resources, USER_POOL, user_pool())?;
    insert(&mut resources, "UserPoolClient", user_pool_client())?;
    insert(
        &mut resources,
        "AdministratorsGroup",
        administrators_group(),
    )?;
    insert(&mut resources, API, api())?;
    insert(&mut resources, "SenderIdentity", sender_identity())?;
    insert(&mut resources, ALARM_TOPIC, alarm_topic())?;
    insert(&mut resources, "AlarmSubscription", alarm_subscription())?;
    insert(&mut resources, "ApiServerErrorsAlarm", api_errors_alarm())?;
    functions::add(&mut resources, state_machines)?;
    state_machines::add(&mut resources, state_machines)?;

    Ok(json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": "Data workspace: the REST API, its functions, the table, the workflows and their schedules in the central account",
        "Parameters": parameters(),
        "Conditions": {
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
        },
        "Globals": {
            "Function": {
                "Runtime": RUNTIME,
                "Architectures": [ARCHITECTURE],
                "Handler": "bootstrap",
                "MemorySize": 256,
                "Timeout": API_FUNCTION_TIMEOUT,
                "Environment": {"Variables": {"TABLE_NAME": {"Ref": TABLE}}}
            }
        },
        "Resources": resources,
        "Outputs": outputs(),
    }))
}

/// Adds a resource, failing when its logical ID is taken.
pub fn insert(
    resources: &mut Map<String, Value>,
    logical_id: &str,
    resource: Value,
) -> Result<(), String> {
    if resources.insert(logical_id.to_owned(), resource).is_some() {
        return Err(format!("two resources have the logical ID {logical_id}"));
    }
    Ok(())
}

/// Builds a `Ref` to a resource or parameter.
pub fn reference(name: &str) -> Value {
    json!({"Ref": name})
}

/// Builds an `Fn::GetAtt` of a resource attribute.
pub fn attribute(logical_id: &str, name: &str) -> Value {
    json!({"Fn::GetAtt": [logical_id, name]})
}

fn parameters() -> Value {
    json!({
        PIVOT_ROLE_NAME: {
            "Type": "String",
            "Default": "dataallPivotRole",
            "AllowedPattern": "^[\\w+=,.@-]{1,64}$",
            "Description": "Name of the role that each environment account creates with infra/pivot-role.yaml, which the functions assume there"
        },
        PIVOT_ROLE_EXTERNAL_ID: {
            "Type": "String",
            "NoEcho": true,
            "AllowedPattern": "^[\\w+=,.@:/-]{2,1224}$",
            "Description": "External id that the pivot roles require; deploy infra/pivot-role.yaml with the same value"
        },
        EMAIL_SENDER: {
            "Type": "String",
            "AllowedPattern": "^[^@\\s]+@[^@\\s]+$",
            "Description": "Email address the product sends from; SES sends a verification link to it"
        },
        "AlarmEmail": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": "^([^@\\s]+@[^@\\s]+)?$",
            "Description": "Email address subscribed to the alarm topic; empty subscribes none"
        }
    })
}

/// Builds the table of `shared::store`, with the keys and indexes of its `TableDefinition`
/// and its time to live attribute.
fn table() -> Value {
    let (partition_key, sort_key) = TableDefinition::KEYS;
    let key_schema = |partition: &str, sort: &str| {
        json!([
            {"AttributeName": partition, "KeyType": "HASH"},
            {"AttributeName": sort, "KeyType": "RANGE"}
        ])
    };
    let indexes: Vec<Value> = TableDefinition::INDEXES
        .iter()
        .map(|index| {
            let (partition, sort) = index.key_names();
            json!({
                "IndexName": index.name(),
                "KeySchema": key_schema(partition, sort),
                "Projection": {"ProjectionType": "ALL"}
            })
        })
        .collect();
    let attributes: Vec<Value> = KEY_ATTRIBUTES
        .iter()
        .map(|name| json!({"AttributeName": name, "AttributeType": "S"}))
        .collect();
    json!({
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": attributes,
            "KeySchema": key_schema(partition_key, sort_key),
            "GlobalSecondaryIndexes": indexes,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": true}
        }
    })
}

/// Builds the user pool. Only administrators create users, because teams are the pool's
/// groups and a self-registered user would belong to none.
fn user_pool() -> Value {
    json!({
        "Type": "AWS::Cognito::UserPool",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "UserPoolName": {"Fn::Sub": "${AWS::StackName}-users"},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true},
            "AutoVerifiedAttributes": ["email"],
            "Schema": [
                {"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}
            ],
            "UsernameConfiguration": {"CaseSensitive": false},
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireLowercase": true,
                    "RequireUppercase": true,
                    "RequireNumbers": true,
                    "RequireSymbols": false,
                    "TemporaryPasswordValidityDays": 7
                }
            },
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
            }
        }
    })
}

/// Builds the app client that users sign in with, for example with
/// `aws cognito-idp initiate-auth`.
fn user_pool_client() -> Value {
    json!({
        "Type": "AWS::Cognito::UserPoolClient",
        "Properties": {
            "UserPoolId": reference(USER_POOL),
            "ClientName": {"Fn::Sub": "${AWS::StackName}-api"},
            "GenerateSecret": false,
            "ExplicitAuthFlows": [
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH"
            ],
            "PreventUserExistenceErrors": "ENABLED",
            "IdTokenValidity": 60,
            "AccessTokenValidity": 60,
            "RefreshTokenValidity": 30,
            "TokenValidityUnits": {
                "IdToken": "minutes",
                "AccessToken": "minutes",
                "RefreshToken": "days"
            }
        }
    })
}

fn administrators_group() -> Value {
    json!({
        "Type": "AWS::Cognito::UserPoolGroup",
        "Properties": {
            "UserPoolId": reference(USER_POOL),
            "GroupName": TENANT_ADMIN_GROUP,
            "Description": "Tenant administrators, who hold every tenant permission"
        }
    })
}

/// Builds the REST API. SAM builds its OpenAPI body from the functions' `Api` events and
/// puts the Cognito authorizer on every method.
fn api() -> Value {
    json!({
        "Type": "AWS::Serverless::Api",
        "Properties": {
            "Name": {"Fn::Sub": "${AWS::StackName}-api"},
            "StageName": STAGE_NAME,
            // An explicit version keeps SAM from adding a stage named "Stage".
            "OpenApiVersion": "3.0.1",
            "EndpointConfiguration": {"Type": "REGIONAL"},
            "Auth": {
                "DefaultAuthorizer": "CognitoAuthorizer",
                "AddDefaultAuthorizerToCorsPreflight": false,
                "Authorizers": {
                    "CognitoAuthorizer": {"UserPoolArn": attribute(USER_POOL, "Arn")}
                }
            },
            "GatewayResponses": gateway_responses()
        }
    })
}

/// Builds the responses that API Gateway returns without calling a function, in the error
/// shape of `shared::error`.
fn gateway_responses() -> Value {
    let response = |error: ApiError, message: &str| {
        json!({
            "StatusCode": error.status().to_string(),
            "ResponseTemplates": {
                "application/json": format!(
                    "{{\"error\": {{\"code\": \"{}\", \"message\": {message}}}}}",
                    error.code()
                )
            }
        })
    };
    // `$context.error.messageString` is API Gateway's message as a quoted JSON string.
    json!({
        "UNAUTHORIZED": response(
            ApiError::Unauthenticated(String::new()),
            "$context.error.messageString"
        ),
        "ACCESS_DENIED": response(
            ApiError::UnauthorizedOperation(String::new()),
            "$context.error.messageString"
        ),
        // API Gateway returns this response type for an unknown method or path.
        "MISSING_AUTHENTICATION_TOKEN": response(
            ApiError::ResourceNotFound(String::new()),
            "\"no operation matches the request method and path\""
        ),
        "DEFAULT_5XX": response(ApiError::internal(""), "$context.error.messageString")
    })
}

fn sender_identity() -> Value {
    json!({
        "Type": "AWS::SES::EmailIdentity",
        "Properties": {"EmailIdentity": reference(EMAIL_SENDER)}
    })
}

fn alarm_topic() -> Value {
    json!({
        "Type": "AWS::SNS::Topic",
        "Properties": {"DisplayName": {"Fn::Sub": "${AWS::StackName} alarms"}}
    })
}

fn alarm_subscription() -> Value {
    json!({
        "Type": "AWS::SNS::Subscription",
        "Condition": "HasAlarmEmail",
        "Properties": {
            "TopicArn": reference(ALARM_TOPIC),
            "Protocol": "email",
            "Endpoint": reference("AlarmEmail")
        }
    })
}

/// Builds the alarm on the API's 5xx responses. Handlers turn unexpected faults into 500
/// responses without failing the invocation, so the functions' `Errors` alarms miss them.
fn api_errors_alarm() -> Value {
    alarm(
        "Server errors (status 5xx) of the REST API, including InternalError responses of handlers",
        "AWS/ApiGateway",
        "5XXError",
        json!([
            {"Name": "ApiName", "Value": {"Fn::Sub": "${AWS::StackName}-api"}},
            {"Name": "Stage", "Value": STAGE_NAME}
        ]),
    )
}

/// Builds an alarm that notifies the alarm topic when the metric's sum over five minutes
/// is 1 or more.
pub fn alarm(description: &str, namespace: &str, metric: &str, dimensions: Value) -> Value {
    json!({
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": dimensions,
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [reference(ALARM_TOPIC)]
        }
    })
}

fn outputs() -> Value {
    json!({
        "ApiUrl": {
            "Description": "Base URL of the REST API",
            "Value": {"Fn::Sub": format!("https://${{{API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{STAGE_NAME}")}
        },
        "UserPoolId": {"Description": "The Cognito user pool", "Value": reference(USER_POOL)},
        "UserPoolClientId": {
            "Description": "The app client to sign in with",
            "Value": reference("UserPoolClient")
        },
        "TableName": {"Description": "The DynamoDB table", "Value": reference(TABLE)},
        "StackDeployStateMachineArn": {
            "Description": "The state machine that deploys environment stacks",
            "Value": reference(&state_machines::logical_id(state_machines::STACK_DEPLOY))
        },
        "AlarmTopicArn": {"Description": "The SNS topic of every alarm", "Value": reference(ALARM_TOPIC)},
        "CentralAccountId": {
            "Description": "This account, which the pivot roles of environment accounts trust",
            "Value": reference("AWS::AccountId")
        }
    })
}
