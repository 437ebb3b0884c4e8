//! Dates as people read them.

use chrono::{DateTime, Utc};

/// "today", "yesterday", "3 days ago", "2 months ago", "in 5 days"... relative to `now`.
///
/// `now` is passed in (never read from the clock here) so that the server and the hydrating
/// browser render the same words.
pub fn relative_date(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = now
        .date_naive()
        .signed_duration_since(then.date_naive())
        .num_days();
    let (amount, unit) = match days.unsigned_abs() {
        0 => return "today".to_owned(),
        1 if days > 0 => return "yesterday".to_owned(),
        1 => return "tomorrow".to_owned(),
        n @ 2..=13 => (n, "day"),
        n @ 14..=59 => (n / 7, "week"),
        n @ 60..=547 => (n / 30, "month"),
        // From 18 months on, whole years, rounded.
        n => ((n + 182) / 365, "year"),
    };
    let plural = if amount == 1 { "" } else { "s" };
    if days > 0 {
        format!("{amount} {unit}{plural} ago")
    } else {
        format!("in {amount} {unit}{plural}")
    }
}

/// The exact date shown on hover and in `<time datetime>`: `2025-01-15`.
pub fn iso_date(date: DateTime<Utc>) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The long form for titles: `15 January 2025, 14:03 UTC`.
pub fn long_date(date: DateTime<Utc>) -> String {
    date.format("%-d %B %Y, %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("valid test date")
    }

    #[test]
    fn counts_calendar_days_not_24_hour_spans() {
        let now = at(2026, 11, 24, 1);
        assert_eq!(relative_date(at(2026, 11, 24, 0), now), "today");
        assert_eq!(relative_date(at(2026, 11, 23, 23), now), "yesterday");
        assert_eq!(relative_date(at(2026, 11, 25, 0), now), "tomorrow");
    }

    #[test]
    fn picks_a_unit_that_reads_naturally() {
        let now = at(2026, 11, 24, 12);
        let cases = [
            (at(2026, 11, 21, 12), "3 days ago"),
            (at(2026, 11, 11, 12), "13 days ago"),
            (at(2026, 11, 10, 12), "2 weeks ago"),
            (at(2026, 9, 26, 12), "8 weeks ago"),
            (at(2026, 9, 20, 12), "2 months ago"),
            (at(2025, 11, 25, 12), "12 months ago"),
            (at(2025, 6, 25, 12), "17 months ago"),
            (at(2025, 3, 20, 12), "2 years ago"),
            (at(2024, 11, 24, 12), "2 years ago"),
            (at(2023, 11, 24, 12), "3 years ago"),
            (at(2026, 11, 29, 12), "in 5 days"),
            (at(2027, 2, 1, 12), "in 2 months"),
        ];
        for (then, words) in cases {
            assert_eq!(relative_date(then, now), words, "{then}");
        }
    }

    #[test]
    fn formats_exact_dates() {
        assert_eq!(iso_date(at(2025, 1, 5, 14)), "2025-01-05");
        assert_eq!(long_date(at(2025, 1, 5, 14)), "5 January 2025, 14:00 UTC");
    }
}
