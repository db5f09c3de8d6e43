//! Prometheus metrics of the serving process, and who may read them.

use std::net::IpAddr;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// Counters and histograms, registered once per process.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    pub login_failures: IntCounter,
    pub login_refused: IntCounter,
    pool_size: IntGauge,
    pool_idle: IntGauge,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("sharedoffice".to_owned()), None)
            .expect("static prefix is valid");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests served"),
            &["method", "route", "status"],
        )
        .expect("static metric");
        let duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to serve a request").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["method", "route"],
        )
        .expect("static metric");
        let login_failures = IntCounter::new(
            "login_failures_total",
            "Sign-ins refused for wrong credentials",
        )
        .expect("static metric");
        let login_refused = IntCounter::new(
            "login_throttled_total",
            "Sign-ins refused because of too many recent failures",
        )
        .expect("static metric");
        let pool_size = IntGauge::new("db_pool_connections", "Open database connections")
            .expect("static metric");
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle database connections")
            .expect("static metric");
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(duration.clone()),
            Box::new(login_failures.clone()),
            Box::new(login_refused.clone()),
            Box::new(pool_size.clone()),
            Box::new(pool_idle.clone()),
        ] {
            registry.register(c).expect("metric names are unique");
        }
        Self {
            registry,
            requests,
            duration,
            login_failures,
            login_refused,
            pool_size,
            pool_idle,
        }
    }

    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.duration
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// The exposition text, with the pool gauges read now.
    pub fn render(&self, pool: &crate::storage::Pool) -> String {
        let state = pool.state();
        self.pool_size.set(i64::from(state.connections));
        self.pool_idle.set(i64::from(state.idle_connections));
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for well-formed metric families.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Who may read `GET /metrics` (per-route counts and sign-in failures are
/// not for everyone).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MetricsAccess {
    /// Clients on this machine only (the default): a monitor scraping
    /// 127.0.0.1. A reverse proxy on the same machine is such a client too,
    /// so do not route /metrics through it, or set a token.
    #[default]
    Local,
    /// Whoever sends `Authorization: Bearer <token>`.
    Token(String),
    /// Everyone (a closed network where the port is not exposed).
    Public,
}

/// Why a request may not read the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsRefusal {
    /// Not from this machine, and no token is configured.
    NotLocal,
    /// A token is configured and the request did not send it.
    WrongToken,
}

impl MetricsAccess {
    /// Whether a request from `peer` with `bearer` (the token after
    /// `Bearer `, if any) may read the metrics.
    pub fn admit(&self, peer: Option<IpAddr>, bearer: Option<&str>) -> Result<(), MetricsRefusal> {
        match self {
            MetricsAccess::Public => Ok(()),
            MetricsAccess::Local => match peer.map(|ip| ip.to_canonical()) {
                Some(ip) if ip.is_loopback() => Ok(()),
                _ => Err(MetricsRefusal::NotLocal),
            },
            MetricsAccess::Token(expected) => match bearer {
                Some(given) if same_secret(given.as_bytes(), expected.as_bytes()) => Ok(()),
                _ => Err(MetricsRefusal::WrongToken),
            },
        }
    }
}

/// Compares two secrets in time that depends on their lengths only.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod access_tests {
    use super::*;

    #[test]
    fn local_access_admits_loopback_only() {
        let local = MetricsAccess::Local;
        assert!(
            local
                .admit(Some("127.0.0.1".parse().unwrap()), None)
                .is_ok()
        );
        assert!(
            local
                .admit(Some("127.8.0.3".parse().unwrap()), None)
                .is_ok()
        );
        assert!(local.admit(Some("::1".parse().unwrap()), None).is_ok());
        assert!(
            local
                .admit(Some("::ffff:127.0.0.1".parse().unwrap()), None)
                .is_ok()
        );
        assert_eq!(
            local.admit(Some("10.0.0.7".parse().unwrap()), Some("anything")),
            Err(MetricsRefusal::NotLocal)
        );
        assert_eq!(local.admit(None, None), Err(MetricsRefusal::NotLocal));
    }

    #[test]
    fn a_token_admits_whoever_sends_it_exactly() {
        let token = MetricsAccess::Token("giám sát 2026 bí mật".to_owned());
        let far = Some("10.0.0.7".parse().unwrap());
        assert!(token.admit(far, Some("giám sát 2026 bí mật")).is_ok());
        for wrong in [
            None,
            Some(""),
            Some("giám sát 2026 bí mậ"),
            Some("giám sát 2026 bí mật "),
        ] {
            assert_eq!(
                token.admit(far, wrong),
                Err(MetricsRefusal::WrongToken),
                "{wrong:?}"
            );
        }
        assert_eq!(
            token.admit(Some("127.0.0.1".parse().unwrap()), None),
            Err(MetricsRefusal::WrongToken),
            "with a token, this machine sends it too"
        );
        assert!(MetricsAccess::Public.admit(far, None).is_ok());
    }
}
