//! What a stack deployment needs to know about its target: the account, the stack name, the
//! template and tags, and the steps that follow a successful deployment.

use aws_sdk_cloudformation::types::Tag;
use serde_json::json;
use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::domain::datasets::{self, Dataset};
use shared::domain::environments::{self, Environment};
use shared::names::{NamePattern, compliant_name};
use shared::shares::policies::{KeyStatement, shared_principals};
use shared::worker::WorkerError;

use crate::internal;
use crate::template::{self, SharePrincipals};

/// A target whose stack is deployed.
pub enum Deployment {
    Environment(Environment),
    Dataset {
        dataset: Box<Dataset>,
        environment: Environment,
    },
}

impl Deployment {
    /// Loads the target, failing with `EnvironmentNotFound` or `DatasetNotFound`.
    pub async fn load(
        context: &AppContext,
        target_type: &str,
        uri: &str,
    ) -> Result<Self, WorkerError> {
        match target_type {
            "environment" => Ok(Deployment::Environment(
                load_environment(context, uri).await?,
            )),
            "dataset" => {
                let dataset = datasets::get(&context.store, uri)
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| {
                        WorkerError::new("DatasetNotFound", format!("dataset {uri} not found"))
                    })?;
                let environment = load_environment(context, &dataset.environment_uri).await?;
                Ok(Deployment::Dataset {
                    dataset: Box::new(dataset),
                    environment,
                })
            }
            other => Err(WorkerError::invalid_input(format!(
                "targetType {other:?} is not one of \"environment\", \"dataset\""
            ))),
        }
    }

    pub fn target_type(&self) -> &'static str {
        match self {
            Deployment::Environment(_) => "environment",
            Deployment::Dataset { .. } => "dataset",
        }
    }

    pub fn target_uri(&self) -> &str {
        match self {
            Deployment::Environment(environment) => &environment.uri,
            Deployment::Dataset { dataset, .. } => &dataset.uri,
        }
    }

    pub fn environment(&self) -> &Environment {
        match self {
            Deployment::Environment(environment) | Deployment::Dataset { environment, .. } => {
                environment
            }
        }
    }

    /// Returns the stack name: `<prefix>-<targetType>-<uri>`.
    pub fn stack_name(&self) -> String {
        compliant_name(
            &self.environment().resource_prefix,
            self.target_type(),
            self.target_uri(),
            NamePattern::Default,
        )
    }

    /// Renders the template with the current teams of the environment.
    pub async fn template(&self, context: &AppContext) -> Result<String, WorkerError> {
        let value = match self {
            Deployment::Environment(environment) => {
                let teams = environments::teams(&context.store, &environment.uri)
                    .await
                    .map_err(internal)?;
                template::environment_template(environment, &teams)
            }
            Deployment::Dataset { dataset, .. } => {
                template::dataset_template(dataset, &share_principals(context, dataset).await?)
            }
        };
        Ok(value.to_string())
    }

    /// Returns the stack tags: the key-value tags of the target and its own id.
    pub async fn tags(&self, context: &AppContext) -> Result<Vec<Tag>, WorkerError> {
        let stored = environments::tags(&context.store, self.target_uri())
            .await
            .map_err(internal)?;
        let own = Tag::builder()
            .key(format!("dataall-{}", self.target_type()))
            .value(self.target_uri())
            .build();
        Ok(stored
            .iter()
            .map(|tag| Tag::builder().key(&tag.key).value(&tag.value).build())
            .chain(std::iter::once(own))
            .collect())
    }

    /// Creates what the stack cannot hold, once it is deployed: the Athena workgroup of each
    /// team of an environment (the emulator's CloudFormation has no Athena resources), and
    /// the Glue database of a dataset with its Lake Formation grants (created through the
    /// Glue API so their Lake Formation settings stay under the product's control).
    /// Every step accepts work that is already done.
    pub async fn after_deploy(
        &self,
        context: &AppContext,
        clients: &AwsClients,
    ) -> Result<(), WorkerError> {
        match self {
            Deployment::Environment(environment) => {
                ensure_workgroups(context, clients, environment).await
            }
            Deployment::Dataset {
                dataset,
                environment,
            } => {
                ensure_glue_database(clients, dataset).await?;
                let owner_role =
                    environments::team(&context.store, &environment.uri, &dataset.owner_team)
                        .await
                        .map_err(internal)?
                        .map(|team| team.iam_role_arn);
                let mut principals = vec![dataset.iam_role_arn.clone()];
                principals.extend(owner_role);
                for principal in principals {
                    grant_database(clients, dataset, &principal).await?;
                }
                Ok(())
            }
        }
    }
}

