//! Release notes and other user text: Markdown to HTML (pulldown-cmark, GitHub's extensions),
//! then sanitised (ammonia) so that scripts, event handlers, `javascript:` links, iframes and
//! styles never reach a page. Runs on the server; the browser only ever gets the clean HTML.

use pulldown_cmark::{html, Options, Parser};

/// Safe HTML for untrusted Markdown.
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
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(&markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(html.contains("<h2>Fixed</h2>"));
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
