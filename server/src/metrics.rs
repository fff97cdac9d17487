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
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let registry =
            Registry::new_custom(Some("concord".into()), None).expect("a valid metric prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "Requests answered, by route, method and status.",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer a request (until its headers), by route and method.",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route", "method"],
        )
        .expect("valid metric");
        let in_flight = IntGauge::new(
            "http_requests_in_flight",
            "Requests being answered now: from their headers to their answer's.",
        )
        .expect("valid metric");
        let saves = IntCounterVec::new(
            Opts::new(
                "saves_total",
                "Document saves (PUT and PATCH) by outcome: ok, merged, replayed, stale_412, stale_409, slug_taken, invalid_state, invalid, other.",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let merges = IntCounterVec::new(
            Opts::new(
                "merges_total",
                "Three-way merges of a stale save with what was saved since, by result: clean or conflict.",
            ),
            &["result"],
        )
        .expect("valid metric");
        let live = Arc::new(LiveMetrics {
            sockets_open: IntGauge::new("live_sockets_open", "Live WebSockets open now.")
                .expect("valid metric"),
            messages_sent: IntCounter::new(
                "live_messages_sent_total",
                "Messages sent to live sockets.",
            )
            .expect("valid metric"),
            fanout_delay: Histogram::with_opts(
                HistogramOpts::new(
                    "live_fanout_delay_seconds",
                    "From a save's commit to its announcement leaving for a watcher.",
                )
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                ]),
            )
            .expect("valid metric"),
        });
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database connections by pool (read, write) and state (idle, in_use).",
            ),
            &["pool", "state"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(in_flight.clone()),
            Box::new(saves.clone()),
            Box::new(merges.clone()),
            Box::new(live.sockets_open.clone()),
            Box::new(live.messages_sent.clone()),
            Box::new(live.fanout_delay.clone()),
            Box::new(pool_connections.clone()),
        ] {
            registry
                .register(collector)
                .expect("each metric registered once");
        }
        Arc::new(Metrics {
            registry,
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
