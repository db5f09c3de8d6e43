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
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamp};
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
    /// Runs the query on either backend and decodes each row by position as
    /// `ST` (a tuple of SQL types), with no lookup of columns by name.
    pub fn load_as<ST, T>(self, conn: &mut super::DbConn) -> QueryResult<Vec<T>>
    where
        ST: 'static,
        Typed<ST>: diesel::query_dsl::LoadQuery<'static, diesel::SqliteConnection, T>
            + diesel::query_dsl::LoadQuery<'static, diesel::PgConnection, T>,
    {
        let typed = Typed::<ST> {
            query: self,
            row: std::marker::PhantomData,
        };
        match conn {
            super::DbConn::Sqlite(c) => RunQueryDsl::load(typed, c),
            super::DbConn::Postgres(c) => RunQueryDsl::load(typed, c),
        }
    }
}

/// A [`Prepared`] whose rows have the SQL types `ST`.
pub struct Typed<ST> {
    query: Prepared,
    row: std::marker::PhantomData<ST>,
}

impl<ST> QueryId for Typed<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST: 'static> Query for Typed<ST> {
    type SqlType = ST;
}

impl<ST, Conn> RunQueryDsl<Conn> for Typed<ST> {}

impl<ST, DB: diesel::backend::Backend> QueryFragment<DB> for Typed<ST>
where
    Prepared: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out)
    }
}

impl QueryId for Prepared {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

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
