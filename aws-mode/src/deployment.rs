//! One deployment on the emulator, as AWS mode runs it: moto started, the template's world made,
//! the operator and each function's role session made, moto's IAM enforcement switched on, and
//! the front judging each function's calls by the template's statements. `template` may differ
//! from the compiled-in one only in its statements (a test withholding a grant).

use std::collections::{BTreeMap, HashMap};

use aws_config::SdkConfig;
use serde_norway::Value as Yaml;

use crate::front::{self, Front};
use crate::grants::Grants;
use crate::moto::MotoServer;
use crate::rekognition::RekognitionServer;
use crate::roles::{self, Session};
use crate::template::functions;
use crate::world::{self, World};

pub struct Deployment {
    pub world: World,
    /// Signs as the operator, straight to the emulator (set-up and reading back).
    pub operator: SdkConfig,
    /// Each function's session, by logical id.
    pub sessions: BTreeMap<String, Session>,
    pub front: Front,
    /// Rekognition, which moto lacks: the front sends `rekognition` calls here.
    pub faces: RekognitionServer,
    /// Last, so the emulator stops after everything that talks to it.
    pub moto: MotoServer,
}

/// A folder of its own for one deployment's face collections.
fn face_state() -> std::path::PathBuf {
    static DEPLOYMENTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = DEPLOYMENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("genese-aws-mode-faces-{}-{n}", std::process::id()))
}

impl Deployment {
    /// Starts a deployment of `template` named `stack`.
    pub async fn start(template: &Yaml, stack: &str) -> Result<Deployment, String> {
        let moto = MotoServer::start();
        let config = moto.sdk_config().await;
        let world = world::make(&config, stack).await?;
        let operator = roles::operator(&config).await?;
        // Each function's grants, read once: moto's copy of its role and the front judge by them.
        let grants: BTreeMap<String, Grants> = functions()
            .into_iter()
            .map(|(id, _)| (id.to_string(), Grants::of(template, &world.names, id)))
            .collect();
        let sessions = roles::assume(&config, &world.names, &grants).await?;
        roles::enforce(&moto.endpoint).await?;
        let identities = front::identities(&grants, &sessions);
        let secrets = HashMap::from([(world.slack.name.clone(), world.slack.arn.clone())]);
        let faces = RekognitionServer::start_in_account(
            &embedded_adapters::face_data_dir(),
            &face_state(),
            &world.names.account,
        )?;
        let elsewhere = HashMap::from([("rekognition".to_string(), faces.endpoint().to_string())]);
        let front = Front::start(
            &moto.endpoint,
            &world.names.account,
            identities,
            secrets,
            elsewhere,
        )
        .await
        .map_err(|e| format!("front: {e}"))?;
        Ok(Deployment {
            world,
            operator,
            sessions,
            front,
            faces,
            moto,
        })
    }

    /// A confirmed user with no group, as self sign-up leaves one (the PreSignUp trigger aside):
    /// the username the pool made for it.
    pub async fn signed_up(&self, email: &str, password: &str) -> Result<String, String> {
        use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&self.operator);
        let pool = &self.world.pool.id;
        let email_attribute = AttributeType::builder()
            .name("email")
            .value(email)
            .build()
            .map_err(|e| e.to_string())?;
        let made = cognito
            .admin_create_user()
            .user_pool_id(pool)
            .username(email)
            .user_attributes(email_attribute)
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .map_err(|e| format!("AdminCreateUser: {e:?}"))?;
        cognito
            .admin_set_user_password()
            .user_pool_id(pool)
            .username(email)
            .password(password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| format!("AdminSetUserPassword: {e:?}"))?;
        made.user()
            .and_then(|u| u.username())
            .map(str::to_string)
            .ok_or_else(|| "AdminCreateUser: no username".to_string())
    }

    /// SDK configuration signing as `function`'s session, through the front.
    pub fn as_function(&self, function: &str) -> SdkConfig {
        let session = &self.sessions[function];
        let credentials = aws_sdk_dynamodb::config::Credentials::new(
            &session.access_key,
            &session.secret_key,
            Some(session.session_token.clone()),
            None,
            "aws-mode-session",
        );
        self.operator
            .to_builder()
            .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
                credentials,
            ))
            .endpoint_url(self.front.endpoint())
            .build()
    }
}
