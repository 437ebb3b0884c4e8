//! The repository's Atom feed (RFC 4287): releases, incidents and their updates, withdrawals
//! and end-of-life events, as one XML document. Ids are stable URLs, so readers never see an
//! entry twice.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{incident::Status, support::LineSupport, version::Channel};

/// At most this many releases, the newest, are in the feed.
pub const RELEASES: usize = 50;

/// One entry; `id` and `link` are absolute URLs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub link: String,
    pub updated: DateTime<Utc>,
    /// Plain text.
    pub summary: String,
    /// `release`, `incident`, `incident-update`, `withdrawal`, `end-of-life`.
    pub category: &'static str,
}

/// End-of-life events that have happened by `now`: a warning 7 days ahead and the day itself,
/// each dated at midnight UTC so the entry never moves.
pub fn end_of_life_entries(windows: &[LineSupport], page: &str, now: DateTime<Utc>) -> Vec<Entry> {
    let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
    let mut entries = Vec::new();
    for window in windows {
        let Some(eol) = window.eol else { continue };
        let line = window.line;
        let upgrade = window
            .latest
            .as_ref()
            .map(|v| format!(" Its last release is {v}."))
            .unwrap_or_default();
        if let Some(at) = midnight(eol - Duration::days(7)).filter(|at| *at <= now) {
            entries.push(Entry {
                id: format!("{page}#eol-{line}-in-7-days"),
                title: format!("{line} reaches end of life on {eol}"),
                link: page.to_owned(),
                updated: at,
                summary: format!(
                    "{line} gets no more fixes from {eol}, in 7 days. Plan the upgrade.{upgrade}"
                ),
                category: "end-of-life",
            });
        }
        if let Some(at) = midnight(eol).filter(|at| *at <= now) {
            entries.push(Entry {
                id: format!("{page}#eol-{line}"),
                title: format!("{line} reached end of life"),
                link: page.to_owned(),
                updated: at,
                summary: format!(
                    "From {eol}, {line} gets no more fixes, security fixes included.{upgrade}"
                ),
                category: "end-of-life",
            });
        }
    }
    entries
}

/// A released version as the feed tells of it, with its withdrawal if it was withdrawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Released {
    pub tag: String,
    /// The release's title; empty for a bare tag.
    pub title: String,
    pub channel: Channel,
    pub line: String,
    pub released_at: DateTime<Utc>,
    pub withdrawal: Option<Withdrawn>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawn {
    pub reason: String,
    pub superseded_by: Option<String>,
    pub at: DateTime<Utc>,
}

/// An incident as the feed tells of it: it appeared when published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    pub id: i64,
    pub title: String,
    pub affected: String,
    pub issue: String,
    pub at: DateTime<Utc>,
}

/// An update on an incident's public timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    pub incident_id: i64,
    pub id: i64,
    pub status: Option<Status>,
    pub message: String,
    pub at: DateTime<Utc>,
}

/// Entries for releases, newest first (`released`), the newest [`RELEASES`] of them, and for
/// every withdrawal among them all. `base` is the repository's address.
pub fn release_entries(base: &str, released: &[Released]) -> Vec<Entry> {
    let withdrawals = released.iter().filter_map(|version| {
        let w = version.withdrawal.as_ref()?;
        Some(Entry {
            id: format!("{base}/v/{}#withdrawn-{}", version.tag, w.at.timestamp()),
            title: format!("{} withdrawn", version.tag),
            link: format!("{base}/v/{}", version.tag),
            updated: w.at,
            summary: match &w.superseded_by {
                Some(newer) => format!("{} Use {newer} instead.", w.reason),
                None => w.reason.clone(),
            },
            category: "withdrawal",
        })
    });
    let releases = released.iter().take(RELEASES).map(|version| {
        let title = if version.title.is_empty() {
            &version.tag
        } else {
            &version.title
        };
        Entry {
            id: format!("{base}/v/{}", version.tag),
            title: format!("Released: {title}"),
            link: format!("{base}/v/{}", version.tag),
            updated: version.released_at,
            summary: format!(
                "{} ({} channel, line {}).",
                version.tag,
                version.channel.label(),
                version.line
            ),
            category: "release",
        }
    });
    withdrawals.chain(releases).collect()
}

