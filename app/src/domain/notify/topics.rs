//! What a subscriber (or a hook) asked for: topics and, optionally, lines. Checked as a form
//! sends them, stored space-separated, and matched against each event.

use super::notice::{Notice, Topic};
use crate::domain::version::Line;

/// Most lines one subscription can filter on; more is a mistake or an attack on the form.
pub const MAX_LINES: usize = 20;

/// Longest bad value an error message repeats, so a huge input does not come back in full.
const SHOWN_CHARS: usize = 40;

impl Topic {
    pub const ALL: [Topic; 5] = [
        Topic::Releases,
        Topic::Prereleases,
        Topic::Incidents,
        Topic::Withdrawals,
        Topic::Eol,
    ];

    /// The stored and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Releases => "releases",
            Topic::Prereleases => "prereleases",
            Topic::Incidents => "incidents",
            Topic::Withdrawals => "withdrawals",
            Topic::Eol => "eol",
        }
    }

    pub fn parse(text: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// What a form shows next to the checkbox.
    pub fn label(self) -> &'static str {
        match self {
            Topic::Releases => "Stable releases",
            Topic::Prereleases => "Pre-releases",
            Topic::Incidents => "Incidents",
            Topic::Withdrawals => "Withdrawn versions",
            Topic::Eol => "End-of-support warnings",
        }
    }
}

impl Notice {
    /// The topic a notice is sent under: a pre-release is not a stable release.
    pub fn topic(&self) -> Topic {
        match self {
            Notice::Release {
                prerelease: true, ..
            } => Topic::Prereleases,
            Notice::Release { .. } => Topic::Releases,
            Notice::Incident { .. } => Topic::Incidents,
            Notice::Withdrawal { .. } => Topic::Withdrawals,
            Notice::EndOfSupport { .. } => Topic::Eol,
        }
    }
}

/// `value` as an error message repeats it: at most [`SHOWN_CHARS`] characters.
fn shown(value: &str) -> String {
    if value.chars().count() <= SHOWN_CHARS {
        return value.to_owned();
    }
    let mut cut: String = value.chars().take(SHOWN_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The topics a form sent: each known, at least one, sorted and without repeats. Empty values
/// (a form's placeholder) are skipped.
pub fn parse_topics(values: &[String]) -> Result<Vec<Topic>, String> {
    let mut topics = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let topic = Topic::parse(value).ok_or_else(|| {
            format!(
                "'{}' is not a topic; choose from releases, prereleases, incidents, \
                 withdrawals and eol",
                shown(value)
            )
        })?;
        topics.push(topic);
    }
    topics.sort_unstable();
    topics.dedup();
    if topics.is_empty() {
        return Err("choose at least one thing to be told about".to_owned());
    }
    Ok(topics)
}

/// The lines a form sent (`2.x`, `0.3.x`), sorted and without repeats; empty values are skipped,
/// and no line at all means every line.
pub fn parse_lines(values: &[String]) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let line: Line = value.parse().map_err(|_| {
            format!(
                "'{}' is not a line; write it as 2.x, or 0.3.x for a 0.y line",
                shown(value)
            )
        })?;
        lines.push(line);
    }
    lines.sort_unstable();
    lines.dedup();
    if lines.len() > MAX_LINES {
        return Err(format!(
            "choose at most {MAX_LINES} lines, or none for every line"
        ));
    }
    Ok(lines)
}

/// Topics as stored: `releases incidents`.
pub fn join_topics(topics: &[Topic]) -> String {
    let words: Vec<&str> = topics.iter().map(|t| t.as_str()).collect();
    words.join(" ")
}

/// Topics as stored, back; a word this version does not know is skipped.
pub fn split_topics(stored: &str) -> Vec<Topic> {
    stored.split_whitespace().filter_map(Topic::parse).collect()
}

/// Lines as stored: `2.x 3.x`, empty for every line.
pub fn join_lines(lines: &[Line]) -> String {
    let words: Vec<String> = lines.iter().map(Line::to_string).collect();
    words.join(" ")
}

/// Lines as stored, back; a word that is not a line is skipped.
pub fn split_lines(stored: &str) -> Vec<Line> {
    stored
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect()
}

