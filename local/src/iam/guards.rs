//! Each function's ports behind its role: every call is checked, before it reaches the stand-in,
//! against the IAM actions the AWS adapter makes for it, on the resources the function's
//! environment names. A call outside the role fails as AWS fails it (AccessDenied, which the
//! adapters treat as a fault, so a 500), and is logged with what was missing.
//!
//! The action lists mirror the AWS adapters in `aws_adapters`: a port call that makes
//! several AWS calls (an enrolment detects, creates the collection on first use and indexes)
//! needs every one of them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use domain::ports::{
    Blob, BlobError, BlobHead, BlobStore, DirectoryError, DirectoryUser, Email, FaceError,
    FaceVerifier, Item, ItemStore, Key, MailError, Mailer, NewUser, Page, PresignedUpload, Query,
    StoreError, Table, TxOp, UserDirectory,
};
use serde_norway::Value;

use aws_mode::grants::Grants;
use aws_mode::names::Names;
use aws_mode::template::{reference, resources};

/// One function's role: its grants, and the resources its environment names.
#[derive(Debug)]
pub struct Role {
    /// The function's logical id, as AccessDenied names the role.
    function: String,
    grants: Grants,
    /// Physical table ARN by logical table, from its `TABLE_<NAME>` variables.
    tables: BTreeMap<Table, String>,
    /// Its bucket (`PHOTO_BUCKET` or `CV_BUCKET`), if any.
    bucket: Option<String>,
    /// Its user pool (`USER_POOL_ID`): the pool a trigger is invoked by otherwise.
    user_pool: String,
    /// The deployment's names (partition, region, account), for ARNs made per call.
    names: &'static Names,
}

impl Role {
    /// The role template.yaml gives the function `function` (a logical id), in the deployment
    /// `names` describes.
    pub fn of(template: &Value, names: &'static Names, function: &str) -> Role {
        let arn = |id: &str| names.arn(id).unwrap_or_else(|e| panic!("{function}: {e}"));
        let env = &template["Resources"][function]["Properties"]["Environment"]["Variables"];
        let referenced = |var: &str| reference(&env[var]).map(str::to_string);
        let tables = Table::ALL
            .into_iter()
            .filter_map(|t| referenced(&t.env_var()).map(|id| (t, arn(&id))))
            .collect();
        let bucket = referenced("PHOTO_BUCKET")
            .or_else(|| referenced("CV_BUCKET"))
            .map(|id| arn(&id));
        // A trigger is invoked by the template's one pool; other functions name theirs.
        let user_pool = referenced("USER_POOL_ID")
            .or_else(|| {
                resources("AWS::Cognito::UserPool")
                    .first()
                    .map(|(id, _)| id.to_string())
            })
            .map(|id| arn(&id))
            .unwrap_or_default();
        Role {
            function: function.to_string(),
            grants: Grants::of(template, names, function),
            tables,
            bucket,
            user_pool,
            names,
        }
    }

    /// Ok if the role may take every one of `actions` on `resource`; else the AccessDenied AWS
    /// would answer, for the first it may not.
    fn may(&self, actions: &[&str], resource: &str) -> Result<(), String> {
        match actions.iter().find(|a| !self.grants.allows(a, resource)) {
            None => Ok(()),
            Some(action) => {
                let denied = format!(
                    "AccessDeniedException: {} is not authorized to perform: {action} on \
                     resource: {resource} (template.yaml grants it nothing that allows it)",
                    self.function
                );
                tracing::error!(function = %self.function, action, resource, "access denied");
                Err(denied)
            }
        }
    }

    /// The ARN of `table`, which the function can only address if its environment names it.
    fn table(&self, table: Table) -> Result<&str, String> {
        self.tables.get(&table).map(String::as_str).ok_or_else(|| {
            format!(
                "{} has no {} in its environment: it cannot address the {} table",
                self.function,
                table.env_var(),
                table.name()
            )
        })
    }

    fn object(&self, key: &str) -> Result<String, String> {
        self.bucket
            .as_ref()
            .map(|b| format!("{b}/{key}"))
            .ok_or_else(|| format!("{} has no bucket in its environment", self.function))
    }
}

