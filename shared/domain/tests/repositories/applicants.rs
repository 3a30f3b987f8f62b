use chrono::{DateTime, Utc};
use domain::applicant::Details;
use std::sync::Arc;

use chrono::Duration;

use domain::applicant::*;
use domain::applicant::{Availability, Commitment};
use embedded_adapters::SqliteStore;

fn store() -> SqliteStore {
    SqliteStore::open(&testkit::temp_dir("applicants").join("t.sqlite3")).unwrap()
}

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::minutes(minute)
}

pub(super) fn details(first_name: &str) -> Details {
    Details {
        first_name: first_name.into(),
        last_name: "Rai".into(),
        email: None,
        phone: "+9779812345678".into(),
        education: Vec::new(),
        availability: Availability {
            start_date: "2026-12-01".into(),
            commitment: Commitment::FullTime,
        },
    }
}

#[tokio::test]
async fn saving_again_replaces_the_details_and_keeps_the_cv_and_sign_up_time() {
    let store = store();
    let repo = ApplicantRepo::new(&store);
    let (first, created) = repo
        .save_details("u1", &details("Sita"), at(0))
        .await
        .unwrap();
    assert!(created);
    repo.record_resume_request("u1", "resumes/u1/cv.pdf", at(1))
        .await
        .unwrap()
        .unwrap();
    let (second, created) = repo
        .save_details("u1", &details("Gita"), at(2))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(second.details.first_name, "Gita");
    assert_eq!(second.created_at, first.created_at);
    assert_eq!(second.updated_at, at(2));
    assert_eq!(second.resume_key.as_deref(), Some("resumes/u1/cv.pdf"));
    assert_eq!(second.version, 3);
    assert_eq!(repo.get("u1").await.unwrap(), Some(second));
}

#[tokio::test]
async fn a_cv_request_without_details_writes_nothing() {
    let store = store();
    let repo = ApplicantRepo::new(&store);
    assert_eq!(
        repo.record_resume_request("u1", "resumes/u1/cv.pdf", at(0))
            .await
            .unwrap(),
        None
    );
    assert_eq!(repo.get("u1").await.unwrap(), None);
}

#[tokio::test]
async fn concurrent_writes_all_land() {
    let store = Arc::new(store());
    ApplicantRepo::new(store.as_ref())
        .save_details("u1", &details("Sita"), at(0))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for n in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let repo = ApplicantRepo::new(store.as_ref());
            if n % 2 == 0 {
                repo.save_details("u1", &details("Gita"), at(n))
                    .await
                    .map(|_| ())
            } else {
                repo.record_resume_request("u1", "resumes/u1/cv.pdf", at(n))
                    .await
                    .map(|_| ())
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let stored = ApplicantRepo::new(store.as_ref())
        .get("u1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 5, "no write overwrote another");
    assert_eq!(stored.resume_key.as_deref(), Some("resumes/u1/cv.pdf"));
}

#[tokio::test]
async fn the_roster_lists_newest_first_in_pages() {
    let store = store();
    let repo = ApplicantRepo::new(&store);
    for (n, uid) in ["a", "b", "c"].into_iter().enumerate() {
        repo.save_details(uid, &details(uid), at(n as i64))
            .await
            .unwrap();
    }
    let (page, next) = repo.newest(2, None).await.unwrap();
    let uids: Vec<_> = page.iter().map(|a| a.uid.as_str()).collect();
    assert_eq!(uids, ["c", "b"]);
    let (rest, next) = repo.newest(2, next).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].uid, "a");
    assert_eq!(next, None);
}