/// Whether someone who asked for `topics` and `lines` wants an event of `topic` about
/// `event_lines`. An event about no line in particular (an incident across lines) goes to
/// everyone who follows the topic, whatever their lines.
pub fn wants(topics: &[Topic], lines: &[Line], topic: Topic, event_lines: &[Line]) -> bool {
    topics.contains(&topic)
        && (lines.is_empty()
            || event_lines.is_empty()
            || event_lines.iter().any(|line| lines.contains(line)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    fn line(text: &str) -> Line {
        text.parse().expect("test line")
    }

    #[test]
    fn topics_round_trip_through_their_names() {
        for topic in Topic::ALL {
            assert_eq!(Topic::parse(topic.as_str()), Some(topic));
            assert!(!topic.label().is_empty());
        }
        assert_eq!(Topic::parse("Releases"), None);
        assert_eq!(Topic::Eol.label(), "End-of-support warnings");
    }

    #[test]
    fn a_prerelease_has_its_own_topic() {
        let release = |prerelease| Notice::Release {
            version: "3.1.0".into(),
            prerelease,
            name: String::new(),
            notes: String::new(),
            notes_html: String::new(),
            released_on: "2027-01-05".into(),
        };
        assert_eq!(release(false).topic(), Topic::Releases);
        assert_eq!(release(true).topic(), Topic::Prereleases);
        let withdrawal = Notice::Withdrawal {
            version: "3.0.1".into(),
            reason: "broken".into(),
            superseded_by: None,
        };
        assert_eq!(withdrawal.topic(), Topic::Withdrawals);
    }

    #[test]
    fn topics_from_a_form_are_sorted_and_unique() {
        let topics = parse_topics(&strings(&[" eol ", "releases", "", "eol", "incidents"]));
        assert_eq!(
            topics,
            Ok(vec![Topic::Releases, Topic::Incidents, Topic::Eol])
        );
    }

    #[test]
    fn unknown_or_missing_topics_are_refused() {
        let err = parse_topics(&strings(&["releases", "gossip"])).expect_err("unknown");
        assert!(err.contains("'gossip'"), "{err}");
        assert!(parse_topics(&[]).is_err());
        assert!(parse_topics(&strings(&["", "  "])).is_err());
        let long = "x".repeat(5_000);
        let err = parse_topics(&strings(&[&long])).expect_err("long");
        assert!(err.len() < 200, "{err}");
        assert!(err.contains('…'));
    }

    #[test]
    fn lines_from_a_form_are_sorted_and_unique() {
        let lines = parse_lines(&strings(&["3.x", "", "0.3.x", " 3.x "])).expect("lines");
        assert_eq!(lines, vec![line("0.3.x"), line("3.x")]);
        assert_eq!(parse_lines(&strings(&["", ""])), Ok(vec![]));
    }

    #[test]
    fn bad_or_too_many_lines_are_refused() {
        let err = parse_lines(&strings(&["2.x", "2.1"])).expect_err("bad");
        assert!(err.contains("'2.1'"), "{err}");
        let many: Vec<String> = (0..21).map(|n| format!("{n}.x")).collect();
        assert!(parse_lines(&many).is_err());
        assert!(parse_lines(&many[..20]).is_ok());
        // Repeats count once.
        let repeated: Vec<String> = (0..40).map(|n| format!("{}.x", n % 5)).collect();
        assert_eq!(parse_lines(&repeated).map(|l| l.len()), Ok(5));
    }

    #[test]
    fn stored_forms_round_trip() {
        let topics = vec![Topic::Releases, Topic::Withdrawals, Topic::Eol];
        assert_eq!(join_topics(&topics), "releases withdrawals eol");
        assert_eq!(split_topics(&join_topics(&topics)), topics);
        assert_eq!(
            split_topics(" releases  future eol "),
            [Topic::Releases, Topic::Eol]
        );
        let lines = vec![line("0.3.x"), line("2.x")];
        assert_eq!(join_lines(&lines), "0.3.x 2.x");
        assert_eq!(split_lines(&join_lines(&lines)), lines);
        assert_eq!(join_lines(&[]), "");
        assert_eq!(split_lines(""), vec![]);
    }

    #[test]
    fn wants_the_topic_and_one_of_the_lines() {
        let topics = [Topic::Releases, Topic::Incidents];
        let two = [line("2.x")];
        assert!(wants(&topics, &[], Topic::Releases, &[line("3.x")]));
        assert!(!wants(&topics, &[], Topic::Eol, &[line("3.x")]));
        assert!(wants(&topics, &two, Topic::Releases, &[line("2.x")]));
        assert!(!wants(&topics, &two, Topic::Releases, &[line("3.x")]));
        assert!(wants(
            &topics,
            &two,
            Topic::Incidents,
            &[line("3.x"), line("2.x")]
        ));
        // An incident across lines reaches every follower of incidents.
        assert!(wants(&topics, &two, Topic::Incidents, &[]));
        assert!(!wants(&[], &[], Topic::Incidents, &[]));
    }
}
