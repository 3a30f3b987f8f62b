//! The slash commands, answered to the caller only:
//! - `/leave pending`: the requests waiting for the caller's decision, with their buttons;
//! - `/leave mine`: the caller's latest requests;
//! - `/attendance today`: who is in today (managers and admins), or the caller's own day.

use std::collections::BTreeMap;

use domain::attendance::AttendanceRepo;
use domain::calendar::{iso_date, local_time, work_date};
use domain::company::members;
use domain::events::EventRepo;
use domain::leave::{LeaveRepo, LeaveRequest, LeaveStatus, NO_MANAGER};
use domain::roster::{FORMER_COLLEAGUE, RosterEntry, RosterRepo, StaffRole};
use edge::ApiError;
use edge::slack::SlashCommand;
use edge::slack::messages::{self, escape};
use lambda_http::{Body, Response};
use serde_json::Value;

use crate::{Slack, identity, reply};

/// Requests shown at most: three blocks each, within Slack's fifty per message.
const SHOWN: usize = 15;

pub async fn run(app: &Slack, body: &[u8]) -> Result<Response<Body>, ApiError> {
    let command = SlashCommand::parse(body)?;
    let me = match identity::person(app.store.as_ref(), &command.user_id).await? {
        Ok(me) => me,
        Err(unknown) => return Ok(reply::ephemeral(&unknown.explain(&command.user_id), None)),
    };
    let word = command.text.split_whitespace().next().unwrap_or("");
    tracing::info!(command = %command.command, word, username = %me.username, "slack command");
    match (command.command.as_str(), word) {
        ("/leave", "pending") => pending(app, &me).await,
        ("/leave", "mine") => mine(app, &me).await,
        ("/attendance", "today" | "") => today(app, &me).await,
        ("/leave", _) => Ok(reply::ephemeral(
            "Try `/leave pending` (requests waiting for your decision) or `/leave mine` (your own).",
            None,
        )),
        ("/attendance", _) => Ok(reply::ephemeral("Try `/attendance today`.", None)),
        (other, _) => Ok(reply::ephemeral(
            &format!(
                "This app answers /leave and /attendance, not {}.",
                escape(other)
            ),
            None,
        )),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

async fn pending(app: &Slack, me: &RosterEntry) -> Result<Response<Body>, ApiError> {
    if me.role == StaffRole::Employee {
        return Ok(reply::ephemeral(
            "Only managers and admins have leave requests to decide. `/leave mine` shows yours.",
            None,
        ));
    }
    let repo = LeaveRepo::new(app.store.as_ref());
    let pending = Some(LeaveStatus::Pending);
    let (mut waiting, _) = repo
        .team(&me.company_id, &me.username, pending, None, SHOWN, None)
        .await?;
    if me.role == StaffRole::Admin {
        // Admins also decide for staff without a manager, other than themselves.
        let (unmanaged, _) = repo
            .team(&me.company_id, NO_MANAGER, pending, None, SHOWN, None)
            .await?;
        waiting.extend(unmanaged.into_iter().filter(|r| r.employee != me.username));
    }
    waiting.truncate(SHOWN);
    if waiting.is_empty() {
        return Ok(reply::ephemeral("Nothing waits for your decision.", None));
    }
    let names = names_in(app, &me.company_id).await?;
    let blocks: Vec<Value> = waiting
        .iter()
        .flat_map(|r| {
            let who = names
                .get(&r.employee)
                .map_or(FORMER_COLLEAGUE, String::as_str);
            let message = messages::leave_request("", r, who);
            match message.blocks {
                Some(Value::Array(blocks)) => blocks,
                _ => Vec::new(),
            }
        })
        .collect();
    let text = format!(
        "{} {} your decision.",
        plural(waiting.len(), "request", "requests"),
        if waiting.len() == 1 {
            "waits for"
        } else {
            "wait for"
        }
    );
    Ok(reply::ephemeral(&text, Some(Value::Array(blocks))))
}

fn line(r: &LeaveRequest) -> String {
    format!(
        "• {} leave {} → {} ({} working days): *{}*",
        r.leave_type.as_str(),
        iso_date(r.start_date),
        iso_date(r.end_date),
        r.days,
        r.status.as_str()
    )
}

/// Everyone's display name in the company by username: usernames are the pool's UUIDs, so
/// people are named from the roster.
async fn names_in(app: &Slack, company_id: &str) -> Result<BTreeMap<String, String>, ApiError> {
    Ok(RosterRepo::new(app.store.as_ref())
        .everyone(company_id)
        .await?
        .into_iter()
        .map(|e| (e.username.clone(), e.display_name().to_string()))
        .collect())
}

async fn mine(app: &Slack, me: &RosterEntry) -> Result<Response<Body>, ApiError> {
    let (requests, _) = LeaveRepo::new(app.store.as_ref())
        .mine(&me.company_id, &me.username, None, SHOWN, None)
        .await?;
    if requests.is_empty() {
        return Ok(reply::ephemeral("You have no leave requests.", None));
    }
    let lines: Vec<String> = requests.iter().map(line).collect();
    Ok(reply::ephemeral(
        &format!("Your leave requests, latest first:\n{}", lines.join("\n")),
        None,
    ))
}

async fn today(app: &Slack, me: &RosterEntry) -> Result<Response<Body>, ApiError> {
    let store = app.store.as_ref();
    let company = members::company(store, &me.company_id).await?;
    let zone = company.profile.tz();
    let date = work_date(app.clock.now(), zone);
    let holiday = !EventRepo::new(store)
        .holidays_between(&me.company_id, date, date)
        .await?
        .is_empty();
    let everyone = me.role != StaffRole::Employee;
    let repo = AttendanceRepo::new(store);
    // Staff see their own day (one key read); managers and admins the company's day.
    let days: Vec<_> = if everyone {
        let (month, today) = (date.format("%Y-%m").to_string(), iso_date(date));
        repo.company_month(&me.company_id, &month)
            .await?
            .into_iter()
            .filter(|d| d.work_date == today)
            .collect()
    } else {
        repo.day(&me.company_id, &me.username, date)
            .await?
            .into_iter()
            .collect()
    };
    let names = if everyone && !days.is_empty() {
        names_in(app, &me.company_id).await?
    } else {
        BTreeMap::from([(me.username.clone(), me.display_name().to_string())])
    };
    let mut lines: Vec<String> = days
        .iter()
        .map(|d| {
            let at = |p: Option<&domain::attendance::Punch>| p.map(|p| local_time(p.at, zone));
            let who = escape(
                names
                    .get(&d.username)
                    .map_or(FORMER_COLLEAGUE, String::as_str),
            );
            match (at(d.check_in.as_ref()), at(d.check_out.as_ref())) {
                (Some(i), Some(o)) => format!("• {who} in {i}, out {o}"),
                (Some(i), None) => format!("• {who} in since {i}"),
                _ => format!("• {who} no check-in"),
            }
        })
        .collect();
    let head = match (everyone, days.len()) {
        (true, 0) => format!("Nobody has checked in on {} yet.", iso_date(date)),
        (true, n) => format!(
            "{} on {}:",
            plural(n, "person checked in", "people checked in"),
            iso_date(date)
        ),
        (false, 0) => format!("You have not checked in on {}.", iso_date(date)),
        (false, _) => format!("Your day, {}:", iso_date(date)),
    };
    lines.insert(0, head);
    if holiday {
        lines.insert(1, "_Today is a company holiday._".into());
    }
    Ok(reply::ephemeral(&lines.join("\n"), None))
}
