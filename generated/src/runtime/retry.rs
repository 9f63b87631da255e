//! When to try again: the retry policy, the server's `Retry-After`, and the
//! rule that joins them. Only compiled with the `client` feature.
//!
//! Graph throttles with `429 Too Many Requests` (and `503`/`504` under load)
//! and says how long to wait in `Retry-After`: whole seconds, decimal seconds
//! (`0.249`, which Graph sends) or an HTTP date. The runtime never tries again
//! before that moment. When the server asks for a longer wait than the policy
//! allows (`max_delay`), the call fails with `Error::Throttled` carrying the
//! server's value, so the caller can schedule the work, instead of retrying
//! early and being throttled harder.

use std::time::Duration;

/// How failed requests are retried: 429, 503 and 504 (and, for uploads, lost
/// connections and 5xx) are retried up to `max_attempts` in all, waiting for
/// `Retry-After` when the server sends it and otherwise for an exponential
/// backoff capped at `max_delay`. A `Retry-After` longer than `max_delay` is
/// not shortened: the call fails with `Error::Throttled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 4, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(30) }
    }
}

impl RetryPolicy {
    pub fn never() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The backoff before attempt `attempt + 1` when the server named no wait.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// How long to wait after failed attempt number `attempt` (1-based): the
    /// server's `Retry-After` when it gave one, else the backoff. `None` when
    /// the server's wait is beyond `max_delay` (the caller fails with
    /// `Error::Throttled` rather than retrying before the server allows).
    pub fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }
}

/// `Retry-After`: delay-seconds (`3`), decimal seconds (`0.249`) or an HTTP
/// date (`Wed, 21 Oct 2015 07:28:00 GMT`, a wait until then; zero once it has
/// passed). Waits are rounded *up* to the millisecond, never down. `None` for
/// anything else (negative, not a number, not a date).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_seconds(value);
    }
    let at = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(value).ok()?;
    Some(until(at))
}

/// `3` or `0.249`, exactly (no float rounding), rounded up to the millisecond.
fn parse_seconds(value: &str) -> Option<Duration> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = whole.parse().ok()?;
    // Nanoseconds from the first nine fraction digits; any further non-zero digit rounds up.
    let digits: String = fraction.chars().chain(std::iter::repeat('0')).take(9).collect();
    let mut nanos: u32 = digits.parse().ok()?;
    if fraction.len() > 9 && fraction[9..].bytes().any(|b| b != b'0') {
        nanos += 1;
    }
    Some(round_up_to_millis(Duration::new(seconds, 0).checked_add(Duration::from_nanos(nanos.into()))?))
}

/// The time from now until `at`, zero when `at` has passed.
pub(super) fn until(at: jiff::Timestamp) -> Duration {
    let left = at.duration_since(jiff::Timestamp::now());
    Duration::try_from(left).map(round_up_to_millis).unwrap_or(Duration::ZERO)
}

fn round_up_to_millis(wait: Duration) -> Duration {
    let millis = wait.as_nanos().div_ceil(1_000_000);
    Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_whole_seconds() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
    }

    #[test]
    fn retry_after_in_decimal_seconds_is_exact_to_the_millisecond() {
        assert_eq!(parse_retry_after("0.249"), Some(Duration::from_millis(249)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("1.05"), Some(Duration::from_millis(1050)));
        // Sub-millisecond parts round up, never down: waiting less than asked is retrying early.
        assert_eq!(parse_retry_after("0.0001"), Some(Duration::from_millis(1)));
        assert_eq!(parse_retry_after("2.0000000001"), Some(Duration::from_millis(2001)));
        assert_eq!(parse_retry_after("7."), Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_as_an_http_date() {
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO), "a date that has passed: no wait");
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(90);
        let text = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&later).unwrap();
        let wait = parse_retry_after(&text).unwrap();
        // The date has whole seconds: the wait is the time until then, to the millisecond.
        assert!(wait > Duration::from_secs(88) && wait <= Duration::from_secs(90), "{text} -> {wait:?}");
        assert_eq!(wait.subsec_nanos() % 1_000_000, 0);
    }

    #[test]
    fn retry_after_rejects_anything_else() {
        for bad in ["soon", "", "-1", "1e3", ".5", "0x10", "1.2.3", "3 s", "Wed, 99 Oct 2015 07:28:00 GMT"] {
            assert_eq!(parse_retry_after(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_is_exponential_and_capped() {
        let policy = RetryPolicy { max_attempts: 10, base_delay: Duration::from_secs(1), max_delay: Duration::from_secs(5) };
        let delays: Vec<u64> = (1..6).map(|a| policy.backoff(a).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
    }

    #[test]
    fn the_servers_wait_is_never_shortened() {
        let policy = RetryPolicy { max_attempts: 10, base_delay: Duration::from_millis(10), max_delay: Duration::from_secs(5) };
        assert_eq!(policy.wait(1, Some(Duration::from_millis(4_999))), Some(Duration::from_millis(4_999)));
        assert_eq!(policy.wait(1, Some(Duration::from_secs(5))), Some(Duration::from_secs(5)));
        assert_eq!(policy.wait(1, Some(Duration::from_millis(5_001))), None, "beyond the cap: fail, do not retry early");
        assert_eq!(policy.wait(3, None), Some(Duration::from_millis(40)));
    }
}
