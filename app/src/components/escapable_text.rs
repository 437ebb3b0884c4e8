//! Text for `<textarea>` and the page's `<title>`, the two elements whose text the pinned view
//! layer writes into server-rendered HTML unescaped (tachys 0.2 treats `<textarea>` like
//! `<script>`, and leptos_meta pastes the title in as it is). User text holding `</textarea>`
//! would close the box and plant live markup in the page.
//!
//! HTML decodes character references inside both elements ("escapable raw text"), so escaping on
//! the server shows the text exactly as typed. In the browser the text goes through the DOM
//! (`textContent`, `document.title`) and must stay as it is, or it would be escaped twice.

use leptos::prelude::*;

/// `text`, safe to place inside a `<textarea>` or `<title>` in any build.
pub fn escapable_text(text: impl Into<String>) -> String {
    let text = text.into();
    #[cfg(feature = "ssr")]
    let text = escape_text(&text);
    text
}

/// `&` and `<` as character references: all an escapable raw text element needs for its text
/// never to end it, nor to read as a reference.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn escape_text(text: &str) -> String {
    if !text.contains(['&', '<']) {
        return text.to_owned();
    }
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// The page's `<title>`, which may hold user text (an incident's title, a tag name).
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=escapable_text(text)/> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_references_become_text() {
        assert_eq!(
            escape_text("a</textarea><meta http-equiv=refresh>&amp;"),
            "a&lt;/textarea>&lt;meta http-equiv=refresh>&amp;amp;"
        );
        assert_eq!(escape_text("plain text > more"), "plain text > more");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_build_escapes() {
        assert_eq!(escapable_text("</title>"), "&lt;/title>");
    }
}
