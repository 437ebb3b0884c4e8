//! Release notes and other user text: Markdown to HTML (pulldown-cmark, GitHub's extensions),
//! then sanitised (ammonia) so that scripts, event handlers, `javascript:` links, iframes and
//! styles never reach a page. Runs on the server; the browser only ever gets the clean HTML.

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The level user text's top headings take: pages show it under a section's `<h2>`.
const TOP_HEADING: usize = 3;

/// Safe HTML for untrusted Markdown. Headings keep their order but move so that the highest
/// becomes an `<h3>`: a note's `# Title` never competes with the page's `<h1>`, and a
/// `### Fixed` right under the section's `<h2>` skips no level.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    // Control characters (a bell, an escape sequence) have no place in HTML: they are left out
    // of what is shown, while the text as written is kept where it is stored.
    let markdown: String = markdown
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    let events: Vec<Event> = Parser::new_ext(&markdown, options).collect();
    let highest = events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(TOP_HEADING);
    let moved = |level: HeadingLevel| {
        let level = (level as usize + TOP_HEADING)
            .saturating_sub(highest)
            .min(6);
        HeadingLevel::try_from(level).unwrap_or(HeadingLevel::H6)
    };
    let events = events.into_iter().map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: moved(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(moved(level))),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_start_at_h3_and_keep_their_order() {
        assert_eq!(
            render("# Title\n\n## Part\n\n#### Deep"),
            "<h3>Title</h3>\n<h4>Part</h4>\n<h6>Deep</h6>\n"
        );
        assert_eq!(
            render("### Fixed\n\n- a"),
            "<h3>Fixed</h3>\n<ul>\n<li>a</li>\n</ul>\n"
        );
        assert_eq!(render("## A\n\n###### B"), "<h3>A</h3>\n<h6>B</h6>\n");
    }

    /// Payloads that try to run script, load frames or escape attributes.
    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)><circle/></svg>",
        "<body onload=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "![x](javascript:alert(1))",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<object data=x></object><embed src=x>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<form action=https://evil.example><input name=a></form>",
        "<meta http-equiv=refresh content=0;url=https://evil.example>",
        "<a href=x onclick=alert(1)>x</a>",
        "\"><script>alert(1)</script>",
        "<details open ontoggle=alert(1)>x</details>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    ];

    fn inert(html: &str) -> bool {
        let lower = html.to_ascii_lowercase();
        ![
            "<script",
            "<iframe",
            "<object",
            "<embed",
            "<form",
            "<meta",
            "<style",
            "javascript:",
            "data:text",
            " on",
        ]
        .iter()
        .any(|bad| {
            // " on" only as an attribute, e.g. ` onerror=`: words like "on" in text are fine.
            if *bad == " on" {
                lower.split('<').skip(1).any(|tag| {
                    let tag = tag.split('>').next().unwrap_or("");
                    tag.split_whitespace()
                        .skip(1)
                        .any(|attr| attr.starts_with("on"))
                })
            } else {
                lower.contains(bad)
            }
        })
    }

    #[test]
    fn hostile_payloads_come_out_inert() {
        for payload in HOSTILE {
            let html = render(payload);
            assert!(inert(&html), "{payload:?} rendered as {html:?}");
            let wrapped = render(&format!("## Fixes\n\n- {payload}\n\nThanks!"));
            assert!(
                inert(&wrapped),
                "{payload:?} in a list rendered as {wrapped:?}"
            );
        }
    }

    #[test]
    fn ordinary_notes_keep_their_shape() {
        let html = render(
            "## Fixed\n\n- **crash** on start ([#12](https://github.com/acme/orbit/pull/12))\n- [x] docs\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code` and ~~old~~",
        );
        assert!(html.contains("<h3>Fixed</h3>"), "under the section's h2");
        assert!(html.contains("<strong>crash</strong>"));
        assert!(html.contains("href=\"https://github.com/acme/orbit/pull/12\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
        assert!(
            html.contains("<table>")
                && html.contains("<code>code</code>")
                && html.contains("<del>old</del>")
        );
    }

    #[test]
    fn the_check_itself_catches_what_it_should() {
        assert!(!inert("<img src=x onerror=alert(1)>"));
        assert!(!inert("<a href=\"javascript:x\">"));
        assert!(inert("<p>turn on the lights</p>"));
    }
}
