//! What a hook receives: our own signed JSON, or a message in the shape a chat service's
//! incoming webhook takes (Slack, Discord, Microsoft Teams Workflows), within each service's
//! documented limits so a long incident is cut rather than refused.

use hmac::Mac;
use serde_json::{json, Value};

use super::{
    hmac_sha256,
    mail::{header_safe, headline},
    notice::{Event, IncidentStage, Notice, SupportEnd},
};

/// Slack: a section block's text (Block Kit reference).
const SLACK_SECTION: usize = 3000;
/// Discord: a message's content, an embed's title and description (Execute Webhook reference).
const DISCORD_CONTENT: usize = 2000;
const DISCORD_TITLE: usize = 256;
const DISCORD_DESCRIPTION: usize = 4096;
/// Teams: no per-field limit, but a card must stay under 28 KB; this leaves room for 4-byte
/// characters and JSON escapes.
const TEAMS_TEXT: usize = 5000;
/// A one-line title: the subject of the mail.
const TITLE: usize = 200;

/// How a hook's requests are shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Our own payload, signed: for programs.
    Json,
    Slack,
    Discord,
    Teams,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Slack, Format::Discord, Format::Teams];

    /// The stored and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Slack => "slack",
            Format::Discord => "discord",
            Format::Teams => "teams",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Json => "JSON (signed, for your own programs)",
            Format::Slack => "Slack",
            Format::Discord => "Discord",
            Format::Teams => "Microsoft Teams",
        }
    }

    /// Whether the receiver is a chat service that shows the message to people (and ignores
    /// our signature).
    pub fn is_chat(self) -> bool {
        self != Format::Json
    }
}

/// The event's name in JSON payloads and the `X-Release-Desk-Event` header.
pub fn event_name(notice: &Notice) -> &'static str {
    match notice {
        Notice::Release {
            prerelease: false, ..
        } => "release.published",
        Notice::Release { .. } => "prerelease.published",
        Notice::Incident { stage, .. } => match stage {
            IncidentStage::Published => "incident.published",
            IncidentStage::Updated => "incident.updated",
            IncidentStage::Resolved => "incident.resolved",
        },
        Notice::Withdrawal { .. } => "version.withdrawn",
        Notice::EndOfSupport { .. } => "support.ending",
    }
}

/// The body of a request to a `format` hook for `event`; `delivery` is the delivery's uid,
/// the same on every retry.
pub fn payload(format: Format, event: &Event, delivery: &str) -> Value {
    match format {
        Format::Json => json!({
            "event": event_name(&event.notice),
            "delivery": delivery,
            "repository": event.repository,
            "url": event.url,
            "notice": event.notice,
        }),
        Format::Slack => slack(event),
        Format::Discord => discord(event),
        Format::Teams => teams(event),
    }
}

/// `sha256=` and the HMAC-SHA256 of `body` with the hook's `secret`, in lower-case hex: the
/// `X-Release-Desk-Signature` header, as GitHub signs its own webhooks.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = hmac_sha256(secret);
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The title every chat message starts with: `[acme/orbit] 3.1.0 released`.
fn title(event: &Event) -> String {
    header_safe(
        &format!("[{}] {}", event.repository, headline(&event.notice)),
        TITLE,
    )
}

/// The notice's details in plain text, a paragraph each; empty fields are left out.
fn details(notice: &Notice) -> Vec<String> {
    let mut parts = Vec::new();
    let mut field = |label: &str, value: &str| {
        if !value.trim().is_empty() {
            parts.push(format!("{label}: {}", value.trim()));
        }
    };
    match notice {
        Notice::Release {
            name,
            notes,
            released_on,
            ..
        } => {
            field("Name", name);
            field("Released on", released_on);
            field("Notes", notes);
        }
        Notice::Incident {
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
            field("Update", update.as_deref().unwrap_or_default());
            field("Issue", issue);
            field("Impact", impact);
            field("Status", status);
            field("Workaround", workaround);
            field("Timeline", timeline);
            field("Action", action);
            field("Severity", severity);
            field("Affected versions", affected);
            field("Fixed in", fixed_in.as_deref().unwrap_or_default());
        }
        Notice::Withdrawal {
            reason,
            superseded_by,
            ..
        } => {
            field("Reason", reason);
            if let Some(replacement) = superseded_by {
                parts.push(format!("Use {replacement} instead."));
            }
        }
        Notice::EndOfSupport {
            line, end, date, ..
        } => parts.push(match end {
            SupportEnd::FullSupport => format!("From {date} on, {line} gets security fixes only."),
            SupportEnd::Life => {
                format!("From {date} on, {line} gets no fixes at all: upgrade to a supported line.")
            }
        }),
    }
    parts
}

