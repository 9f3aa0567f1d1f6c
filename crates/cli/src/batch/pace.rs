//! Keeping a batch within a provider's documented limits (`x-rate-limit`): submits spaced so
//! that no minute holds more than the documented number, and no more texts in flight than the
//! provider allows at once.

use std::time::Duration;

use speech_facade::{RateLimit, Service};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// The submits' turns: one every `interval`, the first at once.
pub struct Pace {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pace {
    pub fn new(limit: RateLimit) -> Self {
        let interval = limit
            .requests_per_minute
            .map_or(Duration::ZERO, |per_minute| {
                Duration::from_secs(60) / per_minute.max(1)
            });
        Self {
            interval,
            next: Mutex::new(None),
        }
    }

    /// Waits for the next submit's turn.
    pub async fn turn(&self) {
        let mut next = self.next.lock().await;
        if let Some(at) = *next {
            tokio::time::sleep_until(at).await;
        }
        *next = Some(Instant::now() + self.interval);
    }
}

/// The limit of `operation` of `service`, and the concurrency a batch may use: the one asked
/// for, capped by the documented one.
pub fn limits(service: &Service, operation: &str, asked: u32) -> (RateLimit, u32) {
    let limit = service.rate_limit_of(operation);
    let concurrency = limit
        .concurrent
        .map_or(asked, |documented| asked.min(documented));
    (limit, concurrency.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn submits_are_spaced_by_the_documented_rate() {
        let pace = Pace::new(RateLimit {
            requests_per_minute: Some(20),
            concurrent: None,
        });
        let start = Instant::now();
        for _ in 0..3 {
            pace.turn().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(6));
        let free = Pace::new(RateLimit::default());
        let start = Instant::now();
        for _ in 0..3 {
            free.turn().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[test]
    fn the_concurrency_asked_for_is_capped_by_the_documented_one() {
        for service in speech_facade::providers() {
            let Some(synthesis) = service.speech.synthesize else {
                continue;
            };
            let documented = service.rate_limit_of(synthesis.operation).concurrent;
            let (_, concurrency) = limits(service, synthesis.operation, 1000);
            assert_eq!(concurrency, documented.unwrap_or(1000), "{}", service.name);
            assert_eq!(limits(service, synthesis.operation, 1).1, 1);
        }
    }
}
