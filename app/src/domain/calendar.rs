//! The support calendar (RFC 5545): each line's start, end of full support and end of life as
//! all-day events with stable UIDs, so that a subscribed calendar updates rather than duplicates.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::support::LineSupport;

/// One all-day event.
struct Event {
    uid: String,
    date: NaiveDate,
    summary: String,
    description: String,
}

/// The calendar of `owner/name`'s lines and planned releases (tag, target date). `stamp` is
/// when it was made (DTSTAMP), `page` the support page the events link to.
pub fn support_calendar(
    owner: &str,
    name: &str,
    windows: &[LineSupport],
    planned: &[(String, NaiveDate)],
    page: &str,
    stamp: DateTime<Utc>,
) -> String {
    let mut events = Vec::new();
    for (tag, date) in planned {
        events.push(Event {
            uid: format!("{owner}/{name}/planned/{tag}@releasedesk"),
            date: *date,
            summary: format!("{name} {tag} planned"),
            description: format!("The target date of {owner}/{name} {tag}, a planned release."),
        });
    }
    for window in windows {
        let line = window.line.to_string();
        let uid = |kind: &str| format!("{owner}/{name}/{line}/{kind}@releasedesk");
        events.push(Event {
            uid: uid("start"),
            date: window.started,
            summary: format!("{name} {line} released"),
            description: format!("The {line} line of {owner}/{name} starts: full support."),
        });
        if let Some(date) = window.eoas {
            events.push(Event {
                uid: uid("eoas"),
                date,
                summary: format!("{name} {line}: end of full support"),
                description: format!("From today {owner}/{name} {line} gets security fixes only."),
            });
        }
        if let Some(date) = window.eol {
            events.push(Event {
                uid: uid("eol"),
                date,
                summary: format!("{name} {line}: end of life"),
                description: format!(
                    "From today {owner}/{name} {line} gets no more fixes. Upgrade."
                ),
            });
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date).then(a.uid.cmp(&b.uid)));

    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Release Desk//Support calendar//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!(
            "X-WR-CALNAME:{}",
            escape(&format!("{owner}/{name} support"))
        ),
    ];
    let stamp = stamp.format("%Y%m%dT%H%M%SZ");
    for event in events {
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", escape(&event.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", event.date.format("%Y%m%d")),
            format!(
                "DTEND;VALUE=DATE:{}",
                (event.date + Duration::days(1)).format("%Y%m%d")
            ),
            format!("SUMMARY:{}", escape(&event.summary)),
            format!("DESCRIPTION:{}", escape(&event.description)),
            format!("URL:{page}"),
            "TRANSP:TRANSPARENT".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line) + "\r\n").collect()
}

/// TEXT escaping: backslash, semicolon, comma and newline.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Lines longer than 75 octets continue on the next line after CRLF and a space, never
/// splitting a UTF-8 character.
fn fold(line: &str) -> String {
    let mut folded = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            folded.push_str("\r\n ");
            width = 1;
        }
        folded.push(c);
        width += c.len_utf8();
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{support::Phase, version::Line};

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn events_with_stable_uids_in_rfc5545_form() {
        let windows = vec![LineSupport {
            line: Line {
                major: 2,
                minor: None,
            },
            started: date("2025-02-22"),
            eoas: Some(date("2026-07-27")),
            eol: Some(date("2027-01-27")),
            phase: Phase::Security,
            latest: None,
            latest_released: None,
            explanation: String::new(),
        }];
        let stamp = "2026-11-24T10:00:00Z".parse().expect("time");
        let ics = support_calendar(
            "acme",
            "orbit",
            &windows,
            &[],
            "http://x/acme/orbit/support",
            stamp,
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
        assert!(ics.contains("UID:acme/orbit/2.x/eol@releasedesk\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20270127\r\nDTEND;VALUE=DATE:20270128\r\n"));
        assert!(ics.contains("DTSTAMP:20261124T100000Z"));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "folded");
        assert!(!ics.replace("\r\n", "").contains('\n'), "CRLF only");
        // The same data makes the same calendar: subscribers see updates, not duplicates.
        assert_eq!(
            ics,
            support_calendar(
                "acme",
                "orbit",
                &windows,
                &[],
                "http://x/acme/orbit/support",
                stamp
            )
        );
        let planned = [("v3.0.0".to_owned(), date("2027-02-01"))];
        let with_plan = support_calendar("acme", "orbit", &windows, &planned, "http://x", stamp);
        assert_eq!(with_plan.matches("BEGIN:VEVENT").count(), 4);
        assert!(with_plan.contains("UID:acme/orbit/planned/v3.0.0@releasedesk\r\n"));
        assert!(with_plan.contains("SUMMARY:orbit v3.0.0 planned\r\n"));
        assert!(with_plan.contains("DTSTART;VALUE=DATE:20270201\r\n"));
    }

    #[test]
    fn text_is_escaped_and_long_lines_folded() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = "SUMMARY:".to_owned() + &"é".repeat(60);
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", ""), long);
    }
}
