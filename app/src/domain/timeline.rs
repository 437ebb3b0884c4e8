//! The support timeline's geometry: one bar per line, split by phase, on a shared time axis
//! with year ticks and a "today" marker. Pure, so the page only draws what this computes.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::support::{LineSupport, Phase};

/// The drawing's width in SVG units; heights follow the number of lines.
pub const WIDTH: f64 = 1000.0;
/// Left margin for the line labels.
pub const LABEL_WIDTH: f64 = 70.0;
pub const ROW_HEIGHT: f64 = 34.0;
pub const AXIS_HEIGHT: f64 = 28.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub height: f64,
    pub rows: Vec<Row>,
    pub today_x: f64,
    pub ticks: Vec<Tick>,
    /// Planned releases at their target dates.
    pub planned: Vec<Tick>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub label: String,
    pub y: f64,
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub x: f64,
    pub width: f64,
    pub phase: Phase,
    /// What the segment means, for its tooltip: "full support from 2025-02-22 to 2026-07-27".
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// Lays out `windows` (newest first, as `support_windows` gives them) and the planned releases
/// (tag, target date) around `today`.
pub fn timeline(
    windows: &[LineSupport],
    planned: &[(String, NaiveDate)],
    today: NaiveDate,
) -> Timeline {
    let first = windows.iter().map(|w| w.started).min().unwrap_or(today);
    let last_date = windows
        .iter()
        .filter_map(|w| w.eol)
        .chain(planned.iter().map(|(_, date)| *date))
        .max()
        .unwrap_or(today)
        .max(today);
    // A little room after the last date, and at least six months ahead of today.
    let start = first - Duration::days(15);
    let end = (last_date + Duration::days(45)).max(today + Duration::days(180));
    let span = (end - start).num_days().max(1) as f64;
    let x = |date: NaiveDate| {
        LABEL_WIDTH + (WIDTH - LABEL_WIDTH) * ((date - start).num_days() as f64 / span)
    };

    let rows = windows
        .iter()
        .enumerate()
        .map(|(i, window)| {
            let full_end = window.eoas.unwrap_or(end);
            let mut segments = vec![segment(
                x(window.started),
                x(full_end),
                Phase::Full,
                window.started,
                window.eoas,
            )];
            if let Some(eoas) = window.eoas {
                let security_end = window.eol.unwrap_or(end);
                if security_end > eoas {
                    segments.push(segment(
                        x(eoas),
                        x(security_end),
                        Phase::Security,
                        eoas,
                        window.eol,
                    ));
                }
            }
            if let Some(eol) = window.eol {
                segments.push(segment(x(eol), x(end), Phase::Eol, eol, None));
            }
            Row {
                label: window.line.to_string(),
                y: AXIS_HEIGHT + i as f64 * ROW_HEIGHT,
                segments,
            }
        })
        .collect();

    let ticks = (first.year()..=end.year())
        .filter_map(|year| NaiveDate::from_ymd_opt(year, 1, 1))
        .filter(|date| *date > start && *date < end)
        .map(|date| Tick {
            x: x(date),
            label: date.year().to_string(),
        })
        .collect();

    let planned = planned
        .iter()
        .filter(|(_, date)| *date > start)
        .map(|(tag, date)| Tick {
            x: x(*date),
            label: format!("{tag} planned for {date}"),
        })
        .collect();

    Timeline {
        height: AXIS_HEIGHT + windows.len() as f64 * ROW_HEIGHT + 20.0,
        rows,
        today_x: x(today),
        ticks,
        planned,
    }
}

fn segment(
    from_x: f64,
    to_x: f64,
    phase: Phase,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Segment {
    let what = match phase {
        Phase::Full => "full support",
        Phase::Security => "security fixes only",
        Phase::Eol => "end of life",
    };
    let title = match (phase, to) {
        (Phase::Eol, _) => format!("{what} since {from}"),
        (_, Some(to)) => format!("{what} from {from} to {to}"),
        (_, None) => format!("{what} since {from}, no end date yet"),
    };
    Segment {
        x: from_x,
        width: (to_x - from_x).max(0.0),
        phase,
        title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::version::Line;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn window(
        major: u64,
        started: &str,
        eoas: Option<&str>,
        eol: Option<&str>,
        phase: Phase,
    ) -> LineSupport {
        LineSupport {
            line: Line { major, minor: None },
            started: date(started),
            eoas: eoas.map(date),
            eol: eol.map(date),
            phase,
            latest: None,
            latest_released: None,
            explanation: String::new(),
        }
    }

    #[test]
    fn bars_follow_the_dates_and_today_sits_between() {
        let today = date("2026-11-24");
        let windows = [
            window(3, "2026-07-27", None, None, Phase::Full),
            window(
                2,
                "2025-02-22",
                Some("2026-07-27"),
                Some("2027-01-27"),
                Phase::Security,
            ),
            window(
                1,
                "2023-11-20",
                Some("2025-02-22"),
                Some("2025-08-22"),
                Phase::Eol,
            ),
        ];
        let t = timeline(&windows, &[], today);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].label, "3.x");
        assert_eq!(
            t.rows[0].segments.len(),
            1,
            "the newest line is all full support"
        );
        let two = &t.rows[1].segments;
        assert_eq!(
            two.iter().map(|s| s.phase).collect::<Vec<_>>(),
            [Phase::Full, Phase::Security, Phase::Eol]
        );
        // The full segment of 2.x ends where 3.x starts.
        let three_start = t.rows[0].segments[0].x;
        assert!((two[0].x + two[0].width - three_start).abs() < 1e-9);
        assert!(
            t.today_x > two[1].x && t.today_x < two[1].x + two[1].width,
            "today is in 2.x's security phase"
        );
        for row in &t.rows {
            for s in &row.segments {
                assert!(s.x >= LABEL_WIDTH && s.x + s.width <= WIDTH + 1e-9 && s.width >= 0.0);
            }
        }
        let years: Vec<&str> = t.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(years, ["2024", "2025", "2026", "2027"]);
        assert!(t.ticks.windows(2).all(|w| w[0].x < w[1].x));
        assert!(two[1].title.contains("2026-07-27 to 2027-01-27"));
    }

    #[test]
    fn a_planned_release_sits_at_its_target_date_and_widens_the_axis() {
        let planned = [("v4.0.0".to_owned(), date("2028-03-01"))];
        let t = timeline(&[], &planned, date("2026-11-24"));
        assert_eq!(t.planned.len(), 1);
        assert_eq!(t.planned[0].label, "v4.0.0 planned for 2028-03-01");
        assert!(t.planned[0].x > t.today_x && t.planned[0].x < WIDTH);
        assert!(t.ticks.iter().any(|tick| tick.label == "2028"));
    }

    #[test]
    fn no_lines_still_draws_an_axis() {
        let t = timeline(&[], &[], date("2026-11-24"));
        assert!(t.rows.is_empty());
        assert!(t.today_x >= LABEL_WIDTH && t.today_x <= WIDTH);
    }
}
