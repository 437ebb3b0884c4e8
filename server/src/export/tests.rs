use http::header;

use super::{fetch::next_page, *};

#[test]
fn links_to_our_pages_are_rewritten_and_followed() {
    let links = Links::Relative;
    let (action, address) = decide(
        &links,
        "/acme/orbit/support/",
        &site_url("/acme/orbit/v/v2.3.1#checklist"),
    );
    assert_eq!(action, LinkAction::To("../v/v2.3.1/#checklist".into()));
    assert_eq!(address.as_deref(), Some("/acme/orbit/v/v2.3.1"));

    let (action, address) = decide(&links, "/acme/orbit/", &site_url("/acme/orbit?channel=rc"));
    assert_eq!(action, LinkAction::To("_/channel/rc/".into()));
    assert_eq!(address.as_deref(), Some("/acme/orbit?channel=rc"));
}

#[test]
fn links_elsewhere_or_to_the_live_server_only() {
    let links = Links::Relative;
    let github = Url::parse("https://github.com/acme/orbit").expect("url");
    assert_eq!(decide(&links, "/", &github), (LinkAction::Keep, None));
    assert_eq!(
        decide(&links, "/", &site_url("/auth/login?next=/")),
        (LinkAction::Drop, None)
    );
    assert_eq!(
        decide(&links, "/", &site_url("/acme/orbit?q=rc%202")),
        (LinkAction::Unlink, None)
    );
    assert_eq!(
        decide(&links, "/", &site_url("/metrics")),
        (LinkAction::Unlink, None)
    );
}

#[test]
fn the_next_page_of_a_list() {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        header::LINK,
        http::HeaderValue::from_static(
            "</api/v1/repos/acme/orbit/versions?per_page=2&page=2>; rel=\"next\", </api/v1/repos/acme/orbit/versions?per_page=2&page=5>; rel=\"last\"",
        ),
    );
    assert_eq!(
        next_page(&headers).as_deref(),
        Some("/api/v1/repos/acme/orbit/versions?per_page=2&page=2")
    );
    assert_eq!(next_page(&http::HeaderMap::new()), None);
}

#[test]
fn tags_are_one_segment() {
    assert_eq!(encode_segment("v1.0.0+build.5"), "v1.0.0+build.5");
    assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
}