/// The item store as `role` may use it.
pub struct GuardedStore {
    pub role: Arc<Role>,
    pub inner: Arc<dyn ItemStore>,
}

impl GuardedStore {
    fn check(&self, action: &str, table: Table, index: Option<&str>) -> Result<(), StoreError> {
        let arn = self.role.table(table).map_err(StoreError::Unavailable)?;
        let resource = match index {
            Some(index) => format!("{arn}/index/{index}"),
            None => arn.to_string(),
        };
        self.role
            .may(&[action], &resource)
            .map_err(StoreError::Unavailable)
    }
}

#[async_trait]
impl ItemStore for GuardedStore {
    async fn get(&self, table: Table, key: &Key) -> Result<Option<Item>, StoreError> {
        self.check("dynamodb:GetItem", table, None)?;
        self.inner.get(table, key).await
    }

    async fn put(
        &self,
        table: Table,
        item: Item,
        condition: domain::ports::Condition,
    ) -> Result<(), StoreError> {
        self.check("dynamodb:PutItem", table, None)?;
        self.inner.put(table, item, condition).await
    }

    async fn delete(
        &self,
        table: Table,
        key: &Key,
        condition: domain::ports::Condition,
    ) -> Result<(), StoreError> {
        self.check("dynamodb:DeleteItem", table, None)?;
        self.inner.delete(table, key, condition).await
    }

    async fn query(&self, table: Table, query: &Query) -> Result<Page, StoreError> {
        self.check("dynamodb:Query", table, query.index)?;
        self.inner.query(table, query).await
    }

    /// IAM has no TransactWriteItems action: AWS authorises each item by its own action.
    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        for op in &ops {
            let (action, table) = match op {
                TxOp::Put { table, .. } => ("dynamodb:PutItem", *table),
                TxOp::Delete { table, .. } => ("dynamodb:DeleteItem", *table),
                TxOp::Check { table, .. } => ("dynamodb:ConditionCheckItem", *table),
            };
            self.check(action, table, None)?;
        }
        self.inner.transact(ops).await
    }
}

/// The user pool as `role` may use it (the Cognito adapter's calls).
pub struct GuardedDirectory {
    pub role: Arc<Role>,
    pub inner: Arc<dyn UserDirectory>,
}

impl GuardedDirectory {
    fn check(&self, actions: &[&str]) -> Result<(), DirectoryError> {
        self.role
            .may(actions, &self.role.user_pool)
            .map_err(DirectoryError::Unavailable)
    }
}

#[async_trait]
impl UserDirectory for GuardedDirectory {
    async fn create_user(&self, user: &NewUser) -> Result<DirectoryUser, DirectoryError> {
        let mut actions = vec!["cognito-idp:AdminCreateUser"];
        if !user.groups.is_empty() {
            actions.push("cognito-idp:AdminAddUserToGroup");
        }
        self.check(&actions)?;
        self.inner.create_user(user).await
    }

    async fn get_user(&self, username: &str) -> Result<DirectoryUser, DirectoryError> {
        self.check(&[
            "cognito-idp:AdminGetUser",
            "cognito-idp:AdminListGroupsForUser",
        ])?;
        self.inner.get_user(username).await
    }

    async fn add_to_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        self.check(&["cognito-idp:AdminAddUserToGroup"])?;
        self.inner.add_to_group(username, group).await
    }

    async fn remove_from_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        self.check(&["cognito-idp:AdminRemoveUserFromGroup"])?;
        self.inner.remove_from_group(username, group).await
    }

    async fn set_attributes(
        &self,
        username: &str,
        attributes: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), DirectoryError> {
        self.check(&["cognito-idp:AdminUpdateUserAttributes"])?;
        self.inner.set_attributes(username, attributes).await
    }

    async fn disable_user(&self, username: &str) -> Result<(), DirectoryError> {
        self.check(&["cognito-idp:AdminDisableUser"])?;
        self.inner.disable_user(username).await
    }

    async fn delete_user(&self, username: &str) -> Result<(), DirectoryError> {
        self.check(&["cognito-idp:AdminDeleteUser"])?;
        self.inner.delete_user(username).await
    }

    async fn app_client_name(&self, client_id: &str) -> Result<String, DirectoryError> {
        self.check(&["cognito-idp:DescribeUserPoolClient"])?;
        self.inner.app_client_name(client_id).await
    }
}

