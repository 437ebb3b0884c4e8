//! A link checker for a static export as a static server serves it: every page reachable from
//! the start address is fetched, and every link, stylesheet and image on it must answer 200
//! without a redirect and stay inside the site. Text files (pages, JSON, feeds, calendars,
//! badges) must not name a host that only the exporting machine knows.

use std::collections::{BTreeSet, HashSet, VecDeque};

use lol_html::{element, rewrite_str, RewriteStrSettings};
use url::Url;

#[derive(Debug, Default)]
pub struct Report {
    /// Every address fetched, pages and files.
    pub fetched: usize,
    pub pages: usize,
    /// Links that failed: "from -> to: why".
    pub broken: Vec<String>,
    /// Files that name a forbidden host: "address: host".
    pub leaks: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.broken.is_empty() && self.leaks.is_empty()
    }
}

/// The addresses a page links to, resolved against the page.
pub fn links_of(html: &str, page: &Url) -> Vec<Url> {
    let found = std::cell::RefCell::new(Vec::new());
    let collect = |value: Option<String>| {
        if let Some(target) = value.and_then(|v| page.join(&v).ok()) {
            found.borrow_mut().push(target);
        }
    };
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("a[href], link[href]", |el| {
            collect(el.get_attribute("href"));
            Ok(())
        }))
        .append_element_content_handler(element!("img[src], script[src]", |el| {
            collect(el.get_attribute("src"));
            Ok(())
        }))
        .append_element_content_handler(element!("form[action]", |el| {
            collect(el.get_attribute("action"));
            Ok(())
        }));
    let _ = rewrite_str(html, settings);
    found.into_inner()
}

/// Crawls the site at `start` (a folder address, ending in `/`). `extra` are addresses no page
/// links to (API answers) that must be there too. `forbidden` are hosts no file may name.
pub async fn check_site(start: &Url, extra: &[Url], forbidden: &[&str]) -> Report {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    let mut report = Report::default();
    let mut seen: HashSet<Url> = HashSet::new();
    let mut queue: VecDeque<(Option<Url>, Url)> = VecDeque::new();
    queue.push_back((None, start.clone()));
    for url in extra {
        queue.push_back((None, url.clone()));
    }
    let mut broken = BTreeSet::new();
    while let Some((from, mut url)) = queue.pop_front() {
        url.set_fragment(None);
        if !seen.insert(url.clone()) {
            continue;
        }
        let from_text = from.as_ref().map_or("(start)".to_owned(), Url::to_string);
        if url.origin() != start.origin() {
            continue;
        }
        if !url.path().starts_with(start.path()) {
            broken.insert(format!("{from_text} -> {url}: outside the site"));
            continue;
        }
        let response = match client.get(url.clone()).send().await {
            Ok(response) => response,
            Err(err) => {
                broken.insert(format!("{from_text} -> {url}: {err}"));
                continue;
            }
        };
        report.fetched += 1;
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            broken.insert(format!("{from_text} -> {url}: {status}"));
            continue;
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.unwrap_or_default();
        for host in forbidden {
            if body.contains(host) {
                report.leaks.push(format!("{url}: {host}"));
            }
        }
        if content_type.starts_with("text/html") {
            report.pages += 1;
            for target in links_of(&body, &url) {
                if target.scheme() == "http" || target.scheme() == "https" {
                    if target.host_str().is_some_and(|h| forbidden.contains(&h)) {
                        report.leaks.push(format!("{url} links to {target}"));
                    }
                    queue.push_back((Some(url.clone()), target));
                }
            }
        }
    }
    report.broken = broken.into_iter().collect();
    report
}

/// Every file of an export, as the address a static server serves it at (relative to the
/// export's root): `a/b/index.html` as `a/b/`, other files as their path.
pub fn export_addresses(dir: &std::path::Path) -> Vec<String> {
    fn walk(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let encoded = percent_encoding::utf8_percent_encode(&name, SEGMENT).to_string();
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{prefix}{encoded}/"), out);
            } else if name == "index.html" {
                out.push(prefix.to_owned());
            } else {
                out.push(format!("{prefix}{encoded}"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// What a file name escapes to in an address.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_resolved_against_the_page() {
        let page = Url::parse("http://h/site/acme/orbit/").expect("url");
        let html = r#"<link rel="stylesheet" href="../../pkg/x.css"><a href="v/v1/">v1</a><img src="/x.svg"><a href="https://github.com/">gh</a>"#;
        let links: Vec<String> = links_of(html, &page).iter().map(Url::to_string).collect();
        assert_eq!(
            links,
            [
                "http://h/site/pkg/x.css",
                "http://h/site/acme/orbit/v/v1/",
                "http://h/x.svg",
                "https://github.com/"
            ]
        );
    }
}
