//! When things are sent: a failed delivery is tried again later and later for a day, then
//! given up; a line's end of full support and end of life are announced 30, 7 and 1 days
//! ahead.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::notice::SupportEnd;
use crate::domain::{support::LineSupport, version::Line};

/// The wait after the 1st, 2nd, ... failed attempt; the last one repeats. Short at first (a
/// receiver restarting), then hours (a receiver down for the night).
pub const RETRY_DELAYS_MINUTES: [i64; 7] = [1, 5, 15, 60, 180, 360, 720];
/// A notice older than this is stale: no attempt is made after it.
pub const GIVE_UP_AFTER_HOURS: i64 = 24;
/// Failed attempts in a row, across deliveries, after which a hook is turned off.
pub const FAILURES_TO_DISABLE_HOOK: i64 = 8;

/// When to try a delivery again after `attempts_made` failed attempts (0 counts as 1), or
/// `None` when that would be more than [`GIVE_UP_AFTER_HOURS`] after the delivery was
/// `created`: then it is given up.
pub fn next_attempt(
    attempts_made: u32,
    created: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let index = (attempts_made.max(1) as usize - 1).min(RETRY_DELAYS_MINUTES.len() - 1);
    let next = now + Duration::minutes(RETRY_DELAYS_MINUTES[index]);
    (next <= created + Duration::hours(GIVE_UP_AFTER_HOURS)).then_some(next)
}

/// Days before an end that people are warned, from the first warning to the last.
pub const WARNING_DAYS: [i64; 3] = [30, 7, 1];

/// One warning due: `line`'s `end` comes on `date`, `days_left` from today, and `threshold` is
/// the warning (30, 7 or 1 days) this is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndWarning {
    pub line: Line,
    pub end: SupportEnd,
    /// The first day without it.
    pub date: NaiveDate,
    pub days_left: i64,
    pub threshold: i64,
}

/// The end-of-support warnings due `today` for the lines' `windows`: for each coming end, the
/// nearest threshold it has passed. A warning stays due until the next threshold, so callers
/// send each (line, end, threshold) once and a server that was down on the day still warns
/// late rather than never.
pub fn end_warnings(windows: &[LineSupport], today: NaiveDate) -> Vec<EndWarning> {
    let mut warnings = Vec::new();
    for window in windows {
        let ends = [
            (window.eoas, SupportEnd::FullSupport),
            (window.eol, SupportEnd::Life),
        ];
        for (date, end) in ends {
            let Some(date) = date else { continue };
            let days_left = (date - today).num_days();
            if days_left < 1 {
                continue;
            }
            let threshold = WARNING_DAYS.into_iter().filter(|t| days_left <= *t).min();
            if let Some(threshold) = threshold {
                warnings.push(EndWarning {
                    line: window.line,
                    end,
                    date,
                    days_left,
                    threshold,
                });
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::support::Phase;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 5, hour, minute, 0)
            .single()
            .expect("test time")
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    fn window(line: &str, eoas: Option<&str>, eol: Option<&str>) -> LineSupport {
        LineSupport {
            line: line.parse().expect("test line"),
            started: day("2025-01-01"),
            eoas: eoas.map(day),
            eol: eol.map(day),
            phase: Phase::Full,
            latest: None,
            latest_released: None,
            explanation: String::new(),
        }
    }

    #[test]
    fn retries_wait_longer_each_time() {
        let created = at(0, 0);
        assert_eq!(next_attempt(1, created, at(0, 0)), Some(at(0, 1)));
        assert_eq!(next_attempt(2, created, at(0, 1)), Some(at(0, 6)));
        assert_eq!(next_attempt(3, created, at(0, 6)), Some(at(0, 21)));
        assert_eq!(next_attempt(4, created, at(0, 21)), Some(at(1, 21)));
        assert_eq!(next_attempt(7, created, at(2, 0)), Some(at(14, 0)));
        // Beyond the table the last delay repeats.
        assert_eq!(next_attempt(8, created, at(3, 0)), Some(at(15, 0)));
        assert_eq!(next_attempt(50, created, at(3, 0)), Some(at(15, 0)));
        // Zero attempts is treated as one rather than indexing before the table.
        assert_eq!(next_attempt(0, created, at(0, 0)), Some(at(0, 1)));
    }

    #[test]
    fn a_day_after_creation_it_gives_up() {
        let created = at(0, 0);
        let day_later = created + Duration::hours(GIVE_UP_AFTER_HOURS);
        // Landing exactly on the deadline is still allowed; a minute past it is not.
        assert_eq!(
            next_attempt(7, created, day_later - Duration::minutes(720)),
            Some(day_later)
        );
        assert_eq!(
            next_attempt(7, created, day_later - Duration::minutes(719)),
            None
        );
        assert_eq!(next_attempt(1, created, day_later), None);
    }

    #[test]
    fn the_whole_table_fits_in_a_day() {
        // Sent as soon as it is due, a delivery gets every delay of the table before it gives up.
        let created = at(0, 0);
        let mut now = created;
        let mut attempts = 0;
        while let Some(next) = next_attempt(attempts + 1, created, now) {
            attempts += 1;
            now = next;
        }
        assert!(
            attempts as usize >= RETRY_DELAYS_MINUTES.len(),
            "{attempts}"
        );
    }

    #[test]
    fn warnings_come_at_30_7_and_1_days() {
        let today = day("2027-01-05");
        let due = |days: i64| {
            let date = (today + Duration::days(days)).to_string();
            end_warnings(&[window("2.x", Some(&date), None)], today)
                .first()
                .map(|w| (w.days_left, w.threshold))
        };
        assert_eq!(due(31), None);
        assert_eq!(due(30), Some((30, 30)));
        assert_eq!(due(29), Some((29, 30)));
        assert_eq!(due(8), Some((8, 30)));
        assert_eq!(due(7), Some((7, 7)));
        assert_eq!(due(2), Some((2, 7)));
        assert_eq!(due(1), Some((1, 1)));
        assert_eq!(due(0), None);
        assert_eq!(due(-3), None);
    }

    #[test]
    fn both_ends_of_each_line_are_warned() {
        let today = day("2027-01-05");
        let windows = [
            window("3.x", None, None),
            window("2.x", Some("2027-01-12"), Some("2027-02-01")),
            window("1.x", Some("2026-06-01"), Some("2027-01-06")),
        ];
        let warnings = end_warnings(&windows, today);
        assert_eq!(
            warnings,
            vec![
                EndWarning {
                    line: windows[1].line,
                    end: SupportEnd::FullSupport,
                    date: day("2027-01-12"),
                    days_left: 7,
                    threshold: 7,
                },
                EndWarning {
                    line: windows[1].line,
                    end: SupportEnd::Life,
                    date: day("2027-02-01"),
                    days_left: 27,
                    threshold: 30,
                },
                EndWarning {
                    line: windows[2].line,
                    end: SupportEnd::Life,
                    date: day("2027-01-06"),
                    days_left: 1,
                    threshold: 1,
                },
            ]
        );
    }
}
