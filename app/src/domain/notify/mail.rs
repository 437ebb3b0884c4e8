//! The mails: one per notice and the confirmation of a subscription, each as plain text and
//! HTML written from the same pieces, so both say the same. Maintainers' text is escaped in
//! HTML; subjects are forced onto one line, since a line break in a header starts a new one.

use super::{
    link::CONFIRM_HOURS,
    notice::{Event, IncidentStage, Notice, SupportEnd, Topic},
};
use crate::domain::version::Line;

/// Longest subject, in characters; mail clients show far less anyway.
pub const MAX_SUBJECT: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The recipient's own links, signed for their subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailLinks {
    pub manage: String,
    pub unsubscribe: String,
}

/// `text` fit for a header: control characters (CR, LF, tab, ...) and other whitespace become
/// single spaces, and at most `max_chars` characters are kept, the last being `…` when cut.
pub fn header_safe(text: &str, max_chars: usize) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let one_line = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max_chars {
        return one_line;
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut cut: String = one_line.chars().take(max_chars - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// `text` safe inside HTML elements and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// `1 day`, `7 days`.
pub fn days(count: i64) -> String {
    if count == 1 {
        "1 day".to_owned()
    } else {
        format!("{count} days")
    }
}

/// What happened, in a few words: the subject without the repository. Not yet header-safe.
pub fn headline(notice: &Notice) -> String {
    match notice {
        Notice::Release {
            version,
            prerelease: false,
            ..
        } => format!("{version} released"),
        Notice::Release { version, .. } => format!("Pre-release {version}"),
        Notice::Incident { stage, title, .. } => match stage {
            IncidentStage::Published => format!("Incident: {title}"),
            IncidentStage::Updated => format!("Incident update: {title}"),
            IncidentStage::Resolved => format!("Resolved: {title}"),
        },
        Notice::Withdrawal { version, .. } => format!("{version} withdrawn"),
        Notice::EndOfSupport {
            line,
            end,
            date,
            days_left,
        } => match end {
            SupportEnd::FullSupport => {
                format!("{line}: full support ends in {} ({date})", days(*days_left))
            }
            SupportEnd::Life => {
                format!(
                    "{line} reaches end of life in {} ({date})",
                    days(*days_left)
                )
            }
        },
    }
}

/// The mail for `event`, with the recipient's `links` at the bottom.
pub fn render(event: &Event, links: &MailLinks) -> Mail {
    let subject = header_safe(
        &format!("[{}] {}", event.repository, headline(&event.notice)),
        MAX_SUBJECT,
    );
    let mut blocks = blocks(event);
    blocks.push(Block::Link("Open in Release Desk", event.url.clone()));
    let footer = format!(
        "You receive this because you subscribed to {} on Release Desk.",
        event.repository
    );
    let text = format!(
        "{}\n\n-- \n{footer}\nChange what you receive: {}\nUnsubscribe: {}\n",
        text_of(&blocks),
        links.manage,
        links.unsubscribe
    );
    let html_footer = format!(
        "<hr>\n<p style=\"color:#555;font-size:90%\">{}<br>\n<a href=\"{}\">Change what you \
         receive</a> · <a href=\"{}\">Unsubscribe</a></p>\n",
        escape_html(&footer),
        escape_html(&links.manage),
        escape_html(&links.unsubscribe)
    );
    let html = document(&subject, &(html_of(&blocks) + &html_footer));
    Mail {
        subject,
        text,
        html,
    }
}

/// The mail that asks an address to confirm a subscription before anything else is sent.
pub fn confirmation(repository: &str, confirm_url: &str, topics: &[Topic], lines: &[Line]) -> Mail {
    let subject = header_safe(
        &format!("Confirm your subscription to {repository} on Release Desk"),
        MAX_SUBJECT,
    );
    let lines = if lines.is_empty() {
        "every line".to_owned()
    } else {
        lines
            .iter()
            .map(Line::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let blocks = [
        Block::Para(format!(
            "Someone, hopefully you, asked Release Desk to send this address notices about \
             {repository}:"
        )),
        Block::List(topics.iter().map(|t| t.label().to_owned()).collect()),
        Block::Field("Lines", lines),
        Block::Para(format!(
            "To start receiving them, open this link within {CONFIRM_HOURS} hours:"
        )),
        Block::Link("Confirm your subscription", confirm_url.to_owned()),
        Block::Para(
            "If you did not ask for this, ignore this mail: nothing will be sent to you."
                .to_owned(),
        ),
    ];
    Mail {
        html: document(&subject, &html_of(&blocks)),
        text: format!("{}\n", text_of(&blocks)),
        subject,
    }
}

/// The answer to a request to subscribe an address that already is: its manage link, so only
/// the holder of the mailbox can change what it receives.
pub fn already_subscribed(repository: &str, manage_url: &str) -> Mail {
    let subject = header_safe(
        &format!("Your subscription to {repository} on Release Desk"),
        MAX_SUBJECT,
    );
    let blocks = [
        Block::Para(format!(
            "Someone, hopefully you, asked Release Desk to subscribe this address to notices \
             about {repository}. It already is."
        )),
        Block::Para("To change what you receive, or to unsubscribe, open this link:".to_owned()),
        Block::Link("Manage your subscription", manage_url.to_owned()),
        Block::Para("If you did not ask for this, ignore this mail: nothing changes.".to_owned()),
    ];
    Mail {
        html: document(&subject, &html_of(&blocks)),
        text: format!("{}\n", text_of(&blocks)),
        subject,
    }
}

/// One piece of a mail body, written out once as text and once as HTML.
enum Block {
    Para(String),
    /// A labelled value: `Impact: ...`.
    Field(&'static str, String),
    List(Vec<String>),
    /// Release notes: the Markdown in the text body, the sanitised HTML as is in the other.
    Notes {
        markdown: String,
        html: String,
    },
    /// A link and what it is for.
    Link(&'static str, String),
}

/// The body of `event`'s mail, before the links every mail ends with.
fn blocks(event: &Event) -> Vec<Block> {
    let repository = &event.repository;
    let mut blocks = Vec::new();
    // Fields left empty in the form are left out of the mail.
    let field = |blocks: &mut Vec<Block>, label: &'static str, value: &str| {
        if !value.trim().is_empty() {
            blocks.push(Block::Field(label, value.trim().to_owned()));
        }
    };
    match &event.notice {
        Notice::Release {
            version,
            prerelease,
            name,
            notes,
            notes_html,
            released_on,
        } => {
            blocks.push(Block::Para(if *prerelease {
                format!(
                    "{repository} published the pre-release {version}, for testing before the \
                     stable release."
                )
            } else {
                format!("{repository} released {version}.")
            }));
            field(&mut blocks, "Version", version);
            field(&mut blocks, "Name", name);
            field(&mut blocks, "Released on", released_on);
            if !notes.trim().is_empty() || !notes_html.trim().is_empty() {
                blocks.push(Block::Notes {
                    markdown: notes.trim().to_owned(),
                    html: notes_html.clone(),
                });
            }
        }
        Notice::Incident {
            stage,
            severity,
            status,
            issue,
            impact,
            workaround,
            timeline,
            action,
            affected,
            fixed_in,
            update,
            ..
        } => {
            blocks.push(Block::Para(match stage {
                IncidentStage::Published => format!("{repository} published an incident."),
                IncidentStage::Updated => format!("An incident of {repository} was updated."),
                IncidentStage::Resolved => format!("An incident of {repository} is resolved."),
            }));
            field(&mut blocks, "Update", update.as_deref().unwrap_or_default());
            // The communication template's order.
            field(&mut blocks, "Issue", issue);
            field(&mut blocks, "Impact", impact);
            field(&mut blocks, "Status", status);
            field(&mut blocks, "Workaround", workaround);
            field(&mut blocks, "Timeline", timeline);
            field(&mut blocks, "Action", action);
            field(&mut blocks, "Severity", severity);
            field(&mut blocks, "Affected versions", affected);
            field(
                &mut blocks,
                "Fixed in",
                fixed_in.as_deref().unwrap_or_default(),
            );
        }
        Notice::Withdrawal {
            version,
            reason,
            superseded_by,
        } => {
            blocks.push(Block::Para(format!(
                "{repository} withdrew {version}: do not install it, and move off it if you run it."
            )));
            field(&mut blocks, "Reason", reason);
            if let Some(replacement) = superseded_by {
                blocks.push(Block::Para(format!("Use {replacement} instead.")));
            }
        }
        Notice::EndOfSupport {
            line,
            end,
            date,
            days_left,
        } => {
            let days = days(*days_left);
            blocks.push(Block::Para(match end {
                SupportEnd::FullSupport => format!(
                    "Full support for {line} of {repository} ends in {days}: from {date} on it \
                     gets security fixes only. Plan the upgrade to a newer line."
                ),
                SupportEnd::Life => format!(
                    "{line} of {repository} reaches its end of life in {days}: from {date} on it \
                     gets no fixes at all, not even for security. Upgrade to a supported line."
                ),
            }));
            field(&mut blocks, "Line", line);
            field(&mut blocks, "Date", date);
            field(&mut blocks, "Days left", &days_left.to_string());
        }
    }
    blocks
}

fn text_of(blocks: &[Block]) -> String {
    let parts: Vec<String> = blocks
        .iter()
        .map(|block| match block {
            Block::Para(text) => text.clone(),
            Block::Field(label, value) if value.contains('\n') => format!("{label}:\n{value}"),
            Block::Field(label, value) => format!("{label}: {value}"),
            Block::List(items) => items
                .iter()
                .map(|item| format!("- {item}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Notes { markdown, .. } => markdown.clone(),
            Block::Link(label, url) => format!("{label}: {url}"),
        })
        .filter(|part| !part.is_empty())
        .collect();
    parts.join("\n\n")
}

fn html_of(blocks: &[Block]) -> String {
    let lines = |text: &str| escape_html(text).replace('\n', "<br>\n");
    let mut html = String::new();
    for block in blocks {
        let part = match block {
            Block::Para(text) => format!("<p>{}</p>", lines(text)),
            Block::Field(label, value) => {
                format!(
                    "<p><strong>{}:</strong> {}</p>",
                    escape_html(label),
                    lines(value)
                )
            }
            Block::List(items) => {
                let items: String = items
                    .iter()
                    .map(|item| format!("<li>{}</li>", escape_html(item)))
                    .collect();
                format!("<ul>{items}</ul>")
            }
            Block::Notes { html, .. } => format!("<div>{html}</div>"),
            Block::Link(label, url) => format!(
                "<p>{}: <a href=\"{}\">{}</a></p>",
                escape_html(label),
                escape_html(url),
                escape_html(url)
            ),
        };
        html.push_str(&part);
        html.push('\n');
    }
    html
}

fn document(subject: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{}</title>\
         </head>\n<body style=\"font-family:sans-serif;line-height:1.5;max-width:40em\">\n\
         {body}</body>\n</html>\n",
        escape_html(subject)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(notice: Notice) -> Event {
        Event {
            repository: "acme/orbit".into(),
            url: "https://desk.example.com/acme/orbit/incidents/4?from=mail&x=1".into(),
            notice,
        }
    }

    fn links() -> MailLinks {
        MailLinks {
            manage: "https://desk.example.com/subscriptions/manage?token=1.0.ab".into(),
            unsubscribe: "https://desk.example.com/subscriptions/unsubscribe?token=1.0.cd".into(),
        }
    }

    fn release(prerelease: bool) -> Notice {
        Notice::Release {
            version: if prerelease { "3.2.0-rc.1" } else { "3.1.0" }.into(),
            prerelease,
            name: "Orbit <3".into(),
            notes: "### Fixed\n- **jobs** kept".into(),
            notes_html: "<h3>Fixed</h3><ul><li><strong>jobs</strong> kept</li></ul>".into(),
            released_on: "2027-01-05".into(),
        }
    }

    fn incident(stage: IncidentStage, title: &str) -> Notice {
        Notice::Incident {
            id: 4,
            stage,
            title: title.into(),
            severity: "high".into(),
            status: "Investigating".into(),
            issue: "Jobs are lost".into(),
            impact: "Queues restart empty".into(),
            workaround: "Pin 3.0.0".into(),
            timeline: "Fix expected today".into(),
            action: "Do not upgrade".into(),
            affected: ">=3.0.1, <3.0.2".into(),
            fixed_in: Some("3.0.2".into()),
            update: Some("Root cause found".into()),
        }
    }

    fn end(end: SupportEnd, days_left: i64) -> Notice {
        Notice::EndOfSupport {
            line: "2.x".into(),
            end,
            date: "2027-01-05".into(),
            days_left,
        }
    }

    #[test]
    fn subjects_say_what_happened() {
        let subject = |notice| render(&event(notice), &links()).subject;
        assert_eq!(subject(release(false)), "[acme/orbit] 3.1.0 released");
        assert_eq!(
            subject(release(true)),
            "[acme/orbit] Pre-release 3.2.0-rc.1"
        );
        assert_eq!(
            subject(incident(IncidentStage::Published, "Lost jobs")),
            "[acme/orbit] Incident: Lost jobs"
        );
        assert_eq!(
            subject(incident(IncidentStage::Updated, "Lost jobs")),
            "[acme/orbit] Incident update: Lost jobs"
        );
        assert_eq!(
            subject(incident(IncidentStage::Resolved, "Lost jobs")),
            "[acme/orbit] Resolved: Lost jobs"
        );
        let withdrawal = Notice::Withdrawal {
            version: "3.0.1".into(),
            reason: "Loses jobs".into(),
            superseded_by: Some("3.0.2".into()),
        };
        assert_eq!(subject(withdrawal), "[acme/orbit] 3.0.1 withdrawn");
        assert_eq!(
            subject(end(SupportEnd::FullSupport, 7)),
            "[acme/orbit] 2.x: full support ends in 7 days (2027-01-05)"
        );
        assert_eq!(
            subject(end(SupportEnd::Life, 1)),
            "[acme/orbit] 2.x reaches end of life in 1 day (2027-01-05)"
        );
    }

    #[test]
    fn a_subject_cannot_start_a_new_header() {
        let mail = render(
            &event(incident(
                IncidentStage::Published,
                "Boom\r\nBcc: victim@example.com\r\n\r\nbody\t\u{0}x",
            )),
            &links(),
        );
        assert_eq!(
            mail.subject,
            "[acme/orbit] Incident: Boom Bcc: victim@example.com body x"
        );
        assert!(!mail.subject.contains(['\r', '\n', '\t', '\0']));
    }

    #[test]
    fn header_safe_collapses_and_cuts() {
        assert_eq!(header_safe("  a \r\n\n b\u{b}c  ", 200), "a b c");
        let long = "word ".repeat(100);
        let cut = header_safe(&long, 200);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with("word…"), "{cut}");
        assert_eq!(header_safe("abc", 3), "abc");
        assert_eq!(header_safe("abcd", 3), "ab…");
        assert_eq!(header_safe("abcd", 0), "");
    }

    #[test]
    fn html_escapes_text_but_keeps_sanitised_notes() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        let mail = render(
            &event(incident(
                IncidentStage::Published,
                "<script>alert(1)</script>",
            )),
            &links(),
        );
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail
            .html
            .contains("Incident: &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(mail.text.contains("Jobs are lost"));

        let mail = render(&event(release(false)), &links());
        assert!(mail.html.contains("Orbit &lt;3"));
        assert!(mail
            .html
            .contains("<h3>Fixed</h3><ul><li><strong>jobs</strong> kept</li></ul>"));
        assert!(mail.text.contains("Name: Orbit <3"));
        assert!(mail.text.contains("### Fixed\n- **jobs** kept"));
        assert!(mail.text.contains("Released on: 2027-01-05"));
    }

    #[test]
    fn an_incident_follows_the_template_order() {
        let mail = render(
            &event(incident(IncidentStage::Updated, "Lost jobs")),
            &links(),
        );
        let order = [
            "Update: Root cause found",
            "Issue: Jobs are lost",
            "Impact: Queues restart empty",
            "Status: Investigating",
            "Workaround: Pin 3.0.0",
            "Timeline: Fix expected today",
            "Action: Do not upgrade",
            "Severity: high",
            "Affected versions: >=3.0.1, <3.0.2",
            "Fixed in: 3.0.2",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|field| mail.text.find(field).expect(field))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}", mail.text);
        let html_positions: Vec<usize> = ["Update", "Issue", "Impact", "Status", "Workaround"]
            .iter()
            .map(|label| {
                let tag = format!("<strong>{label}:</strong>");
                mail.html.find(&tag).expect(label)
            })
            .collect();
        assert!(html_positions.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn empty_fields_are_left_out() {
        let mut notice = incident(IncidentStage::Published, "Lost jobs");
        if let Notice::Incident {
            workaround,
            fixed_in,
            update,
            ..
        } = &mut notice
        {
            *workaround = "  ".into();
            *fixed_in = None;
            *update = None;
        }
        let mail = render(&event(notice), &links());
        for label in ["Workaround", "Fixed in", "Update"] {
            assert!(!mail.text.contains(label), "{label}");
        }
    }

    #[test]
    fn every_mail_ends_with_its_links() {
        let notices = [
            release(false),
            release(true),
            incident(IncidentStage::Resolved, "Lost jobs"),
            Notice::Withdrawal {
                version: "3.0.1".into(),
                reason: "Loses jobs".into(),
                superseded_by: None,
            },
            end(SupportEnd::Life, 30),
        ];
        for notice in notices {
            let mail = render(&event(notice), &links());
            let links = links();
            assert!(mail
                .text
                .contains(&format!("Change what you receive: {}", links.manage)));
            assert!(mail
                .text
                .contains(&format!("Unsubscribe: {}", links.unsubscribe)));
            assert!(mail.text.contains(
                "Open in Release Desk: https://desk.example.com/acme/orbit/incidents/4?from=mail&x=1"
            ));
            assert!(mail.html.contains(
                "href=\"https://desk.example.com/acme/orbit/incidents/4?from=mail&amp;x=1\""
            ));
            assert!(mail.html.contains(&format!("href=\"{}\"", links.manage)));
            assert!(mail
                .html
                .contains(&format!("href=\"{}\"", links.unsubscribe)));
            assert!(mail.html.starts_with("<!DOCTYPE html>"));
        }
    }

    #[test]
    fn a_withdrawal_names_the_replacement() {
        let mail = render(
            &event(Notice::Withdrawal {
                version: "3.0.1".into(),
                reason: "Loses jobs on restart".into(),
                superseded_by: Some("3.0.2".into()),
            }),
            &links(),
        );
        assert!(mail.text.contains("Reason: Loses jobs on restart"));
        assert!(mail.text.contains("Use 3.0.2 instead."));
    }

    #[test]
    fn end_of_support_says_what_it_means() {
        let full = render(&event(end(SupportEnd::FullSupport, 7)), &links());
        assert!(full.text.contains("security fixes only"), "{}", full.text);
        assert!(full.text.contains("in 7 days"));
        let life = render(&event(end(SupportEnd::Life, 1)), &links());
        assert!(life.text.contains("no fixes at all"), "{}", life.text);
        assert!(life.text.contains("in 1 day:"));
        assert!(life.text.contains("Date: 2027-01-05"));
    }

    #[test]
    fn a_confirmation_says_what_was_asked_for() {
        let url = "https://desk.example.com/subscriptions/confirm?token=7.1.ab&x=<y>";
        let lines: Vec<Line> = vec!["2.x".parse().expect("line")];
        let mail = confirmation("acme/orbit", url, &[Topic::Releases, Topic::Eol], &lines);
        assert_eq!(
            mail.subject,
            "Confirm your subscription to acme/orbit on Release Desk"
        );
        assert!(mail
            .text
            .contains("- Stable releases\n- End-of-support warnings"));
        assert!(mail.text.contains("Lines: 2.x"));
        assert!(mail.text.contains("48 hours"));
        assert!(mail.text.contains(url));
        assert!(mail.text.contains("nothing will be sent"));
        assert!(mail.html.contains("<li>Stable releases</li>"));
        assert!(mail.html.contains("token=7.1.ab&amp;x=&lt;y&gt;"));
        let every = confirmation("acme/orbit", url, &[Topic::Incidents], &[]);
        assert!(every.text.contains("Lines: every line"));
    }
}
