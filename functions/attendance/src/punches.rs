//! Check-in and check-out: the day in the company's zone, the selfie verified against the
//! enrolled face, one entry and one exit a work day by conditional writes, and an
//! `Idempotency-Key` that replays the first response to a retry.

use chrono::{Duration, NaiveDate};
use domain::attendance::{AttendanceDay, AttendanceRepo, Punch, PunchKind, closing_date};
use domain::calendar::{local_time, work_date};
use domain::consent::{self, Whose};
use domain::ports::StoreError;
use edge::ApiError;
use edge::claims::Claims;
use edge::http::json;
use edge::idempotency_key;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::members::{active_self, company};
use crate::{Attendance, photos};

/// The open day a check-out closes: today's, or yesterday's within the longest shift.
async fn open_day(
    app: &Attendance,
    tenant: &str,
    username: &str,
    today: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
) -> Result<AttendanceDay, ApiError> {
    let repo = AttendanceRepo::new(app.store.as_ref());
    if let Some(day) = repo.day(tenant, username, today).await? {
        return match day.check_out {
            None => Ok(day),
            Some(out) => Err(ApiError::conflict(format!(
                "you already checked out today at {}",
                local_time(out.at, zone)
            ))),
        };
    }
    let yesterday = today - Duration::days(1);
    if let Some(day) = repo.day(tenant, username, yesterday).await? {
        let open_since = day
            .check_in
            .as_ref()
            .filter(|_| day.check_out.is_none())
            .map(|p| p.at);
        if closing_date(at, zone, open_since, app.policy.max_shift) == yesterday {
            return Ok(day);
        }
    }
    Err(ApiError::conflict(
        "you have not checked in today; check in first",
    ))
}

/// `POST /attendance/check-in` and `POST /attendance/check-out` with `{"photo": "<base64>"}`.
pub async fn punch(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
    request: &Request,
    kind: PunchKind,
) -> Result<Response<Body>, ApiError> {
    let key = idempotency_key::requested(
        request,
        "punch",
        &format!("{tenant}/{}/{}", claims.username, kind.short()),
    )?;
    if let Some(key) = &key
        && let Some(first) = idempotency_key::replay(app.store.as_ref(), key).await?
    {
        return Ok(first);
    }
    let me = active_self(app, tenant, &claims.username).await?;
    consent::required(&me, Whose::Own)?;
    let Some(face_id) = me.face_id.clone() else {
        return Err(ApiError::conflict(
            "no reference face is enrolled for you; enrol it first (PUT /me/face)",
        ));
    };
    let zone = company(app, tenant).await?.profile.tz();
    let now = app.clock.now();
    let today = work_date(now, zone);
    let repo = AttendanceRepo::new(app.store.as_ref());
    // Refuse impossible punches before any biometric work.
    let closing = match kind {
        PunchKind::CheckIn => {
            if let Some(day) = repo.day(tenant, &me.username, today).await? {
                let at = day
                    .check_in
                    .map(|p| local_time(p.at, zone))
                    .unwrap_or_default();
                return Err(ApiError::conflict(format!(
                    "you already checked in today at {at}"
                )));
            }
            None
        }
        PunchKind::CheckOut => Some(open_day(app, tenant, &me.username, today, now, zone).await?),
    };
    let jpeg = photos::selfie(request).await?;
    let similarity = match app.faces.compare(tenant, &face_id, &jpeg).await {
        Ok(s) => s,
        Err(refused) if refused.is_photo_problem() => {
            repo.record_refusal(tenant, &me.username, kind, now, &refused.to_string(), None)
                .await?;
            return Err(refused.into());
        }
        Err(other) => return Err(other.into()),
    };
    if similarity < app.policy.threshold {
        repo.record_refusal(
            tenant,
            &me.username,
            kind,
            now,
            "the face does not match",
            Some(similarity),
        )
        .await?;
        tracing::info!(username = %me.username, similarity, "punch refused: face mismatch");
        return Err(ApiError::invalid(
            "photo",
            format!(
                "the face does not match your enrolled face (similarity {similarity:.1}, {:.0} needed)",
                app.policy.threshold
            ),
        ));
    }
    let date = closing
        .as_ref()
        .and_then(AttendanceDay::date)
        .unwrap_or(today);
    let photo_key = format!(
        "attendance/{tenant}/{}/{}/{}-{}.jpg",
        me.username,
        date.format("%Y-%m-%d"),
        kind.short(),
        uuid::Uuid::new_v4().simple()
    );
    app.blobs.put(&photo_key, jpeg, "image/jpeg").await?;
    let punch = Punch {
        at: now,
        similarity,
        photo_key: photo_key.clone(),
    };
    let written = match &closing {
        None => {
            let day = AttendanceDay::checked_in(tenant, &me.username, date, punch);
            repo.check_in(&day).await.map(|()| day)
        }
        Some(day) => repo.check_out(day, punch).await,
    };
    let day = match written {
        Ok(day) => day,
        Err(e) => {
            // A racing punch won: its photo stays, this one goes.
            let _ = app.blobs.delete(&photo_key).await;
            return Err(match e {
                StoreError::ConditionFailed => ApiError::conflict(match kind {
                    PunchKind::CheckIn => "you already checked in today",
                    PunchKind::CheckOut => "you already checked out for this day",
                }),
                other => other.into(),
            });
        }
    };
    let body = json!({
        "date": day.work_date,
        "kind": kind,
        "at": now,
        "localTime": local_time(now, zone),
        "similarity": similarity,
    });
    if let Some(key) = &key {
        idempotency_key::remember(app.store.as_ref(), key, StatusCode::CREATED, &body, now).await;
    }
    tracing::info!(username = %me.username, ?kind, date = %day.work_date, similarity, "punch recorded");
    Ok(json(StatusCode::CREATED, &body))
}