/// The bucket as `role` may use it. S3 answers a missing object with 403, not 404, to a role
/// without `s3:ListBucket` on the bucket; so does this guard.
pub struct GuardedBlobs {
    pub role: Arc<Role>,
    pub inner: Arc<dyn BlobStore>,
}

impl GuardedBlobs {
    fn check(&self, action: &str, key: &str) -> Result<(), BlobError> {
        let object = self.role.object(key).map_err(BlobError::Unavailable)?;
        self.role
            .may(&[action], &object)
            .map_err(BlobError::Unavailable)
    }

    /// A missing object, as a role without ListBucket sees it.
    fn missing<T>(&self, found: Option<T>, key: &str) -> Result<Option<T>, BlobError> {
        let bucket = self.role.bucket.clone().unwrap_or_default();
        match found {
            None if !self.role.grants.allows("s3:ListBucket", &bucket) => {
                Err(BlobError::Unavailable(format!(
                    "AccessDenied: {} has no s3:ListBucket on {bucket}, so S3 answers the \
                     missing `{key}` with 403",
                    self.role.function
                )))
            }
            found => Ok(found),
        }
    }
}

#[async_trait]
impl BlobStore for GuardedBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        self.check("s3:PutObject", key)?;
        self.inner.put(key, bytes, content_type).await
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        self.check("s3:GetObject", key)?;
        let found = self.inner.get(key).await?;
        self.missing(found, key)
    }

    async fn peek(&self, key: &str, len: usize) -> Result<Option<BlobHead>, BlobError> {
        self.check("s3:GetObject", key)?;
        let found = self.inner.peek(key, len).await?;
        self.missing(found, key)
    }

    /// S3's delete of every version: ListObjectVersions on the bucket, then DeleteObject with a
    /// version id for each, which IAM authorises as DeleteObjectVersion.
    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let bucket = self.role.bucket.clone().unwrap_or_default();
        self.role
            .may(&["s3:ListBucketVersions"], &bucket)
            .map_err(BlobError::Unavailable)?;
        self.check("s3:DeleteObjectVersion", key)?;
        self.inner.delete(key).await
    }

    /// A presigned URL carries its signer's permissions: signing needs none, using it does.
    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, BlobError> {
        self.check("s3:GetObject", key)?;
        self.inner.presign_get(key, ttl).await
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        ttl: Duration,
    ) -> Result<PresignedUpload, BlobError> {
        self.check("s3:PutObject", key)?;
        self.inner
            .presign_put(key, content_type, content_length, ttl)
            .await
    }
}

/// The face service as `role` may use it (the Rekognition adapter's calls).
pub struct GuardedFaces {
    pub role: Arc<Role>,
    pub inner: Arc<dyn FaceVerifier>,
}

impl GuardedFaces {
    fn check(&self, actions: &[&str], collection: Option<&str>) -> Result<(), FaceError> {
        // DetectFaces works on no resource; collection calls on the company's collection.
        let resource = match collection {
            Some(c) => self
                .role
                .names
                .arn_in("rekognition", &format!("collection/{c}")),
            None => "*".to_string(),
        };
        self.role
            .may(actions, &resource)
            .map_err(FaceError::Unavailable)
    }
}

#[async_trait]
impl FaceVerifier for GuardedFaces {
    async fn enrol(
        &self,
        collection: &str,
        person: &str,
        jpeg: &[u8],
    ) -> Result<String, FaceError> {
        self.check(&["rekognition:DetectFaces"], None)?;
        self.check(
            &["rekognition:CreateCollection", "rekognition:IndexFaces"],
            Some(collection),
        )?;
        self.inner.enrol(collection, person, jpeg).await
    }

