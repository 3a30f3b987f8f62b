//! The question-bank handlers: validation at the edge, storage through `QuestionRepo`.

use domain::exam::{
    Difficulty, Question, QuestionDraft, QuestionFilter, QuestionRepo, frozen_size,
};
use domain::ports::{Cursor, StoreError};
use edge::ApiError;
use edge::http::{
    DEFAULT_BODY_LIMIT, body_bytes, cursor_param, json, json_body, no_content, page_limit, paged,
    parse_json, path_param, query_param, with_location,
};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

use crate::QuestionCollection;

const DEFAULT_PAGE: usize = 25;
const MAX_PAGE: usize = 100;

fn filter_from(request: &Request) -> Result<(QuestionFilter, usize, Option<Cursor>), ApiError> {
    let category = query_param(request, "category").map(str::to_string);
    let difficulty = query_param(request, "difficulty")
        .map(|d| serde_json::from_value::<Difficulty>(Value::String(d.to_string())))
        .transpose()
        .map_err(|_| ApiError::bad_request("difficulty", "use easy, medium or hard"))?;
    let active = query_param(request, "active")
        .map(|a| a.parse::<bool>())
        .transpose()
        .map_err(|_| ApiError::bad_request("active", "use true or false"))?;
    let limit = page_limit(request, DEFAULT_PAGE, MAX_PAGE)?;
    let cursor = cursor_param(request);
    Ok((
        QuestionFilter {
            category,
            difficulty,
            active,
        },
        limit,
        cursor,
    ))
}

/// `GET /questions?category=&difficulty=&active=&limit=&cursor=`
pub async fn list(app: &QuestionCollection, request: &Request) -> Result<Response<Body>, ApiError> {
    let (filter, limit, cursor) = filter_from(request)?;
    let (items, next) = paged(
        QuestionRepo::new(app.store.as_ref())
            .list(&filter, limit, cursor)
            .await,
    )?;
    Ok(json(
        StatusCode::OK,
        &json!({ "items": items, "nextCursor": next.map(|c| c.0) }),
    ))
}

/// `POST /questions`
pub async fn create(
    app: &QuestionCollection,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let draft = json_body::<QuestionDraft>(request, DEFAULT_BODY_LIMIT)?.validated()?;
    let id = app.ids.new_id();
    frozen_size::check_fits(&id, &draft, &app.policy)?;
    let question = QuestionRepo::new(app.store.as_ref())
        .create(id, draft, app.clock.now())
        .await?;
    let path = format!("/questions/{}", question.id);
    Ok(with_location(
        request,
        json(StatusCode::CREATED, &question),
        &path,
    ))
}

async fn live(app: &QuestionCollection, request: &Request) -> Result<Question, ApiError> {
    let id = path_param(request, "id")?;
    match QuestionRepo::new(app.store.as_ref()).get(&id).await? {
        Some(q) if !q.deleted => Ok(q),
        _ => Err(ApiError::not_found(format!("no question `{id}`"))),
    }
}

/// `GET /questions/{id}`
pub async fn read(app: &QuestionCollection, request: &Request) -> Result<Response<Body>, ApiError> {
    Ok(json(StatusCode::OK, &live(app, request).await?))
}

/// The `version` a client read, required on every change so a stale edit is refused.
fn expected_version(body: &mut Value) -> Result<u64, ApiError> {
    let version = body.as_object_mut().and_then(|o| o.remove("version"));
    // `3.0` is the whole number 3, as the JSON body parser reads it everywhere else.
    let whole = |n: &serde_json::Number| {
        n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(f))
                .map(|f| f as u64)
        })
    };
    match version {
        Some(Value::Number(n)) if whole(&n).is_some() => Ok(whole(&n).unwrap_or_default()),
        Some(_) => Err(ApiError::bad_request(
            "version",
            "version must be a whole number",
        )),
        None => Err(ApiError::bad_request(
            "version",
            "send the version you read, so a concurrent edit is not overwritten",
        )),
    }
}

fn stale(current: &Question, sent: u64) -> ApiError {
    ApiError::conflict(format!(
        "the question is at version {}, not {sent}; reload and retry",
        current.version
    ))
    .with_field("version")
}

/// `PUT /questions/{id}`: the whole question plus the `version` it was read at.
pub async fn update(
    app: &QuestionCollection,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let current = live(app, request).await?;
    let mut body: Value = json_body(request, DEFAULT_BODY_LIMIT)?;
    let version = expected_version(&mut body)?;
    let draft = parse_json::<QuestionDraft>(Some("application/json"), body.to_string().as_bytes())?
        .validated()?;
    frozen_size::check_fits(&current.id, &draft, &app.policy)?;
    if version != current.version {
        return Err(stale(&current, version));
    }
    match QuestionRepo::new(app.store.as_ref())
        .update(&current, draft, app.clock.now())
        .await
    {
        Ok(q) => Ok(json(StatusCode::OK, &q)),
        Err(StoreError::ConditionFailed) => Err(stale(&current, version)),
        Err(e) => Err(e.into()),
    }
}

/// `DELETE /questions/{id}?version=`: a soft delete; attempts that drew it keep it.
pub async fn delete(
    app: &QuestionCollection,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let current = live(app, request).await?;
    body_bytes(request, 0)?;
    if let Some(sent) = query_param(request, "version") {
        let sent: u64 = sent
            .parse()
            .map_err(|_| ApiError::bad_request("version", "version must be a whole number"))?;
        if sent != current.version {
            return Err(stale(&current, sent));
        }
    }
    match QuestionRepo::new(app.store.as_ref())
        .delete(&current, app.clock.now())
        .await
    {
        Ok(()) => Ok(no_content()),
        Err(StoreError::ConditionFailed) => Err(ApiError::conflict(
            "the question changed meanwhile; reload and retry",
        )),
        Err(e) => Err(e.into()),
    }
}