/// Lists the principal role ARNs of the dataset's shared folders and buckets.
async fn share_principals(
    context: &AppContext,
    dataset: &Dataset,
) -> Result<SharePrincipals, WorkerError> {
    let principals = |statement: KeyStatement| {
        shared_principals(&context.store, &dataset.uri, statement.item_type(), None)
    };
    Ok(SharePrincipals {
        folders: principals(KeyStatement::AccessPoint)
            .await
            .map_err(internal)?,
        buckets: principals(KeyStatement::Bucket).await.map_err(internal)?,
    })
}

async fn load_environment(context: &AppContext, uri: &str) -> Result<Environment, WorkerError> {
    environments::get(&context.store, uri)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            WorkerError::new(
                "EnvironmentNotFound",
                format!("environment {uri} not found"),
            )
        })
}

async fn ensure_workgroups(
    context: &AppContext,
    clients: &AwsClients,
    environment: &Environment,
) -> Result<(), WorkerError> {
    let athena = clients.athena();
    for team in environments::teams(&context.store, &environment.uri)
        .await
        .map_err(internal)?
    {
        let output = format!(
            "s3://{}/athenaqueries/{}/",
            environment.default_bucket_name, team.athena_workgroup
        );
        let configuration = aws_sdk_athena::types::WorkGroupConfiguration::builder()
            .result_configuration(
                aws_sdk_athena::types::ResultConfiguration::builder()
                    .output_location(output)
                    .build(),
            )
            .enforce_work_group_configuration(true)
            .build();
        let result = athena
            .create_work_group()
            .name(&team.athena_workgroup)
            .configuration(configuration)
            .description(format!(
                "Athena workgroup of team {} in environment {}",
                team.team, environment.uri
            ))
            .send()
            .await;
        match result {
            Ok(_) => tracing::info!(workgroup = %team.athena_workgroup, "Athena workgroup created"),
            Err(error) if error_chain(&error).contains("already") => {}
            Err(error) => return Err(crate::aws_failure("CreateWorkGroup", &error)),
        }
    }
    Ok(())
}

async fn ensure_glue_database(clients: &AwsClients, dataset: &Dataset) -> Result<(), WorkerError> {
    if dataset.imported_glue_database {
        return Ok(());
    }
    let input = aws_sdk_glue::types::DatabaseInput::builder()
        .name(&dataset.glue_database_name)
        .description(format!(
            "Database of dataset {} ({})",
            dataset.label, dataset.uri
        ))
        .location_uri(format!("s3://{}/", dataset.bucket_name))
        .build()
        .map_err(internal)?;
    match clients
        .glue()
        .create_database()
        .database_input(input)
        .send()
        .await
    {
        Ok(_) => {
            tracing::info!(dataset_uri = %dataset.uri, database = %dataset.glue_database_name, "Glue database created");
            Ok(())
        }
        Err(error) if error_chain(&error).contains("AlreadyExists") => Ok(()),
        Err(error) => Err(crate::aws_failure("CreateDatabase", &error)),
    }
}

async fn grant_database(
    clients: &AwsClients,
    dataset: &Dataset,
    principal: &str,
) -> Result<(), WorkerError> {
    use aws_sdk_lakeformation::types::{DataLakePrincipal, DatabaseResource, Permission, Resource};
    let resource = Resource::builder()
        .database(
            DatabaseResource::builder()
                .name(&dataset.glue_database_name)
                .build()
                .map_err(internal)?,
        )
        .build();
    clients
        .lakeformation()
        .grant_permissions()
        .principal(
            DataLakePrincipal::builder()
                .data_lake_principal_identifier(principal)
                .build(),
        )
        .resource(resource)
        .permissions(Permission::All)
        .permissions_with_grant_option(Permission::All)
        .send()
        .await
        .map_err(|error| crate::aws_failure("GrantPermissions", &error))?;
    tracing::info!(dataset_uri = %dataset.uri, %principal, "Lake Formation database access granted");
    Ok(())
}

/// Returns a short JSON summary of the deployment for the state machine.
pub fn summary(deployment: &Deployment, extra: serde_json::Value) -> serde_json::Value {
    let mut value = json!({
        "targetType": deployment.target_type(),
        "targetUri": deployment.target_uri(),
        "stackName": deployment.stack_name(),
    });
    if let (Some(object), Some(more)) = (value.as_object_mut(), extra.as_object()) {
        object.extend(more.clone());
    }
    value
}
