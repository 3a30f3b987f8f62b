//! personal-details: Career Genese applicants' personal details and CV, and the recruiters'
//! view of applicants with their exam state.
//!
//! - `GET /applicants/me` (applicants): their details, what became of their CV and their exam
//!   status and times; never a score or grade. 404 until the details are filled in.
//! - `PUT /applicants/me` (applicants): replaces the details whole; **201** the first time,
//!   **200** after (RFC 9110 §9.3.4), both with the `GET` view. The email defaults to the
//!   token's.
//! - `GET /applicants/me/export` (applicants): everything held about them as one JSON file
//!   (details, CV link, the exam as taken with its grade once over).
//! - `DELETE /applicants/me` (applicants): erases them: details, CV and pool user go, a finished
//!   attempt stays anonymised for the statistics; 204, however often asked. Their token still
//!   works until it expires, and everything it asks for after is **410**.
//! - `POST /applicants/me/resume` (applicants): `{"size"}` of a PDF of at most 5 MiB → 201 with a
//!   presigned PUT to `resumes/{sub}/cv.pdf`, valid 10 minutes; 409 before the details exist.
//! - `GET /applicants?sort=recent|score&limit=&cursor=` (recruiters): newest applicants first,
//!   or submitted exams by score with their applicant. A row's `resume` says whether a CV upload
//!   was asked for; the single read says what arrived.
//! - `GET /applicants/{uid}` (recruiters): details, the exam with its breakdown, and the CV
//!   with a 5-minute link only if what arrived is a PDF.
//!
//! Reading an exam finalises it first when its deadline has passed, as everywhere else.

mod cv_link;
mod erasure;
mod export;
mod me;
#[cfg(feature = "openapi")]
pub mod openapi;
mod review;
mod views;

use std::sync::Arc;

use async_trait::async_trait;
use domain::clock::Clock;
use domain::ports::{BlobStore, ItemStore, Table, UserDirectory};
use domain::role::Role;
use edge::ApiError;
use edge::function::RestFunction;
use edge::route_table::{Callers, Handler, RouteTable};
use lambda_http::{Body, Request, Response};

/// Tables this function reads or writes.
pub const TABLES: [Table; 2] = [Table::Applicants, Table::ExamAttempts];

const RECRUITERS: Callers = Callers::Roles(&[Role::Recruiter]);
const APPLICANTS: Callers = Callers::Roles(&[Role::Applicant]);

edge::routes! {
    /// Every route this function serves, declared once: the applicant's own details, CV, export
    /// and erasure, the recruiters' review.
    pub const ROUTES: RouteTable<Handler<PersonalDetails>> = [
        "GET" "/applicants/me", APPLICANTS, get_me => |a, c, _| Box::pin(me::read(a, c));
        "PUT" "/applicants/me", APPLICANTS, save_me => |a, c, r| Box::pin(me::save(a, c, r));
        "DELETE" "/applicants/me", APPLICANTS, erase_me => |a, c, r| Box::pin(erasure::erase(a, c, r));
        "GET" "/applicants/me/export", APPLICANTS, export_me => |a, c, _| Box::pin(export::read(a, c));
        "POST" "/applicants/me/resume", APPLICANTS, request_upload =>
            |a, c, r| Box::pin(me::offer_upload(a, c, r));
        "GET" "/applicants", RECRUITERS, list_applicants => |a, _, r| Box::pin(review::list(a, r));
        "GET" "/applicants/{uid}", RECRUITERS, get_applicant =>
            |a, _, r| Box::pin(review::read(a, r));
    ];
}

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct PersonalDetails {
    pub store: Arc<dyn ItemStore>,
    /// The CV bucket.
    pub blobs: Arc<dyn BlobStore>,
    /// The user pool, where an erased applicant's user is deleted.
    pub directory: Arc<dyn UserDirectory>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait]
impl RestFunction for PersonalDetails {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        ROUTES.dispatch(self, request).await
    }
}
