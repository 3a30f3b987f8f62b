//! The ports as the deployed functions meet them: each AWS adapter over its SDK client, behind
//! its cargo feature, so a function binary links only the SDK crates it calls; and Slack's Web
//! API, the chat port in AWS.

#[cfg(feature = "aws-cognito")]
mod cognito;
#[cfg(feature = "aws-dynamodb")]
mod dynamodb;
#[cfg(feature = "aws-rekognition")]
mod rekognition;
#[cfg(feature = "aws-s3")]
mod s3;
#[cfg(feature = "aws-secrets")]
mod secrets;
#[cfg(feature = "aws-ses")]
mod ses;
#[cfg(feature = "slack-web")]
pub mod slack_web;
#[cfg(feature = "aws-dynamodb")]
mod warm_up;

#[cfg(feature = "aws-cognito")]
pub use cognito::CognitoDirectory;
#[cfg(feature = "aws-dynamodb")]
pub use dynamodb::{DynamoStore, create_tables};
#[cfg(feature = "aws-rekognition")]
pub use rekognition::RekognitionFaces;
#[cfg(feature = "aws-s3")]
pub use s3::S3BlobStore;
#[cfg(feature = "aws-secrets")]
pub use secrets::{SLACK_SECRET_VAR, SlackSecrets, slack_secrets};
#[cfg(feature = "aws-ses")]
pub use ses::SesMailer;
#[cfg(feature = "aws-dynamodb")]
pub use warm_up::WARM_UP_VAR;

/// The shared SDK configuration, loaded once at init (region, credentials, `AWS_ENDPOINT_URL`).
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// The error code and message of an SDK error, for mapping and for logs.
#[cfg(any(
    feature = "aws-dynamodb",
    feature = "aws-s3",
    feature = "aws-ses",
    feature = "aws-cognito",
    feature = "aws-rekognition",
    feature = "aws-secrets"
))]
pub(crate) fn describe<E, R>(
    e: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> (String, String)
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;
    let code = e.code().unwrap_or("").to_string();
    let message = format!(
        "{}",
        aws_smithy_types::error::display::DisplayErrorContext(e)
    );
    (code, message)
}

/// Error codes that mean "slow down and retry".
#[cfg(any(
    feature = "aws-dynamodb",
    feature = "aws-ses",
    feature = "aws-cognito",
    feature = "aws-rekognition"
))]
pub(crate) const THROTTLING: [&str; 6] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "LimitExceededException",
    "TransactionConflictException",
];