/// Entries for published incidents and the updates on their timelines.
pub fn incident_entries(base: &str, incidents: &[Reported], updates: &[Update]) -> Vec<Entry> {
    let reported = incidents.iter().map(|incident| {
        let link = format!("{base}/incidents/{}", incident.id);
        Entry {
            id: link.clone(),
            title: format!("Incident: {}", incident.title),
            link,
            updated: incident.at,
            summary: format!("Affects {}. {}", incident.affected, incident.issue),
            category: "incident",
        }
    });
    let updated = updates.iter().map(|update| {
        let title = incidents
            .iter()
            .find(|i| i.id == update.incident_id)
            .map(|i| i.title.as_str())
            .unwrap_or_default();
        let status = update.status.map_or("Update", Status::label);
        let link = format!("{base}/incidents/{}", update.incident_id);
        Entry {
            id: format!("{link}#update-{}", update.id),
            title: format!("{status}: {title}"),
            link,
            updated: update.at,
            summary: update.message.clone(),
            category: "incident-update",
        }
    });
    reported.chain(updated).collect()
}

/// Characters XML 1.0 cannot hold (most C0 controls) are dropped; the rest is escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The feed, newest entry first. `updated` is the newest entry's date (or `fallback` when there
/// is none), so the same data gives the same document.
pub fn atom(
    feed_id: &str,
    title: &str,
    site: &str,
    mut entries: Vec<Entry>,
    fallback: DateTime<Utc>,
) -> String {
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    let updated = entries.first().map_or(fallback, |e| e.updated);
    let time = |at: DateTime<Utc>| at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", escape(feed_id)));
    out.push_str(&format!("  <title>{}</title>\n", escape(title)));
    out.push_str(&format!("  <updated>{}</updated>\n", time(updated)));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        escape(feed_id)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" href=\"{}\"/>\n",
        escape(site)
    ));
    out.push_str("  <author><name>Release Desk</name></author>\n");
    for entry in &entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", escape(&entry.id)));
        out.push_str(&format!("    <title>{}</title>\n", escape(&entry.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" href=\"{}\"/>\n",
            escape(&entry.link)
        ));
        out.push_str(&format!("    <updated>{}</updated>\n", time(entry.updated)));
        out.push_str(&format!("    <category term=\"{}\"/>\n", entry.category));
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&entry.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::support::Phase;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("date").to_utc()
    }

    #[test]
    fn text_is_escaped_and_controls_dropped() {
        assert_eq!(
            escape("<b>&\"'\u{7}\u{0}x\ny"),
            "&lt;b&gt;&amp;&quot;&apos;x\ny"
        );
    }

    #[test]
    fn end_of_life_is_announced_a_week_ahead_and_on_the_day() {
        let window = LineSupport {
            line: "2.x".parse().expect("line"),
            started: NaiveDate::from_ymd_opt(2025, 1, 1).expect("day"),
            eoas: None,
            eol: NaiveDate::from_ymd_opt(2026, 12, 1),
            phase: Phase::Security,
            latest: Some(semver::Version::new(2, 3, 2)),
            latest_released: None,
            explanation: String::new(),
        };
        let page = "https://rd.example/acme/orbit/support";
        assert!(end_of_life_entries(
            std::slice::from_ref(&window),
            page,
            at("2026-11-23T12:00:00Z")
        )
        .is_empty());
        let week = end_of_life_entries(
            std::slice::from_ref(&window),
            page,
            at("2026-11-24T00:00:00Z"),
        );
        assert_eq!(week.len(), 1);
        assert_eq!(
            week[0].id,
            "https://rd.example/acme/orbit/support#eol-2.x-in-7-days"
        );
        assert!(week[0].summary.contains("Its last release is 2.3.2."));
        let both = end_of_life_entries(&[window], page, at("2026-12-01T08:00:00Z"));
        assert_eq!(both.len(), 2);
        assert_eq!(both[1].updated, at("2026-12-01T00:00:00Z"));
    }

    #[test]
    fn the_feed_is_newest_first_and_dated_by_its_newest_entry() {
        let entry = |id: &str, when: &str| Entry {
            id: format!("https://rd.example/{id}"),
            title: format!("<{id}>"),
            link: "https://rd.example/".to_owned(),
            updated: at(when),
            summary: "s".to_owned(),
            category: "release",
        };
        let xml = atom(
            "https://rd.example/acme/orbit/feed.atom",
            "acme/orbit",
            "https://rd.example/acme/orbit",
            vec![
                entry("a", "2026-01-01T00:00:00Z"),
                entry("b", "2026-02-01T00:00:00Z"),
            ],
            at("2020-01-01T00:00:00Z"),
        );
        assert!(xml.contains("<updated>2026-02-01T00:00:00Z</updated>\n  <link"));
        assert!(xml.find("rd.example/b</id>") < xml.find("rd.example/a</id>"));
        assert!(xml.contains("<title>&lt;a&gt;</title>"));
    }

    fn released(tag: &str, at: &str, withdrawal: Option<Withdrawn>) -> Released {
        Released {
            tag: tag.to_owned(),
            title: String::new(),
            channel: Channel::Stable,
            line: "1.x".to_owned(),
            released_at: self::at(at),
            withdrawal,
        }
    }

    #[test]
    fn releases_are_capped_and_every_withdrawal_is_told() {
        let withdrawn = Withdrawn {
            reason: "broken".to_owned(),
            superseded_by: Some("1.0.2".to_owned()),
            at: at("2026-03-02T10:00:00Z"),
        };
        let mut versions: Vec<Released> = (0..RELEASES + 5)
            .map(|n| released(&format!("v1.0.{n}"), "2026-03-01T10:00:00Z", None))
            .collect();
        versions.push(released("v0.9.0", "2026-01-01T10:00:00Z", Some(withdrawn)));
        let entries = release_entries("https://rd.test/acme/orbit", &versions);
        let count = |category| entries.iter().filter(|e| e.category == category).count();
        assert_eq!(count("release"), RELEASES);
        assert_eq!(count("withdrawal"), 1);
        let withdrawal = entries
            .iter()
            .find(|e| e.category == "withdrawal")
            .expect("a withdrawal");
        assert_eq!(withdrawal.title, "v0.9.0 withdrawn");
        assert_eq!(withdrawal.summary, "broken Use 1.0.2 instead.");
        assert_eq!(
            withdrawal.id,
            format!(
                "https://rd.test/acme/orbit/v/v0.9.0#withdrawn-{}",
                at("2026-03-02T10:00:00Z").timestamp()
            )
        );
        assert_eq!(
            entries[1].title, "Released: v1.0.0",
            "a bare tag is named by its tag"
        );
    }

    #[test]
    fn updates_are_told_under_their_incident() {
        let incident = Reported {
            id: 7,
            title: "Login loops".to_owned(),
            affected: ">=1.4.0, <1.4.3".to_owned(),
            issue: "Sessions expire at once.".to_owned(),
            at: at("2026-03-01T10:00:00Z"),
        };
        let update = Update {
            incident_id: 7,
            id: 3,
            status: Some(Status::Resolved),
            message: "Fixed in 1.4.3.".to_owned(),
            at: at("2026-03-02T10:00:00Z"),
        };
        let entries = incident_entries("https://rd.test/a/b", &[incident], &[update]);
        assert_eq!(entries[0].id, "https://rd.test/a/b/incidents/7");
        assert_eq!(
            entries[0].summary,
            "Affects >=1.4.0, <1.4.3. Sessions expire at once."
        );
        assert_eq!(entries[1].id, "https://rd.test/a/b/incidents/7#update-3");
        assert_eq!(entries[1].title, "Resolved: Login loops");
    }
}
