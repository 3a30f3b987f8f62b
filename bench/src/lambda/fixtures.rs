//! The functions under test and their invocations: the real-shaped REST proxy events of
//! `events/`, re-aimed at fresh data for every invoke, and what each response must say.

use serde_json::{Value, json};

/// A Lambda function measured in both languages, by its route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// `POST /companies`: a signed-up user registers a company.
    CompanyAdmin,
    /// `POST /leave-requests`: an employee asks for leave.
    LeaveRequests,
    /// `POST /exams/current/submit`: an applicant's final, graded submit.
    QuestionAnswer,
}

impl Function {
    pub const ALL: [Function; 3] = [
        Function::CompanyAdmin,
        Function::LeaveRequests,
        Function::QuestionAnswer,
    ];

    /// The crate, and its Lambda binary.
    pub fn crate_name(self) -> &'static str {
        match self {
            Function::CompanyAdmin => "company-admin",
            Function::LeaveRequests => "leave-requests",
            Function::QuestionAnswer => "question-answer",
        }
    }

    /// The Python baseline's module in `bench/python/`.
    pub fn python_module(self) -> &'static str {
        match self {
            Function::CompanyAdmin => "company_admin",
            Function::LeaveRequests => "leave_requests",
            Function::QuestionAnswer => "question_answer",
        }
    }

    /// The measured route.
    pub fn route(self) -> &'static str {
        match self {
            Function::CompanyAdmin => "POST /companies",
            Function::LeaveRequests => "POST /leave-requests",
            Function::QuestionAnswer => "POST /exams/current/submit",
        }
    }

    /// AWS calls one successful invoke makes (moto round trips both languages wait on).
    pub fn aws_calls(self) -> &'static str {
        match self {
            // TransactWriteItems, AdminUpdateUserAttributes, AdminAddUserToGroup
            Function::CompanyAdmin => "3 (a 3-item transaction, 2 Cognito updates)",
            // GetItem ×3 (roster, company, ledger), Query ×2 (holidays, overlap), TransactWriteItems
            Function::LeaveRequests => "6 (3 reads, 2 queries, a 2-item transaction)",
            // GetItem, conditional PutItem
            Function::QuestionAnswer => "2 (a read, a conditional write)",
        }
    }

    /// The `events/` fixture the invocations are made from.
    fn fixture(self) -> &'static str {
        match self {
            Function::CompanyAdmin => "company-admin/post-companies.json",
            Function::LeaveRequests => "leave-requests/post-leave-request.json",
            // There is no submit fixture; the save fixture is the same applicant's request.
            Function::QuestionAnswer => "question-answer/put-answers.json",
        }
    }

    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.crate_name() == name)
    }
}

/// A response field's expected value.
#[derive(Clone, Debug)]
pub enum Expected {
    Equals(Value),
    /// A non-empty string, e.g. a generated id.
    Present,
}

/// What one response must be: its status code and key body fields (JSON pointers).
#[derive(Clone, Debug)]
pub struct Expectation {
    pub status: u16,
    pub fields: Vec<(&'static str, Expected)>,
}

impl Expectation {
    /// Checks a Lambda proxy response payload (`statusCode`, `body` as a JSON string).
    pub fn check(&self, payload: &Value) -> Result<(), String> {
        let status = payload["statusCode"].as_u64().unwrap_or_default();
        let body: Value = payload["body"]
            .as_str()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        if status != u64::from(self.status) {
            return Err(format!("status {status}, expected {}: {body}", self.status));
        }
        for (pointer, expected) in &self.fields {
            let got = body.pointer(pointer).unwrap_or(&Value::Null);
            let ok = match expected {
                Expected::Equals(want) => got == want || numbers_equal(got, want),
                Expected::Present => got.as_str().is_some_and(|s| !s.is_empty()),
            };
            if !ok {
                return Err(format!("{pointer} is {got}, expected {expected:?}: {body}"));
            }
        }
        Ok(())
    }
}

/// `2.5` and `2.50`, `3` and `3.0`: the same number whichever language wrote it.
fn numbers_equal(a: &Value, b: &Value) -> bool {
    matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
}

/// One event to invoke with, and what must come back.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub event: Value,
    pub expect: Expectation,
}

/// The fixture of `function`, as a template for its invocations.
pub fn template(function: Function) -> Value {
    testkit::load(function.fixture())
}

/// `template` for a new API Gateway request: fresh request id, these claims, this body.
pub fn event(template: &Value, claims: Value, body: Option<Value>) -> Value {
    let mut event = template.clone();
    testkit::set_claims(&mut event, claims);
    event["requestContext"]["requestId"] = json!(uuid::Uuid::new_v4().to_string());
    if let Some(body) = body {
        event["body"] = json!(body.to_string());
    }
    event
}

/// The fixture's own claims, the starting point of every caller's claims.
pub fn claims_of(template: &Value) -> Value {
    template["requestContext"]["authorizer"]["claims"].clone()
}
