//! Trip costs (placeholder)
