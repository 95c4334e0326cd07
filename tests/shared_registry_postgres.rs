//! The shared registry's tests start a private PostgreSQL 15 on 127.0.0.1 (tests/common/postgres.rs) and give
//! each test an empty database of its own.

mod common;

use common::postgres::PgDb;

#[test]
fn each_test_gets_an_empty_database_of_its_own_on_a_private_server() {
    let a = PgDb::new();
    let b = PgDb::new();
    assert_ne!(a.name, b.name);
    assert!(
        a.url().starts_with("postgres://desk@127.0.0.1:"),
        "{}",
        a.url()
    );
    let tables: i64 = a
        .admin()
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}