    async fn compare(
        &self,
        collection: &str,
        face_id: &str,
        jpeg: &[u8],
    ) -> Result<f32, FaceError> {
        self.check(&["rekognition:DetectFaces"], None)?;
        self.check(&["rekognition:SearchFacesByImage"], Some(collection))?;
        self.inner.compare(collection, face_id, jpeg).await
    }

    async fn delete(&self, collection: &str, face_ids: &[String]) -> Result<(), FaceError> {
        self.check(&["rekognition:DeleteFaces"], Some(collection))?;
        self.inner.delete(collection, face_ids).await
    }
}

/// SES as `role` may use it: SendEmail on the sender's identity.
pub struct GuardedMailer {
    pub role: Arc<Role>,
    pub inner: Arc<dyn Mailer>,
}

#[async_trait]
impl Mailer for GuardedMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        // The identity is the sender's domain (or address) verified in SES.
        let address = email
            .from
            .rsplit_once('<')
            .map_or(email.from.as_str(), |(_, a)| a.trim_end_matches('>'));
        let domain = address.rsplit_once('@').map_or(address, |(_, d)| d);
        let identity = self.role.names.arn_in("ses", &format!("identity/{domain}"));
        self.role
            .may(&["ses:SendEmail"], &identity)
            .map_err(MailError::Unavailable)?;
        self.inner.send(email).await
    }
}

#[cfg(test)]
mod tests {
    use domain::ports::{Condition, Query};
    use embedded_adapters::SqliteStore;

    use super::*;
    use crate::iam::role;
    use aws_mode::template::functions;

    fn guarded(function: &str) -> GuardedStore {
        let path = testkit::temp_dir("iam").join("tables.sqlite3");
        GuardedStore {
            role: role(function),
            inner: Arc::new(SqliteStore::open(&path).unwrap()),
        }
    }

    fn denied<T: std::fmt::Debug>(result: Result<T, StoreError>) -> String {
        match result {
            Err(StoreError::Unavailable(why)) => why,
            other => panic!("expected AccessDenied, got {other:?}"),
        }
    }

    #[test]
    fn every_function_of_the_template_has_a_role_this_stack_can_read() {
        let functions = functions();
        assert!(functions.len() >= 12);
        for (function, _) in functions {
            // Panics on a policy form the reader does not model.
            let role = role(function);
            assert!(!role.tables.is_empty(), "{function} names no table");
        }
    }

    #[tokio::test]
    async fn calls_outside_the_role_are_denied_as_aws_denies_them() {
        let key = Key::with_sort("acme#u1", "2026-11-24");
        // The Slack function reads someone's day, which its policy allows.
        let slack = guarded("SlackFunction");
        assert_eq!(slack.get(Table::Attendance, &key).await, Ok(None));
        // It never writes attendance.
        let mut day = Item::new();
        day.insert("person".into(), "acme#u1".into());
        day.insert("work_date".into(), "2026-11-24".into());
        let why = denied(
            slack
                .put(Table::Attendance, day.clone(), Condition::Absent)
                .await,
        );
        assert!(
            why.contains("dynamodb:PutItem") && why.contains("AttendanceTable"),
            "{why}"
        );
        // A table outside its environment cannot even be addressed.
        let why = denied(slack.get(Table::Questions, &Key::of("q1")).await);
        assert!(why.contains("TABLE_QUESTIONS"), "{why}");
        // An index needs its own ARN: the reminder may query `open`, not `company_month`.
        let reminder = guarded("CheckoutReminderFunction");
        assert!(
            reminder
                .query(Table::Attendance, &Query::index("open", "2026-11-24"))
                .await
                .is_ok()
        );
        let why = denied(
            reminder
                .query(
                    Table::Attendance,
                    &Query::index("company_month", "acme#2026-11"),
                )
                .await,
        );
        assert!(why.contains("index/company_month"), "{why}");
        // A transaction is authorised item by item (IAM has no TransactWriteItems).
        let attendance = guarded("AttendanceFunction");
        let why = denied(
            attendance
                .transact(vec![TxOp::Delete {
                    table: Table::Attendance,
                    key,
                    condition: Condition::Present,
                }])
                .await,
        );
        assert!(why.contains("dynamodb:DeleteItem"), "{why}");
    }
}