/// How long `text` is where services count: in UTF-16 units, which is never less than in
/// characters, so a limit holds either way.
fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Leaves characters as they are.
fn no_escape(_: char) -> Option<&'static str> {
    None
}

/// Slack's escaping of the three characters its markup uses.
fn slack_escape(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
    }
}

/// `text` escaped with `escape` and cut to at most `max` units (ending in `…` when cut),
/// never in the middle of an escape.
fn fit(text: &str, max: usize, escape: fn(char) -> Option<&'static str>) -> String {
    let width = |c: char| escape(c).map_or(c.len_utf16(), str::len);
    let fits = text.chars().map(width).sum::<usize>() <= max;
    let budget = if fits { max } else { max.saturating_sub(1) };
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        used += width(c);
        if used > budget {
            break;
        }
        match escape(c) {
            Some(escaped) => out.push_str(escaped),
            None => out.push(c),
        }
    }
    if !fits && max > 0 {
        out.truncate(out.trim_end().len());
        out.push('…');
    }
    out
}

/// `text` with Slack's escaping, whole.
fn slack_text(text: &str) -> String {
    fit(text, usize::MAX, slack_escape)
}

fn slack(event: &Event) -> Value {
    let title = title(event);
    let heading = format!("*{}*", fit(&title, SLACK_SECTION, slack_escape));
    let room = SLACK_SECTION.saturating_sub(units(&heading) + 1);
    let body = fit(&details(&event.notice).join("\n"), room, slack_escape);
    let section = if body.is_empty() {
        heading
    } else {
        format!("{heading}\n{body}")
    };
    // In `<url|label>` the URL ends at `|` or `>`; ours are percent-encoded, but be sure.
    let url = slack_text(&event.url).replace('|', "%7C");
    let context = format!(
        "<{url}|Open in Release Desk> · {}",
        slack_text(&event.repository)
    );
    json!({
        "text": slack_text(&title),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": section}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    })
}

/// The embed's colour: what kind of news it is at a glance.
fn discord_color(notice: &Notice) -> u32 {
    const GREEN: u32 = 0x1a7f37;
    const BLUE: u32 = 0x0969da;
    const RED: u32 = 0xcf222e;
    const AMBER: u32 = 0xbf8700;
    const GREY: u32 = 0x6e7781;
    match notice {
        Notice::Release {
            prerelease: false, ..
        } => GREEN,
        Notice::Release { .. } => BLUE,
        Notice::Incident {
            stage: IncidentStage::Resolved,
            ..
        } => GREEN,
        Notice::Incident { .. } => RED,
        Notice::Withdrawal { .. } => AMBER,
        Notice::EndOfSupport { .. } => GREY,
    }
}

fn discord(event: &Event) -> Value {
    let title = title(event);
    json!({
        "content": fit(&title, DISCORD_CONTENT, no_escape),
        "embeds": [{
            "title": fit(&header_safe(&headline(&event.notice), TITLE), DISCORD_TITLE, no_escape),
            "description": fit(&details(&event.notice).join("\n"), DISCORD_DESCRIPTION, no_escape),
            "url": event.url,
            "color": discord_color(&event.notice),
        }],
        // Maintainers' text must not ping @everyone or anyone else.
        "allowed_mentions": {"parse": []},
    })
}

fn teams(event: &Event) -> Value {
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [
                    {
                        "type": "TextBlock",
                        "text": title(event),
                        "weight": "Bolder",
                        "size": "Medium",
                        "wrap": true,
                    },
                    {
                        "type": "TextBlock",
                        "text": fit(&details(&event.notice).join("\n\n"), TEAMS_TEXT, no_escape),
                        "wrap": true,
                    },
                ],
                "actions": [{
                    "type": "Action.OpenUrl",
                    "title": "Open in Release Desk",
                    "url": event.url,
                }],
            },
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(notice: Notice) -> Event {
        Event {
            repository: "acme/orbit".into(),
            url: "https://desk.example.com/acme/orbit/incidents/4".into(),
            notice,
        }
    }

    fn incident(title: &str, issue: &str) -> Notice {
        Notice::Incident {
            id: 4,
            stage: IncidentStage::Published,
            title: title.into(),
            severity: "high".into(),
            status: "Investigating".into(),
            issue: issue.into(),
            impact: "Queues restart empty".into(),
            workaround: String::new(),
            timeline: String::new(),
            action: "Do not upgrade".into(),
            affected: ">=3.0.1, <3.0.2".into(),
            fixed_in: None,
            update: None,
        }
    }

    fn release(prerelease: bool) -> Notice {
        Notice::Release {
            version: "3.1.0".into(),
            prerelease,
            name: String::new(),
            notes: "- fixed".into(),
            notes_html: "<ul><li>fixed</li></ul>".into(),
            released_on: "2027-01-05".into(),
        }
    }

    fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{pointer} in {value}"))
    }

    #[test]
    fn formats_round_trip_through_their_names() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.as_str()), Some(format));
            assert!(!format.label().is_empty());
            assert_eq!(format.is_chat(), format != Format::Json);
        }
        assert_eq!(Format::parse("msteams"), None);
    }

    #[test]
    fn event_names() {
        assert_eq!(event_name(&release(false)), "release.published");
        assert_eq!(event_name(&release(true)), "prerelease.published");
        assert_eq!(event_name(&incident("t", "i")), "incident.published");
        let ending = Notice::EndOfSupport {
            line: "2.x".into(),
            end: SupportEnd::Life,
            date: "2027-01-05".into(),
            days_left: 7,
        };
        assert_eq!(event_name(&ending), "support.ending");
    }

    #[test]
    fn json_carries_the_notice_as_serialised() {
        let event = event(release(false));
        let body = payload(Format::Json, &event, "d-1");
        assert_eq!(text(&body, "/event"), "release.published");
        assert_eq!(text(&body, "/delivery"), "d-1");
        assert_eq!(text(&body, "/repository"), "acme/orbit");
        assert_eq!(text(&body, "/url"), event.url);
        assert_eq!(text(&body, "/notice/kind"), "release");
        let notice: Notice =
            serde_json::from_value(body["notice"].clone()).expect("notice round trips");
        assert_eq!(notice, event.notice);
    }

    #[test]
    fn slack_escapes_user_text_and_links_the_page() {
        let body = payload(
            Format::Slack,
            &event(incident("<!channel> & <b>", "a <@U123> b")),
            "d-1",
        );
        let section = text(&body, "/blocks/0/text/text");
        assert_eq!(text(&body, "/blocks/0/type"), "section");
        assert_eq!(text(&body, "/blocks/0/text/type"), "mrkdwn");
        assert!(
            section.starts_with("*[acme/orbit] Incident: &lt;!channel&gt; &amp; &lt;b&gt;*\n"),
            "{section}"
        );
        assert!(section.contains("Issue: a &lt;@U123&gt; b"), "{section}");
        assert!(!text(&body, "/text").contains('<'));
        assert_eq!(text(&body, "/blocks/1/type"), "context");
        assert_eq!(
            text(&body, "/blocks/1/elements/0/text"),
            "<https://desk.example.com/acme/orbit/incidents/4|Open in Release Desk> · acme/orbit"
        );
    }

    #[test]
    fn slack_sections_stay_within_3000_characters() {
        let body = payload(
            Format::Slack,
            &event(incident("Lost jobs", &"<&>".repeat(5_000))),
            "d-1",
        );
        let section = text(&body, "/blocks/0/text/text");
        assert!(units(section) <= SLACK_SECTION, "{}", units(section));
        assert!(section.ends_with('…'));
        // Cut between escapes, never inside one.
        let before = section.trim_end_matches('…');
        assert!(before.ends_with("&lt;") || before.ends_with("&amp;") || before.ends_with("&gt;"));
    }

    #[test]
    fn discord_stays_within_limits_and_pings_nobody() {
        let body = payload(
            Format::Discord,
            &event(incident(&"@everyone ".repeat(100), &"😀".repeat(5_000))),
            "d-1",
        );
        assert!(units(text(&body, "/content")) <= DISCORD_CONTENT);
        assert!(units(text(&body, "/embeds/0/title")) <= DISCORD_TITLE);
        let description = text(&body, "/embeds/0/description");
        assert!(
            units(description) <= DISCORD_DESCRIPTION,
            "{}",
            units(description)
        );
        assert!(description.ends_with('…'));
        assert_eq!(
            text(&body, "/embeds/0/url"),
            "https://desk.example.com/acme/orbit/incidents/4"
        );
        assert_eq!(body["embeds"][0]["color"], 0xcf222e);
        assert_eq!(body["allowed_mentions"], json!({"parse": []}));
    }

    #[test]
    fn teams_sends_an_adaptive_card() {
        let body = payload(Format::Teams, &event(release(false)), "d-1");
        assert_eq!(text(&body, "/type"), "message");
        let attachment = &body["attachments"][0];
        assert_eq!(
            attachment["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
        assert!(attachment["contentUrl"].is_null());
        let card = &attachment["content"];
        assert_eq!(card["type"], "AdaptiveCard");
        assert_eq!(card["version"], "1.4");
        assert_eq!(
            card["$schema"],
            "http://adaptivecards.io/schemas/adaptive-card.json"
        );
        assert_eq!(card["body"][0]["text"], "[acme/orbit] 3.1.0 released");
        assert_eq!(card["body"][0]["weight"], "Bolder");
        assert_eq!(
            card["body"][1]["text"],
            "Released on: 2027-01-05\n\nNotes: - fixed"
        );
        assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
        assert_eq!(
            card["actions"][0]["url"],
            "https://desk.example.com/acme/orbit/incidents/4"
        );

        let long = payload(
            Format::Teams,
            &event(incident("Lost jobs", &"x".repeat(50_000))),
            "d-1",
        );
        let text = long["attachments"][0]["content"]["body"][1]["text"]
            .as_str()
            .expect("text");
        assert!(units(text) <= TEAMS_TEXT);
    }

    #[test]
    fn titles_are_one_line_everywhere() {
        let event = event(incident("Boom\r\nBcc: x@y.com", "i"));
        for format in [Format::Slack, Format::Discord, Format::Teams] {
            let body = payload(format, &event, "d-1").to_string();
            assert!(
                body.contains("Incident: Boom Bcc: x@y.com"),
                "{format:?}: {body}"
            );
        }
    }

    #[test]
    fn fit_cuts_on_character_boundaries() {
        assert_eq!(fit("abc", 3, no_escape), "abc");
        assert_eq!(fit("abcd", 3, no_escape), "ab…");
        // An emoji is two UTF-16 units, and is kept or cut whole.
        assert_eq!(fit("a😀", 3, no_escape), "a😀");
        assert_eq!(fit("a😀b", 3, no_escape), "a…");
        assert_eq!(fit("ab😀", 3, no_escape), "ab…");
        assert_eq!(fit("a&b", 7, slack_escape), "a&amp;b");
        assert_eq!(fit("a&bc", 7, slack_escape), "a&amp;…");
        assert_eq!(fit("a&bc", 6, slack_escape), "a…");
    }

    #[test]
    fn signatures_match_an_independent_hmac() {
        // `printf 'Hello, World!' | openssl dgst -sha256 -hmac "It's a Secret to Everybody"`
        assert_eq!(
            signature(b"It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        // `printf '{"event":"release.published"}' | openssl dgst -sha256 -hmac "hook secret"`
        assert_eq!(
            signature(b"hook secret", br#"{"event":"release.published"}"#),
            "sha256=03c45088017201e3db56ef8b48ddffef08a62c39647b5c10e260ca3e27440b2b"
        );
    }
}
