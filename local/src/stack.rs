//! The embedded stack's state: every stand-in adapter, opened under the state folder, and every
//! function wired to them exactly as its Lambda `main.rs` wires it to AWS, each through its own
//! IAM role from template.yaml (`crate::iam`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use attendance::{Attendance, PunchPolicy};
use cognito_pre_signup::{SignUpPolicy, SinglePool, Triggers};
use company_admin::CompanyAdmin;
use domain::clock::{Clock, SystemClock};
use domain::config::{VarSource, required};
use domain::exam::ExamPolicy;
use domain::ids::UuidIds;
use domain::leave::LeavePolicy;
use domain::ports::{BlobStore, ChatPoster, FaceVerifier, ItemStore, Mailer, UserDirectory};
use embedded_adapters::{
    DlibFaces, EmlMailer, FileBlobStore, JsonlChat, LocalDirectory, SqliteStore,
};
use leave_requests::{LeaveNotify, LeaveRequests};
use personal_details::PersonalDetails;
use question_answer::QuestionAnswer;
use question_collection::QuestionCollection;
use ses_notify::{NotifyConfig, SesNotify};
use slack::{CheckoutReminder, Slack};

use crate::iam::{GuardedBlobs, GuardedDirectory, GuardedFaces, GuardedMailer, GuardedStore, role};
use crate::secrets;
use crate::tokens::{CAREERS_CLIENT, TokenIssuer};

/// Start-up errors: any of them ends the process with its message.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Everything one running stack holds.
pub struct Stack {
    pub state_dir: PathBuf,
    pub store: Arc<SqliteStore>,
    pub directory: Arc<LocalDirectory>,
    pub blobs: Arc<FileBlobStore>,
    pub tokens: TokenIssuer,
    pub clock: Arc<dyn Clock>,
    pub company_admin: CompanyAdmin,
    pub question_collection: QuestionCollection,
    pub question_answer: QuestionAnswer,
    pub personal_details: PersonalDetails,
    pub attendance: Attendance,
    pub ses_notify: SesNotify,
    pub leave_requests: LeaveRequests,
    pub leave_notify: LeaveNotify,
    pub slack: Slack,
    pub reminder: CheckoutReminder,
    pub triggers: Triggers,
    /// The exam sweep's view of the store (its own function in AWS).
    pub exam_sweep: Arc<dyn ItemStore>,
}

/// The ports one function reaches, each through the role template.yaml gives it.
struct Ports {
    store: Arc<SqliteStore>,
    directory: Arc<LocalDirectory>,
    blobs: Arc<FileBlobStore>,
    faces: Arc<DlibFaces>,
    mail: Arc<dyn Mailer>,
}

impl Ports {
    fn store(&self, function: &str) -> Arc<dyn ItemStore> {
        Arc::new(GuardedStore {
            role: role(function),
            inner: self.store.clone(),
        })
    }
    fn directory(&self, function: &str) -> Arc<dyn UserDirectory> {
        Arc::new(GuardedDirectory {
            role: role(function),
            inner: self.directory.clone(),
        })
    }
    fn blobs(&self, function: &str) -> Arc<dyn BlobStore> {
        Arc::new(GuardedBlobs {
            role: role(function),
            inner: self.blobs.clone(),
        })
    }
    fn faces(&self, function: &str) -> Arc<dyn FaceVerifier> {
        Arc::new(GuardedFaces {
            role: role(function),
            inner: self.faces.clone(),
        })
    }
    fn mail(&self, function: &str) -> Arc<dyn Mailer> {
        Arc::new(GuardedMailer {
            role: role(function),
            inner: self.mail.clone(),
        })
    }
}

/// The Slack signing secret of the demo, used unless `SLACK_SIGNING_SECRET` is set. It signs
/// nothing outside this machine; the stack prints it so a curl can sign a request.
pub const DEMO_SLACK_SIGNING_SECRET: &str = "local-demo-slack-signing-secret";

/// Slack's side of the chat port: one JSON line per message, under the state folder.
pub fn chat_file(state_dir: &Path) -> PathBuf {
    state_dir.join("chat").join("slack.jsonl")
}

/// Settings a deployment passes as function environment; locally the process environment,
/// falling back to the demo's values.
struct LocalSettings;

impl VarSource for LocalSettings {
    fn var(&self, name: &str) -> Option<String> {
        if name == "APPLICANT_CLIENT_NAME" {
            // The local token issuer's client names are fixed (tokens.rs).
            return Some(CAREERS_CLIENT.into());
        }
        let demo = match name {
            // Matches the demo question bank (demo.rs).
            "EXAM_QUESTIONS_PER_CATEGORY" => Some("rust=4,sql=4,aptitude=4"),
            "MAIL_FROM" => Some("careers@genese.test"),
            "RECRUITER_EMAILS" => Some("recruiter@genese.test"),
            "BLOCKED_EMAIL_DOMAINS" => Some("mailinator.com"),
            "SLACK_SIGNING_SECRET" => Some(DEMO_SLACK_SIGNING_SECRET),
            _ => None,
        };
        std::env::var(name).ok().or(demo.map(str::to_string))
    }
}

/// leave-notify's settings: the attendance side sends from its own address.
struct LeaveMailSettings;

