//! Where a plain form post (a browser without JavaScript, or a tap before hydration) lands.
//!
//! The server functions' own redirect goes back to the page's top and carries a refusal in the
//! address (`?__err=…`). Forms that keep their refusal in the session return instead to the
//! place on the page that was changed, with a clean address.

/// Sends a plain form post back to the page it came from, at `#{anchor}`. Does nothing for the
/// hydrated app's calls, which stay where they are.
pub fn return_to(anchor: &str) {
    use http::{header, request::Parts};
    use leptos::prelude::use_context;

    let Some(request) = use_context::<Parts>() else {
        return;
    };
    let plain = request
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let back = request
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| back_to(referer, anchor));
    if let (true, Some(back)) = (plain, back) {
        leptos_axum::redirect(&back);
    }
}

/// The path and query of `referer` (never another site: only a path is kept), without a
/// refusal left in its query by an earlier post, at `#{anchor}`.
pub fn back_to(referer: &str, anchor: &str) -> Option<String> {
    let anchor: String = anchor
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(format!("{}#{anchor}", same_site_path(referer)?))
}

/// The path and query of `referer` as an address on our own site: leading slashes folded, so
/// `//host` cannot become another site's address, and without a refusal an earlier post left
/// in the query (`__err`, `__path`).
pub fn same_site_path(referer: &str) -> Option<String> {
    let url = url::Url::parse(referer).ok()?;
    let path = format!("/{}", url.path().trim_start_matches('/'));
    let query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != "__err" && key != "__path")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if query.is_empty() {
        return Some(path);
    }
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    Some(format!("{path}?{encoded}"))
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn a_form_returns_to_its_place_on_a_page_of_our_own_site() {
        let back = |referer| back_to(referer, "item-42");
        assert_eq!(
            back("http://rd.test/acme/orbit/v/v1.0.0").as_deref(),
            Some("/acme/orbit/v/v1.0.0#item-42")
        );
        assert_eq!(
            back("http://rd.test/acme/orbit/v/v1.0.0?x=1&__path=/sfn/a&__err=abc#item-7")
                .as_deref(),
            Some("/acme/orbit/v/v1.0.0?x=1#item-42"),
            "an earlier refusal and fragment are dropped"
        );
        assert_eq!(
            back("https://evil.example//other.example/x").as_deref(),
            Some("/other.example/x#item-42")
        );
        assert_eq!(back("not a url"), None);
        assert_eq!(
            back_to("http://rd.test/a", "x\"><b>").as_deref(),
            Some("/a#xb"),
            "the anchor is an id, nothing else"
        );
    }
}
