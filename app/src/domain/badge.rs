//! Support badges: what a version's or line's badge says, as a shields.io-style flat SVG or
//! as shields.io's endpoint JSON.

use serde::Serialize;

use super::support::{CheckPhase, Phase};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Badge {
    pub label: String,
    pub message: String,
    /// A hex colour without `#`.
    pub color: &'static str,
}

const GREEN: &str = "2e8540";
const YELLOW: &str = "b8860b";
const RED: &str = "c0392b";
const BLUE: &str = "1f6feb";
const GREY: &str = "6a737d";

/// The badge of a checked version. `open_incidents` turns it red: users must look.
pub fn for_check(
    label: &str,
    phase: CheckPhase,
    eol: Option<chrono::NaiveDate>,
    open_incidents: usize,
) -> Badge {
    let (message, color) = if open_incidents > 0 {
        (
            format!(
                "{open_incidents} open incident{}",
                if open_incidents == 1 { "" } else { "s" }
            ),
            RED,
        )
    } else {
        match phase {
            CheckPhase::Full => ("supported".to_owned(), GREEN),
            CheckPhase::Security => (
                eol.map_or("security fixes only".to_owned(), |d| {
                    format!("security fixes until {d}")
                }),
                YELLOW,
            ),
            CheckPhase::Eol => ("end of life".to_owned(), RED),
            CheckPhase::Withdrawn => ("withdrawn".to_owned(), RED),
            CheckPhase::Prerelease => ("pre-release".to_owned(), BLUE),
            CheckPhase::Unknown => ("unknown version".to_owned(), GREY),
        }
    };
    Badge {
        label: label.to_owned(),
        message,
        color,
    }
}

/// The badge of a whole line.
pub fn for_line(label: &str, phase: Option<Phase>, eol: Option<chrono::NaiveDate>) -> Badge {
    let check = match phase {
        Some(Phase::Full) => CheckPhase::Full,
        Some(Phase::Security) => CheckPhase::Security,
        Some(Phase::Eol) => CheckPhase::Eol,
        None => CheckPhase::Unknown,
    };
    let mut badge = for_check(label, check, eol, 0);
    if phase.is_none() {
        badge.message = "not released".to_owned();
    }
    badge
}

/// shields.io's endpoint schema.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShieldsEndpoint {
    pub schema_version: u8,
    pub label: String,
    pub message: String,
    pub color: String,
}

impl From<&Badge> for ShieldsEndpoint {
    fn from(badge: &Badge) -> Self {
        ShieldsEndpoint {
            schema_version: 1,
            label: badge.label.clone(),
            message: badge.message.clone(),
            color: badge.color.to_owned(),
        }
    }
}

/// Text width in Verdana 11px, roughly: narrow, wide and ordinary characters.
fn text_width(text: &str) -> u32 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | '\'' | '|' | '!' | ' ' => 4,
            'm' | 'w' | 'M' | 'W' => 10,
            c if c.is_ascii_uppercase() => 8,
            _ => 7,
        })
        .sum()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The flat badge as SVG: grey label on the left, coloured message on the right.
pub fn svg(badge: &Badge) -> String {
    let left = text_width(&badge.label) + 12;
    let right = text_width(&badge.message) + 12;
    let total = left + right;
    let label = escape(&badge.label);
    let message = escape(&badge.message);
    let color = badge.color;
    let (lx, rx) = (left * 5, left * 10 + right * 5);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{label}: {message}"><title>{label}: {message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="#{color}"/><rect width="{total}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110" text-rendering="geometricPrecision"><text x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)">{label}</text><text x="{lx}" y="140" transform="scale(.1)">{label}</text><text x="{rx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)">{message}</text><text x="{rx}" y="140" transform="scale(.1)">{message}</text></g></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_colours_by_phase() {
        let eol = "2027-01-27".parse().ok();
        assert_eq!(for_check("v3.1.1", CheckPhase::Full, None, 0).color, GREEN);
        let security = for_check("v2.3.2", CheckPhase::Security, eol, 0);
        assert_eq!(security.message, "security fixes until 2027-01-27");
        assert_eq!(security.color, YELLOW);
        assert_eq!(for_check("v1.0.0", CheckPhase::Eol, None, 0).color, RED);
        assert_eq!(
            for_check("v1.0.1", CheckPhase::Withdrawn, None, 0).message,
            "withdrawn"
        );
        let incident = for_check("v3.1.1", CheckPhase::Full, None, 2);
        assert_eq!(
            (incident.message.as_str(), incident.color),
            ("2 open incidents", RED)
        );
        assert_eq!(for_line("9.x", None, None).message, "not released");
    }

    #[test]
    fn the_svg_is_escaped_and_sized_to_its_text() {
        let badge = Badge {
            label: "<script>".into(),
            message: "a & b".into(),
            color: GREEN,
        };
        let svg = svg(&badge);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        assert!(svg.contains("a &amp; b"));
        let short = svg_width(&svg);
        let long = svg_width(&super::svg(&Badge {
            label: "<script>".into(),
            message: "a much longer message".into(),
            color: GREEN,
        }));
        assert!(long > short);
    }

    fn svg_width(svg: &str) -> u32 {
        let rest = svg.split("width=\"").nth(1).expect("width");
        rest.split('"')
            .next()
            .and_then(|w| w.parse().ok())
            .expect("number")
    }
}
