//! `make bench-history`: how long the server takes to render the history of a repository
//! with 10,000 versions, from request to the last byte of HTML, through the real router.
//! Prints the median and the 90th percentile of each case over RUNS requests (default 50:
//! `bench-history RUNS`), after warming up.

use std::time::{Duration, Instant};

use http::StatusCode;
use releasedesk_tests::{seed_tags, TestApp};

const VERSIONS: usize = 10_000;

/// 10,000 tags over five majors: per minor, 45 patches and five release candidates of the
/// next one, as `bench-sync` has them.
fn tags() -> Vec<String> {
    let mut tags = Vec::with_capacity(VERSIONS);
    'outer: for major in 1..=5 {
        for minor in 0..40 {
            for patch in 0..50 {
                if tags.len() == VERSIONS {
                    break 'outer;
                }
                tags.push(if patch >= 45 {
                    format!("v{major}.{minor}.45-rc.{}", patch - 45)
                } else {
                    format!("v{major}.{minor}.{patch}")
                });
            }
        }
    }
    tags
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    let app = TestApp::new().await;
    let seeding = Instant::now();
    seed_tags(&app.pool, "big", "history", &tags()).await;
    println!(
        "seeded {VERSIONS} versions in {:.1} s; {runs} requests per case",
        seeding.elapsed().as_secs_f64()
    );

    let cases = [
        ("history, first page", "/big/history"),
        ("history, page 100", "/big/history?page=100"),
        ("history, last page", "/big/history?page=184"),
        ("history, search \"rc.3\"", "/big/history?q=rc.3"),
        ("history, rc channel", "/big/history?channel=rc"),
        ("history, line 3.x page 2", "/big/history?line=3.x&page=2"),
        (
            "API versions, 100 per page",
            "/api/v1/repos/big/history/versions?per_page=100",
        ),
    ];
    for (name, uri) in cases {
        for _ in 0..5 {
            app.get(uri).await;
        }
        let mut times = Vec::with_capacity(runs);
        let mut bytes = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let response = app.get(uri).await;
            times.push(start.elapsed());
            assert_eq!(response.status, StatusCode::OK, "{uri}: {}", response.body);
            bytes = response.body.len();
        }
        times.sort();
        println!(
            "{name:<28} median {:>6.1} ms   p90 {:>6.1} ms   {:>4} KiB",
            ms(times[runs / 2]),
            ms(times[runs * 9 / 10]),
            bytes / 1024
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