impl VarSource for LeaveMailSettings {
    fn var(&self, name: &str) -> Option<String> {
        match name {
            "MAIL_FROM" => std::env::var("LEAVE_MAIL_FROM")
                .ok()
                .or(Some("attendance@genese.test".into())),
            _ => LocalSettings.var(name),
        }
    }
}

impl Stack {
    /// Opens (creating on first run) every store under `state_dir`.
    pub fn open(state_dir: &Path, base_url: &str) -> Result<Stack> {
        std::fs::create_dir_all(state_dir.join("keys"))?;
        let store = Arc::new(SqliteStore::open(&state_dir.join("tables.sqlite3"))?);
        let mail: Arc<dyn Mailer> = Arc::new(EmlMailer::new(state_dir.join("mail")));
        // Cognito emails invited users their temporary password; locally that is an .eml too.
        let directory = Arc::new(
            LocalDirectory::open(&state_dir.join("directory.sqlite3"))?
                .with_invitation_mail(mail.clone(), "no-reply@genese.test"),
        );
        let blobs = Arc::new(FileBlobStore::new(
            state_dir.join("blobs"),
            base_url.to_string(),
            secrets::key(&state_dir.join("keys").join("blob-url.key"))?,
        ));
        let tokens =
            TokenIssuer::load_or_create(&state_dir.join("keys"), format!("{base_url}/local"))?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        // dlib models from `make setup` (FACE_DATA_DIR); enrolled descriptors under the state.
        let faces = Arc::new(DlibFaces::open(
            &embedded_adapters::face_data_dir(),
            &state_dir.join("faces.sqlite3"),
        )?);
        let ports = Ports {
            store: store.clone(),
            directory: directory.clone(),
            blobs: blobs.clone(),
            faces,
            mail,
        };
        const COMPANY_ADMIN: &str = "CompanyAdminFunction";
        let company_admin = CompanyAdmin {
            store: ports.store(COMPANY_ADMIN),
            directory: ports.directory(COMPANY_ADMIN),
            clock: clock.clone(),
            ids: Arc::new(UuidIds),
            faces: ports.faces(COMPANY_ADMIN),
        };
        let question_collection = QuestionCollection {
            store: ports.store("QuestionCollectionFunction"),
            clock: clock.clone(),
            ids: Arc::new(UuidIds),
            policy: ExamPolicy::from_env(&LocalSettings)?,
        };
        let question_answer = QuestionAnswer {
            store: ports.store("QuestionAnswerFunction"),
            clock: clock.clone(),
        };
        const PERSONAL_DETAILS: &str = "PersonalDetailsFunction";
        let personal_details = PersonalDetails {
            store: ports.store(PERSONAL_DETAILS),
            blobs: ports.blobs(PERSONAL_DETAILS),
            directory: ports.directory(PERSONAL_DETAILS),
            clock: clock.clone(),
        };
        const ATTENDANCE: &str = "AttendanceFunction";
        let attendance = Attendance {
            store: ports.store(ATTENDANCE),
            blobs: ports.blobs(ATTENDANCE),
            faces: ports.faces(ATTENDANCE),
            clock: clock.clone(),
            policy: PunchPolicy::from_env(&LocalSettings)?,
        };
        let ses_notify = SesNotify {
            store: ports.store("SesNotifyFunction"),
            mailer: ports.mail("SesNotifyFunction"),
            clock: clock.clone(),
            config: NotifyConfig::from_env(&LocalSettings)?,
        };
        let chat: Arc<dyn ChatPoster> = Arc::new(JsonlChat::new(chat_file(state_dir)));
        let leave_requests = LeaveRequests {
            store: ports.store("LeaveRequestsFunction"),
            clock: clock.clone(),
            ids: Arc::new(UuidIds),
            policy: LeavePolicy::from_env(&LocalSettings)?,
        };
        let leave_notify = LeaveNotify {
            store: ports.store("LeaveNotifyFunction"),
            mailer: ports.mail("LeaveNotifyFunction"),
            chat: chat.clone(),
            clock: clock.clone(),
            config: leave_requests::NotifyConfig::from_env(&LeaveMailSettings)?,
        };
        let slack = Slack {
            store: ports.store("SlackFunction"),
            chat: chat.clone(),
            clock: clock.clone(),
            signing_secret: required(&LocalSettings, "SLACK_SIGNING_SECRET")?,
        };
        let reminder = CheckoutReminder {
            store: ports.store("CheckoutReminderFunction"),
            chat,
            clock: clock.clone(),
        };
        const TRIGGERS: &str = "CognitoPreSignupFunction";
        let triggers = Triggers {
            policy: SignUpPolicy::from_env(&LocalSettings)?,
            directories: Arc::new(SinglePool(ports.directory(TRIGGERS))),
            store: ports.store(TRIGGERS),
            clock: clock.clone(),
        };
        let exam_sweep = ports.store("ExamSweepFunction");
        Ok(Stack {
            state_dir: state_dir.to_path_buf(),
            store,
            directory,
            blobs,
            tokens,
            clock,
            company_admin,
            question_collection,
            question_answer,
            personal_details,
            attendance,
            ses_notify,
            leave_requests,
            leave_notify,
            slack,
            reminder,
            triggers,
            exam_sweep,
        })
    }
}
