//! The item-store port: conditions, key and index queries, transactions, paging, TTL.

use std::sync::Arc;

use aws_adapters::{DynamoStore, create_tables};
use aws_mode::moto::MotoServer;
use domain::config::TableNames;
use domain::ports::{
    Condition, Item, ItemStore, Key, Query, SortCondition, StoreError, Table, TxOp,
};
use embedded_adapters::SqliteStore;
use serde_json::{Value, json};
use testkit::temp_dir;

fn item(value: Value) -> Item {
    match value {
        Value::Object(map) => map,
        _ => panic!("items are objects"),
    }
}

async fn all_pages(store: &dyn ItemStore, table: Table, query: Query) -> (Vec<Item>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut cursor = None;
    loop {
        let page = store
            .query(table, &query.clone().after(cursor))
            .await
            .unwrap();
        pages += 1;
        items.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 100, "paging does not end");
    }
    (items, pages)
}

fn field(items: &[Item], name: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[name].as_str().unwrap().to_string())
        .collect()
}

async fn conditional_writes(store: &dyn ItemStore) {
    let company =
        |v: u64| item(json!({"company_id": "cond-co", "name": format!("v{v}"), "version": v}));
    store
        .put(Table::Companies, company(1), Condition::Absent)
        .await
        .unwrap();
    assert_eq!(
        store
            .put(Table::Companies, company(9), Condition::Absent)
            .await,
        Err(StoreError::ConditionFailed)
    );
    assert_eq!(
        store
            .put(
                Table::Companies,
                company(9),
                Condition::equals("version", 2)
            )
            .await,
        Err(StoreError::ConditionFailed)
    );
    let key = Key::of("cond-co");
    assert_eq!(
        store.get(Table::Companies, &key).await.unwrap().unwrap()["name"],
        "v1",
        "refused writes leave the item"
    );
    store
        .put(
            Table::Companies,
            company(2),
            Condition::equals("version", 1),
        )
        .await
        .unwrap();
    assert_eq!(
        store.get(Table::Companies, &key).await.unwrap().unwrap()["version"],
        2
    );
    let missing = item(json!({"company_id": "cond-missing", "version": 1}));
    assert_eq!(
        store
            .put(Table::Companies, missing, Condition::Present)
            .await,
        Err(StoreError::ConditionFailed)
    );
    assert!(
        store
            .get(Table::Companies, &Key::of("cond-missing"))
            .await
            .unwrap()
            .is_none()
    );

    assert_eq!(
        store
            .delete(Table::Companies, &key, Condition::equals("version", 1))
            .await,
        Err(StoreError::ConditionFailed)
    );
    assert!(store.get(Table::Companies, &key).await.unwrap().is_some());
    store
        .delete(Table::Companies, &key, Condition::Present)
        .await
        .unwrap();
    assert!(store.get(Table::Companies, &key).await.unwrap().is_none());
    store
        .delete(Table::Companies, &key, Condition::Always)
        .await
        .unwrap();
    assert_eq!(
        store
            .delete(Table::Companies, &key, Condition::Present)
            .await,
        Err(StoreError::ConditionFailed)
    );
}

