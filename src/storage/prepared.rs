//! Hand-written SQL whose prepared statement is kept.
//!
//! Diesel's `sql_query` prepares its text afresh on every call, because it
//! cannot know whether the text was built from user data. The assignment
//! queries run on every booking and are fixed text, so they use
//! [`Prepared`]: the connection's statement cache keeps them by their SQL,
//! and a call only binds and steps.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamp, Untyped};
use diesel::sqlite::Sqlite;

/// A bound value.
#[derive(Debug, Clone)]
pub enum Value {
    Timestamp(NaiveDateTime),
    Date(NaiveDate),
    Integer(i32),
    BigInt(i64),
    Text(Option<String>),
}

/// SQL with a `?` where each value goes, in order; the text itself must
/// not contain `?` otherwise. Diesel writes each backend's placeholder.
#[derive(Debug, Clone)]
pub struct Prepared {
    sql: String,
    values: Vec<Value>,
}

impl Prepared {
    /// # Panics
    /// If the number of `?` differs from the number of values: a
    /// programming error in a fixed query.
    pub fn new(sql: String, values: Vec<Value>) -> Self {
        assert_eq!(
            sql.matches('?').count(),
            values.len(),
            "one value per placeholder"
        );
        Self { sql, values }
    }
}

impl Prepared {
    /// Runs the query on either backend.
    pub fn load<T>(self, conn: &mut super::DbConn) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
    {
        match conn {
            super::DbConn::Sqlite(c) => RunQueryDsl::load(self, c),
            super::DbConn::Postgres(c) => RunQueryDsl::load(self, c),
        }
    }
}

impl QueryId for Prepared {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Prepared {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Prepared {}

macro_rules! walk_for {
    ($backend:ty) => {
        impl QueryFragment<$backend> for Prepared {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, $backend>) -> QueryResult<()> {
                let mut pieces = self.sql.split('?');
                out.push_sql(pieces.next().unwrap_or_default());
                for (value, piece) in self.values.iter().zip(pieces) {
                    match value {
                        Value::Timestamp(v) => out.push_bind_param::<Timestamp, _>(v)?,
                        Value::Date(v) => out.push_bind_param::<Date, _>(v)?,
                        Value::Integer(v) => out.push_bind_param::<Integer, _>(v)?,
                        Value::BigInt(v) => out.push_bind_param::<BigInt, _>(v)?,
                        Value::Text(v) => out.push_bind_param::<Nullable<Text>, _>(v)?,
                    }
                    out.push_sql(piece);
                }
                Ok(())
            }
        }
    };
}

walk_for!(Sqlite);
walk_for!(Pg);
