//! The recruiters' routes: applicants listed newest first or by exam score, and one applicant
//! read in full with a link to their CV.

use std::future::Future;

use domain::applicant::ApplicantRepo;
use domain::exam::{AttemptRepo, AttemptStatus};
use domain::ports::{Cursor, StoreError};
use edge::ApiError;
use edge::http::{json, page_limit, path_param, query_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::cv_link::linked_resume;
use crate::{PersonalDetails, views};

const DEFAULT_PAGE: usize = 25;
const MAX_PAGE: usize = 100;

/// The orders a listing comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// Newest applicants first.
    Recent,
    /// Submitted exams, highest score first.
    Score,
}

fn foreign_cursor() -> ApiError {
    ApiError::bad_request("cursor", "the cursor is not one this listing returned")
}

impl Order {
    fn from_query(request: &Request) -> Result<Order, ApiError> {
        match query_param(request, "sort") {
            None | Some("recent") => Ok(Order::Recent),
            Some("score") => Ok(Order::Score),
            Some(_) => Err(ApiError::bad_request("sort", "use recent or score")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Order::Recent => "recent",
            Order::Score => "score",
        }
    }

    /// Our cursor: the order it pages, then the store's, so one order's cursor (they page
    /// different tables) is never read as the other's.
    fn cursor_out(self, cursor: Cursor) -> String {
        format!("{}.{}", self.name(), cursor.0)
    }

    fn cursor_in(self, text: &str) -> Result<Cursor, ApiError> {
        text.strip_prefix(self.name())
            .and_then(|rest| rest.strip_prefix('.'))
            .filter(|rest| !rest.is_empty())
            .map(|rest| Cursor(rest.to_string()))
            .ok_or_else(foreign_cursor)
    }
}

/// Runs `lookup` for every uid at once (a page is up to 100 reads) and keeps their order.
async fn look_up_each<T, F, Fut>(uids: Vec<String>, lookup: F) -> Result<Vec<T>, ApiError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = uids
        .into_iter()
        .map(|uid| tokio::spawn(lookup(uid)))
        .collect();
    let mut found = Vec::with_capacity(tasks.len());
    for task in tasks {
        let result = task
            .await
            .map_err(|e| ApiError::internal(format!("lookup task: {e}")))?;
        found.push(result?);
    }
    Ok(found)
}

/// `GET /applicants?sort=recent|score&limit=&cursor=`
pub async fn list(app: &PersonalDetails, request: &Request) -> Result<Response<Body>, ApiError> {
    let order = Order::from_query(request)?;
    let limit = page_limit(request, DEFAULT_PAGE, MAX_PAGE)?;
    let cursor = query_param(request, "cursor")
        .map(|c| order.cursor_in(c))
        .transpose()?;
    let had_cursor = cursor.is_some();
    // A malformed cursor is the only bad input a store query can get from here.
    let store_error = |e: StoreError| match e {
        StoreError::Invalid(_) if had_cursor => foreign_cursor(),
        e => e.into(),
    };
    let now = app.clock.now();
    let (items, next) = match order {
        Order::Recent => {
            let (applicants, next) = ApplicantRepo::new(app.store.as_ref())
                .newest(limit, cursor)
                .await
                .map_err(store_error)?;
            let uids = applicants.iter().map(|a| a.uid.clone()).collect();
            let attempts = look_up_each(uids, |uid| {
                let store = app.store.clone();
                async move { AttemptRepo::new(store.as_ref()).current(&uid, now).await }
            })
            .await?;
            let items: Vec<_> = applicants
                .iter()
                .zip(&attempts)
                .map(|(a, attempt)| views::row(&a.uid, Some(a), attempt.as_ref()))
                .collect();
            (items, next)
        }
        Order::Score => {
            let attempts = AttemptRepo::new(app.store.as_ref());
            if !had_cursor {
                // Attempts past their deadline that nobody read yet belong in the ranking.
                attempts.finalise_overdue(now, MAX_PAGE).await?;
            }
            let (ranked, next) = attempts
                .list(AttemptStatus::Submitted, limit, cursor)
                .await
                .map_err(store_error)?;
            let uids = ranked.iter().map(|a| a.uid.clone()).collect();
            let applicants = look_up_each(uids, |uid| {
                let store = app.store.clone();
                async move { ApplicantRepo::new(store.as_ref()).get(&uid).await }
            })
            .await?;
            let items: Vec<_> = ranked
                .iter()
                .zip(&applicants)
                .map(|(attempt, a)| views::row(&attempt.uid, a.as_ref(), Some(attempt)))
                .collect();
            (items, next)
        }
    };
    Ok(json(
        StatusCode::OK,
        &json!({ "items": items, "nextCursor": next.map(|c| order.cursor_out(c)) }),
    ))
}

/// `GET /applicants/{uid}`
pub async fn read(app: &PersonalDetails, request: &Request) -> Result<Response<Body>, ApiError> {
    let uid = path_param(request, "uid")?;
    let applicant = ApplicantRepo::new(app.store.as_ref()).get(&uid).await?;
    let attempt = AttemptRepo::new(app.store.as_ref())
        .current(&uid, app.clock.now())
        .await?;
    if applicant.is_none() && attempt.is_none() {
        return Err(ApiError::not_found(format!("no applicant `{uid}`")));
    }
    let key = applicant.as_ref().and_then(|a| a.resume_key.as_deref());
    let resume = linked_resume(app, key).await?;
    Ok(json(
        StatusCode::OK,
        &views::full(&uid, applicant.as_ref(), attempt.as_ref(), resume),
    ))
}
