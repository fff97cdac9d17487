//! The Prometheus registry: requests by route and status with latency, saves by outcome,
//! merges, the live channel and the database pools. One registry per running server, so
//! two servers in one process (tests) count apart. Who records and serves it: `http::metrics`
//! (requests, `/metrics`) and `live::hub` (connections), both above this module.

use std::sync::Arc;

use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry,
};

/// What a refused request's problem was, left on its response for the metrics.
#[derive(Clone, Copy, Debug)]
pub struct ProblemKind(pub &'static str);

/// Left on a stale-revision response: whether the three-way merge was clean.
#[derive(Clone, Copy, Debug)]
pub struct MergeOutcome {
    pub clean: bool,
}

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    in_flight: IntGauge,
    saves: IntCounterVec,
    merges: IntCounterVec,
    pub live: Arc<LiveMetrics>,
    pool_connections: IntGaugeVec,
}

/// A request in flight, for as long as this lives.
pub struct InFlight(IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The live channel's share, held by the hub and its connections.
pub struct LiveMetrics {
    pub sockets_open: IntGauge,
    pub messages_sent: IntCounter,
    /// From a save's commit to its `updated` message leaving for a socket.
    pub fanout_delay: Histogram,
    /// Writes of this instance's viewers to the shared presence table (PostgreSQL only).
    pub presence_writes: IntCounter,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let owned =
            Registry::new_custom(Some("concord".into()), None).expect("a valid metric prefix");
        let registry = &owned;
        let requests = register(
            registry,
            counters(
                "http_requests_total",
                "Requests answered, by route, method and status.",
                &["route", "method", "status"],
            ),
        );
        let latency = register(
            registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "http_request_duration_seconds",
                    "Time to answer a request (until its headers), by route and method.",
                )
                .buckets(vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ]),
                &["route", "method"],
            ),
        );
        let in_flight = register(
            registry,
            IntGauge::new(
                "http_requests_in_flight",
                "Requests being answered now: from their headers to their answer's.",
            ),
        );
        let saves = register(registry, counters("saves_total", "Document saves (PUT and PATCH) by outcome: ok, merged, replayed, stale_412, stale_409, slug_taken, invalid_state, invalid, other.", &["outcome"]));
        let merges = register(registry, counters("merges_total", "Three-way merges of a stale save with what was saved since, by result: clean or conflict.", &["result"]));
        let live = Arc::new(LiveMetrics {
            sockets_open: register(
                registry,
                IntGauge::new("live_sockets_open", "Live WebSockets open now."),
            ),
            messages_sent: register(
                registry,
                IntCounter::new("live_messages_sent_total", "Messages sent to live sockets."),
            ),
            presence_writes: register(
                registry,
                IntCounter::new(
                    "live_presence_writes_total",
                    "Writes of this instance's viewers to the presence shared by instances.",
                ),
            ),
            fanout_delay: register(
                registry,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "live_fanout_delay_seconds",
                        "From a save's commit to its announcement leaving for a watcher.",
                    )
                    .buckets(vec![
                        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                    ]),
                ),
            ),
        });
        let pool_connections = register(
            registry,
            IntGaugeVec::new(
                Opts::new(
                    "db_pool_connections",
                    "Database connections by pool (read, write) and state (idle, in_use).",
                ),
                &["pool", "state"],
            ),
        );
        Arc::new(Metrics {
            registry: owned,
            requests,
            latency,
            in_flight,
            saves,
            merges,
            live,
            pool_connections,
        })
    }

    /// A request begins; it counts as in flight until the guard goes (answered or dropped).
    pub fn begin(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// One answered request, under its route template.
    pub fn request(&self, route: &str, method: &str, status: &str, seconds: f64) {
        self.latency
            .with_label_values(&[route, method])
            .observe(seconds);
        self.requests
            .with_label_values(&[route, method, status])
            .inc();
    }

    /// One save, by what its answer says (`ok`, `merged`, `stale_412` …).
    pub fn save(&self, outcome: &str) {
        self.saves.with_label_values(&[outcome]).inc();
    }

    /// One three-way merge, clean or not.
    pub fn merge(&self, clean: bool) {
        let result = if clean { "clean" } else { "conflict" };
        self.merges.with_label_values(&[result]).inc();
    }

    /// Each pool's (name, connections open, connections idle), as now.
    pub fn pools(&self, stats: Vec<(&'static str, u32, u32)>) {
        for (pool, size, idle) in stats {
            let in_use = i64::from(size.saturating_sub(idle));
            self.pool_connections
                .with_label_values(&[pool, "idle"])
                .set(i64::from(idle));
            self.pool_connections
                .with_label_values(&[pool, "in_use"])
                .set(in_use);
        }
    }

    /// Everything in the text exposition format.
    pub fn text(&self) -> prometheus::Result<Vec<u8>> {
        use prometheus::Encoder;
        let mut text = Vec::new();
        prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut text)?;
        Ok(text)
    }
}

/// Counters by the given labels.
fn counters(name: &str, help: &str, labels: &[&str]) -> prometheus::Result<IntCounterVec> {
    IntCounterVec::new(Opts::new(name, help), labels)
}

/// A new metric, registered; each is made once per server, so failing is a bug.
fn register<C>(registry: &Registry, made: prometheus::Result<C>) -> C
where
    C: prometheus::core::Collector + Clone + 'static,
{
    let metric = made.expect("valid metric");
    registry
        .register(Box::new(metric.clone()))
        .expect("each metric registered once");
    metric
}