async fn sort_key_queries(store: &dyn ItemStore) {
    for (company, date_id) in [
        ("q-co", "2026-11-01#a"),
        ("q-co", "2026-11-15#b"),
        ("q-co", "2026-12-01#c"),
        ("q-other", "2026-11-02#x"),
    ] {
        store
            .put(
                Table::Events,
                item(json!({"company_id": company, "date_id": date_id})),
                Condition::Absent,
            )
            .await
            .unwrap();
    }
    let november = Query::partition("q-co").sort(SortCondition::BeginsWith("2026-11".into()));
    let items = store.query(Table::Events, &november).await.unwrap().items;
    assert_eq!(
        field(&items, "date_id"),
        ["2026-11-01#a", "2026-11-15#b"],
        "a month never mixes companies"
    );
    let items = store
        .query(Table::Events, &november.clone().descending())
        .await
        .unwrap()
        .items;
    assert_eq!(field(&items, "date_id"), ["2026-11-15#b", "2026-11-01#a"]);
    let range = Query::partition("q-co").sort(SortCondition::Between(
        "2026-11-10".into(),
        "2026-12-31".into(),
    ));
    assert_eq!(
        field(
            &store.query(Table::Events, &range).await.unwrap().items,
            "date_id"
        ),
        ["2026-11-15#b", "2026-12-01#c"]
    );
    let exact = Query::partition("q-co").sort(SortCondition::Equals("2026-12-01#c".into()));
    assert_eq!(
        store
            .query(Table::Events, &exact)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

async fn index_queries(store: &dyn ItemStore) {
    let rows = [
        json!({"person": "gsi#ram", "work_date": "2026-11-03", "company_month": "gsi#2026-11", "person_date": "ram#2026-11-03"}),
        json!({"person": "gsi#sita", "work_date": "2026-11-02", "company_month": "gsi#2026-11", "person_date": "sita#2026-11-02"}),
        json!({"person": "gsi#ram", "work_date": "2026-10-30", "company_month": "gsi#2026-10", "person_date": "ram#2026-10-30"}),
        // Without the index keys the item is not in the index (a sparse index).
        json!({"person": "gsi#hari", "work_date": "2026-11-04"}),
    ];
    for row in rows {
        store
            .put(Table::Attendance, item(row), Condition::Always)
            .await
            .unwrap();
    }
    let month = store
        .query(
            Table::Attendance,
            &Query::index("company_month", "gsi#2026-11"),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(
        field(&month, "person_date"),
        ["ram#2026-11-03", "sita#2026-11-02"]
    );
    let ram =
        Query::index("company_month", "gsi#2026-11").sort(SortCondition::BeginsWith("ram#".into()));
    assert_eq!(
        store
            .query(Table::Attendance, &ram)
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    for (id, category) in [("q1", "rust"), ("q2", "sql"), ("q3", "rust")] {
        store
            .put(
                Table::Questions,
                item(json!({"id": id, "category": category, "points": 2})),
                Condition::Absent,
            )
            .await
            .unwrap();
    }
    let rust = store
        .query(Table::Questions, &Query::index("category", "rust"))
        .await
        .unwrap()
        .items;
    assert_eq!(field(&rust, "id"), ["q1", "q3"]);
    let unknown = store
        .query(Table::Questions, &Query::index("no-such-index", "x"))
        .await;
    assert!(
        matches!(
            unknown,
            Err(StoreError::Invalid(_)) | Err(StoreError::Unavailable(_))
        ),
        "{unknown:?}"
    );
}

async fn transactions(store: &dyn ItemStore) {
    store
        .put(
            Table::Companies,
            item(json!({"company_id": "tx-guard", "version": 1})),
            Condition::Absent,
        )
        .await
        .unwrap();
    let ops = |version: u64| {
        vec![
            TxOp::Put {
                table: Table::Companies,
                item: item(json!({"company_id": "tx-new", "version": 1})),
                condition: Condition::Absent,
            },
            TxOp::Put {
                table: Table::Employees,
                item: item(
                    json!({"company_id": "tx-new", "username": "a@tx.test", "role": "admin"}),
                ),
                condition: Condition::Absent,
            },
            TxOp::Check {
                table: Table::Companies,
                key: Key::of("tx-guard"),
                condition: Condition::equals("version", version),
            },
        ]
    };
    assert_eq!(
        store.transact(ops(99)).await,
        Err(StoreError::ConditionFailed)
    );
    assert!(
        store
            .get(Table::Companies, &Key::of("tx-new"))
            .await
            .unwrap()
            .is_none(),
        "all or nothing"
    );
    assert!(
        store
            .get(Table::Employees, &Key::with_sort("tx-new", "a@tx.test"))
            .await
            .unwrap()
            .is_none()
    );
    store.transact(ops(1)).await.unwrap();
    assert!(
        store
            .get(Table::Companies, &Key::of("tx-new"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .get(Table::Employees, &Key::with_sort("tx-new", "a@tx.test"))
            .await
            .unwrap()
            .is_some()
    );
    // The same writes again fail on their own create-once conditions.
    assert_eq!(
        store.transact(ops(1)).await,
        Err(StoreError::ConditionFailed)
    );
    let delete = vec![TxOp::Delete {
        table: Table::Companies,
        key: Key::of("tx-new"),
        condition: Condition::equals("version", 1),
    }];
    store.transact(delete).await.unwrap();
    assert!(
        store
            .get(Table::Companies, &Key::of("tx-new"))
            .await
            .unwrap()
            .is_none()
    );
}

async fn paging(store: &dyn ItemStore) {
    for n in 0..25 {
        let row =
            json!({"company_id": "page-co", "username": format!("u{n:02}"), "role": "employee"});
        store
            .put(Table::Employees, item(row), Condition::Absent)
            .await
            .unwrap();
    }
    let (items, pages) = all_pages(
        store,
        Table::Employees,
        Query::partition("page-co").limit(10),
    )
    .await;
    let expected: Vec<String> = (0..25).map(|n| format!("u{n:02}")).collect();
    assert_eq!(
        field(&items, "username"),
        expected,
        "every item once, in order"
    );
    assert!(pages >= 3, "three pages of at most ten");
    let (items, _) = all_pages(
        store,
        Table::Employees,
        Query::partition("page-co").limit(7).descending(),
    )
    .await;
    assert_eq!(
        field(&items, "username"),
        expected.iter().rev().cloned().collect::<Vec<_>>()
    );
    let bad = store
        .query(
            Table::Employees,
            &Query::partition("page-co").after(Some(domain::ports::Cursor("%%%".into()))),
        )
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
}

async fn values_and_ttl(store: &dyn ItemStore) {
    let stored = json!({
        "username": "ttl@acme.test", "expires_at": 1798761600, "ratio": 1.5, "negative": -3,
        "flag": true, "none": null, "list": [1, "two", {"three": 3}], "nested": {"a": {"b": "c"}}
    });
    store
        .put(Table::Invitations, item(stored.clone()), Condition::Absent)
        .await
        .unwrap();
    let read = store
        .get(Table::Invitations, &Key::of("ttl@acme.test"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        Value::Object(read),
        stored,
        "numbers, nesting and the TTL attribute survive"
    );
    let wrong_key = store
        .put(
            Table::Invitations,
            item(json!({"user": "x"})),
            Condition::Always,
        )
        .await;
    assert!(
        matches!(wrong_key, Err(StoreError::Invalid(_))),
        "{wrong_key:?}"
    );
}

/// DynamoDB counts an item's size in bytes, not characters: Devanagari text of a length any
/// character limit would pass is refused over 400 KB, on both sides, and nothing is written.
async fn item_size_in_bytes(store: &dyn ItemStore) {
    let text = |chars: usize| "न".repeat(chars);
    // 140,000 characters, 420,000 bytes: refused, alone or in a transaction.
    let big = item(json!({ "id": "q-big", "text": text(140_000) }));
    let refused = store
        .put(Table::Questions, big.clone(), Condition::Absent)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    let refused = store
        .transact(vec![TxOp::Put {
            table: Table::Questions,
            item: big,
            condition: Condition::Absent,
        }])
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(
        store.get(Table::Questions, &Key::of("q-big")).await,
        Ok(None)
    );
    // 125,000 characters, 375,000 bytes: stored.
    let fits = item(json!({ "id": "q-fits", "text": text(125_000) }));
    store
        .put(Table::Questions, fits.clone(), Condition::Absent)
        .await
        .unwrap();
    assert_eq!(
        store.get(Table::Questions, &Key::of("q-fits")).await,
        Ok(Some(fits))
    );
}

async fn suite(store: Arc<dyn ItemStore>) {
    conditional_writes(store.as_ref()).await;
    sort_key_queries(store.as_ref()).await;
    index_queries(store.as_ref()).await;
    transactions(store.as_ref()).await;
    paging(store.as_ref()).await;
    values_and_ttl(store.as_ref()).await;
    item_size_in_bytes(store.as_ref()).await;
}

#[tokio::test]
async fn sqlite_store_conforms() {
    let store = SqliteStore::open(&temp_dir("conformance").join("tables.sqlite3")).unwrap();
    suite(Arc::new(store)).await;
}

#[tokio::test]
async fn dynamodb_store_conforms_on_the_emulator() {
    let moto = MotoServer::start();
    let config = moto.sdk_config().await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let names = TableNames::prefixed("conformance-");
    create_tables(&client, &names).await.unwrap();
    suite(Arc::new(DynamoStore::new(client, names))).await;
}
