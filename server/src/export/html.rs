//! Pages made fit for a static host: the hydration scripts (and the name of the page's lazy
//! route, which only they read), the forms and whatever a page marks
//! `data-live-only` (all of which need the live server) go, every link is rewritten to where
//! the export keeps its target, and the footer says when the copy was made.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use lol_html::{
    element,
    html_content::{ContentType, Element},
    rewrite_str, RewriteStrSettings,
};
use url::Url;

/// What becomes of one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkAction {
    /// Somewhere else on the web: left as it is.
    Keep,
    /// Exported: point here instead.
    To(String),
    /// Not exported (a search, say): the text stays, the link goes.
    Unlink,
    /// Only meaningful on the live server (signing in): the element goes.
    Drop,
}

/// Rewrites the page found at `page`. `decide` sees each link resolved against the page.
pub fn rewrite_page(
    html: &str,
    page: &Url,
    decide: impl FnMut(&Url) -> LinkAction,
) -> Result<String, lol_html::errors::RewritingError> {
    let decide = RefCell::new(decide);
    let relink = |element: &mut Element, attribute: &str| {
        if element.removed() {
            return Ok(());
        }
        let Some(value) = element.get_attribute(attribute) else {
            return Ok(());
        };
        if value.starts_with('#') {
            return Ok(());
        }
        let Ok(target) = page.join(&value) else {
            return Ok(());
        };
        match (decide.borrow_mut())(&target) {
            LinkAction::Keep => {}
            LinkAction::To(href) => element.set_attribute(attribute, &href)?,
            LinkAction::Unlink => element.remove_and_keep_content(),
            LinkAction::Drop => element.remove(),
        }
        Ok(())
    };
    let settings = RewriteStrSettings::new()
        .with_enable_esi_tags(false)
        .append_element_content_handler(element!(
            "script, form, [data-live-only], [data-lazy-route], link[rel=modulepreload], link[rel=preload]",
            |el| {
                el.remove();
                Ok(())
            }
        ))
        .append_element_content_handler(element!("a[href], link[href]", |el| relink(el, "href")))
        .append_element_content_handler(element!("img[src]", |el| relink(el, "src")));
    rewrite_str(html, settings)
}

/// Says in the footer when the copy was made: pages read "today" and "5 days ago" as of then.
pub fn note_when_copied(
    html: &str,
    made: DateTime<Utc>,
) -> Result<String, lol_html::errors::RewritingError> {
    let note = format!(
        r#"<p class="copied">A copy made {} UTC: “today” and “days ago” count from then.</p>"#,
        made.format("%Y-%m-%d %H:%M")
    );
    let settings = RewriteStrSettings::new()
        .with_enable_esi_tags(false)
        .append_element_content_handler(element!("footer.site-footer", |el| {
            el.append(&note, ContentType::Html);
            Ok(())
        }));
    rewrite_str(html, settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_footer_says_when_the_copy_was_made() {
        let made = DateTime::parse_from_rfc3339("2026-12-02T08:55:31Z")
            .expect("time")
            .to_utc();
        let html = r#"<main><footer>quoted</footer></main><footer class="site-footer"><p>Release Desk</p></footer>"#;
        let out = note_when_copied(html, made).expect("rewrites");
        assert_eq!(
            out,
            r#"<main><footer>quoted</footer></main><footer class="site-footer"><p>Release Desk</p><p class="copied">A copy made 2026-12-02 08:55 UTC: “today” and “days ago” count from then.</p></footer>"#
        );
    }

    fn page() -> Url {
        Url::parse("http://site.invalid/acme/orbit/support").expect("url")
    }

    #[test]
    fn scripts_preloads_and_forms_go() {
        let html = r#"<head><link rel="modulepreload" href="/pkg/x.js"><link rel="preload" href="/pkg/x.wasm"><script type="module">go()</script></head><body><form action="/acme/orbit/support"><input name="version"></form><section data-live-only><h2>Check</h2></section><span hidden data-lazy-route="support_pages"></span><p>kept</p></body>"#;
        let out = rewrite_page(html, &page(), |_| LinkAction::Keep).expect("rewrites");
        assert_eq!(out, "<head></head><body><p>kept</p></body>");
    }

    #[test]
    fn each_link_is_resolved_then_decided() {
        let html = r##"<a href="/acme/orbit">history</a><a href="v/v1">relative</a><a href="#main">skip</a><a href="https://github.com/acme/orbit">github</a><a href="/acme/orbit?q=rc">search</a><a href="/auth/login">Sign in</a><link rel="stylesheet" href="/pkg/releasedesk.css">"##;
        let mut seen = Vec::new();
        let out = rewrite_page(html, &page(), |url| {
            seen.push(url.to_string());
            match (url.host_str(), url.path(), url.query()) {
                (Some("github.com"), _, _) => LinkAction::Keep,
                (_, "/auth/login", _) => LinkAction::Drop,
                (_, _, Some(_)) => LinkAction::Unlink,
                (_, path, _) => LinkAction::To(format!("static:{path}")),
            }
        })
        .expect("rewrites");
        assert_eq!(
            out,
            r##"<a href="static:/acme/orbit">history</a><a href="static:/acme/orbit/v/v1">relative</a><a href="#main">skip</a><a href="https://github.com/acme/orbit">github</a>search<link rel="stylesheet" href="static:/pkg/releasedesk.css">"##
        );
        assert_eq!(
            seen.len(),
            6,
            "fragments alone are never asked about: {seen:?}"
        );
    }
}
