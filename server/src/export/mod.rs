//! `releasedesk export`: the public side of the site as static files (PRODUCT.md §8), for any
//! static host or CDN. The real router answers anonymous requests in process, so the files are
//! exactly what an anonymous visitor of the live server gets: every page reachable from the
//! home page (without scripts and forms, which need the live server), the public API's answers,
//! the endoflife.date files, badges, feeds and calendars. Links are rewritten to where the
//! export keeps their targets ([`paths`]); links to what is not exported lose their link.

mod fetch;
pub mod html;
pub mod paths;

use std::{
    collections::{HashMap, HashSet, VecDeque},
    path::{Path, PathBuf},
};

use axum::Router;
use futures::{stream, StreamExt};
use http::StatusCode;
use serde_json::Value;
use url::Url;

use self::{
    fetch::fetch,
    html::{note_when_copied, rewrite_page, LinkAction},
    paths::{locate, Kind, Links, Location},
};

/// Stands for the live site while resolving links; never contacted.
const SITE: &str = "http://site.invalid";
/// Requests in flight at once.
const CONCURRENCY: usize = 8;

/// What an export wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    /// Addresses that answered with an error; links to them were removed.
    pub missing: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{address} could not be rewritten: {message}")]
    Rewrite { address: String, message: String },
    #[error("{address} answered {status}")]
    Required { address: String, status: StatusCode },
}

/// One answer of the live site.
struct Fetched {
    address: String,
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

/// The live site as the export asks it: no sign-in, no webhooks, and our own address is the
/// base address (when there is one), so that absolute links in answers point under it.
pub fn site_router(pool: sqlx::SqlitePool, site_root: &str, base: Option<Url>) -> Router {
    let state = app::state::AppState {
        pool,
        leptos_options: crate::http::leptos_options(
            site_root,
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        ),
        // The export only reads: it never writes to GitHub and tells nobody.
        host: Default::default(),
        notifier: Default::default(),
        sites: Default::default(),
    };
    let services = crate::http::Services {
        auth: std::sync::Arc::new(crate::auth::Auth::new(
            crate::auth::secret_key::SecretKey::random(),
            None,
            base,
        )),
        webhook_secret: None,
        github: None,
        sync: None,
        metrics: Default::default(),
        bodies: Default::default(),
        subscribe_limit: Default::default(),
    };
    crate::http::router(state, services)
}

/// Writes the public site into `out`.
pub async fn export(router: Router, out: &Path, links: Links) -> Result<Summary, ExportError> {
    let mut export = Export {
        router,
        out: out.to_owned(),
        links,
        made: chrono::Utc::now(),
        queued: HashSet::new(),
        queue: VecDeque::new(),
        linked_from: HashMap::new(),
        failed: Vec::new(),
        summary: Summary::default(),
    };
    export.seed().await?;
    while !export.queue.is_empty() {
        let batch: Vec<String> = export.queue.drain(..export.queue.len().min(64)).collect();
        let router = export.router.clone();
        let fetched: Vec<Fetched> = stream::iter(batch)
            .map(|address| fetch(router.clone(), address))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        for answer in fetched {
            export.keep(answer).await?;
        }
    }
    let failed = std::mem::take(&mut export.failed);
    export.summary.missing = failed
        .into_iter()
        .filter(|address| export.linked_from.contains_key(address))
        .collect();
    export.summary.missing.sort();
    export.unlink_missing()?;
    Ok(export.summary)
}

struct Export {
    router: Router,
    out: PathBuf,
    links: Links,
    /// When the copy was made (pages are rendered just after).
    made: chrono::DateTime<chrono::Utc>,
    queued: HashSet<String>,
    queue: VecDeque<String>,
    /// For each address, the pages that link to it (to unlink it if it fails).
    linked_from: HashMap<String, Vec<Location>>,
    /// Addresses that answered with an error.
    failed: Vec<String>,
    summary: Summary,
}

impl Export {
    /// Queues an address once.
    fn enqueue(&mut self, address: String) {
        if self.queued.insert(address.clone()) {
            self.queue.push_back(address);
        }
    }

    /// The home page, the API's lists, and for every repository what no page links to.
    async fn seed(&mut self) -> Result<(), ExportError> {
        for address in ["/", "/api/docs", "/api/openapi.json", "/api/all.json"] {
            self.enqueue(address.to_owned());
        }
        let repositories = self.required_json("/api/v1/repos").await?;
        self.enqueue("/api/v1/repos".to_owned());
        for repo in repositories.as_array().into_iter().flatten() {
            let (Some(owner), Some(name)) = (repo["owner"].as_str(), repo["name"].as_str()) else {
                continue;
            };
            self.seed_repository(owner, name).await?;
        }
        let products = self.required_json("/api/v1/products").await?;
        self.enqueue("/api/v1/products".to_owned());
        for product in products["result"].as_array().into_iter().flatten() {
            let Some(slug) = product["name"].as_str() else {
                continue;
            };
            let base = format!("/api/v1/products/{slug}");
            self.enqueue(format!("/api/{slug}.json"));
            self.enqueue(format!("{base}/releases/latest"));
            let answer = self.required_json(&base).await?;
            self.enqueue(base.clone());
            for release in answer["result"]["releases"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(cycle) = release["name"].as_str() {
                    self.enqueue(format!("{base}/releases/{cycle}"));
                }
            }
        }
        Ok(())
    }

    async fn seed_repository(&mut self, owner: &str, name: &str) -> Result<(), ExportError> {
        let api = format!("/api/v1/repos/{owner}/{name}");
        for address in [
            format!("/{owner}/{name}"),
            format!("/{owner}/{name}/support"),
            format!("/{owner}/{name}/incidents"),
            format!("/{owner}/{name}/feed.atom"),
            format!("/{owner}/{name}/calendar.ics"),
            format!("{api}/support"),
            format!("{api}/incidents"),
            format!("{api}/sync"),
            format!("{api}/versions"),
        ] {
            self.enqueue(address);
        }
        let versions = self.required_json(&format!("{api}/versions")).await?;
        for version in versions.as_array().into_iter().flatten() {
            let Some(tag) = version["tag"].as_str() else {
                continue;
            };
            let tag = encode_segment(tag);
            self.enqueue(format!("/{owner}/{name}/v/{tag}"));
            self.enqueue(format!("{api}/versions/{tag}"));
            self.enqueue(format!("{api}/versions/{tag}/checklist"));
            self.enqueue(format!("{api}/badge/{tag}"));
            self.enqueue(format!("/badge/{owner}/{name}/{tag}.svg"));
        }
        let support = self.required_json(&format!("{api}/support")).await?;
        for line in support["lines"].as_array().into_iter().flatten() {
            if let Some(line) = line["line"].as_str() {
                let line = encode_segment(line);
                self.enqueue(format!("{api}/badge/{line}"));
                self.enqueue(format!("/badge/{owner}/{name}/{line}.svg"));
            }
        }
        let incidents = self.required_json(&format!("{api}/incidents")).await?;
        for incident in incidents.as_array().into_iter().flatten() {
            if let Some(id) = incident["id"].as_i64() {
                self.enqueue(format!("{api}/incidents/{id}"));
                self.enqueue(format!("/{owner}/{name}/incidents/{id}"));
            }
        }
        Ok(())
    }

    /// The JSON at `address`, which must answer 200 (lists are read whole).
    async fn required_json(&self, address: &str) -> Result<Value, ExportError> {
        let answer = fetch(self.router.clone(), address.to_owned()).await;
        if answer.status != StatusCode::OK {
            return Err(ExportError::Required {
                address: address.to_owned(),
                status: answer.status,
            });
        }
        serde_json::from_slice(&answer.body).map_err(|err| ExportError::Rewrite {
            address: address.to_owned(),
            message: err.to_string(),
        })
    }

    /// Writes one answer where the export keeps it; a page's links are rewritten and followed.
    async fn keep(&mut self, answer: Fetched) -> Result<(), ExportError> {
        let url = site_url(&answer.address);
        let Some(location) = locate(url.path(), url.query()) else {
            return Ok(());
        };
        if answer.status != StatusCode::OK {
            // A seed may fail (a version without a checklist); links to failures are removed.
            tracing::debug!(address = %answer.address, status = %answer.status, "not exported");
            self.failed.push(answer.address);
            return Ok(());
        }
        let body = match location.kind {
            Kind::Page if answer.content_type.starts_with("text/html") => {
                self.summary.pages += 1;
                let text = String::from_utf8_lossy(&answer.body);
                self.rewrite(&answer.address, &url, &location, &text)?
                    .into_bytes()
            }
            _ => {
                self.summary.files += 1;
                answer.body
            }
        };
        write(&self.out, &location.file, &body)
    }

    fn rewrite(
        &mut self,
        address: &str,
        url: &Url,
        location: &Location,
        html: &str,
    ) -> Result<String, ExportError> {
        let mut found = Vec::new();
        let links = self.links.clone();
        let rewritten = rewrite_page(html, url, |target| {
            let (action, exported) = decide(&links, &location.url_path, target);
            if let Some(address) = exported {
                found.push(address);
            }
            action
        })
        .map_err(|err| ExportError::Rewrite {
            address: address.to_owned(),
            message: err.to_string(),
        })?;
        let rewritten =
            note_when_copied(&rewritten, self.made).map_err(|err| ExportError::Rewrite {
                address: address.to_owned(),
                message: err.to_string(),
            })?;
        for target in found {
            self.linked_from
                .entry(target.clone())
                .or_default()
                .push(location.clone());
            self.enqueue(target);
        }
        Ok(rewritten)
    }

    /// Pages that link to an address that failed lose those links.
    fn unlink_missing(&self) -> Result<(), ExportError> {
        let mut pages: HashMap<&PathBuf, (&Location, Vec<Location>)> = HashMap::new();
        for address in &self.summary.missing {
            let (Some(gone), Some(linking)) =
                (locate_address(address), self.linked_from.get(address))
            else {
                continue;
            };
            for page in linking {
                pages
                    .entry(&page.file)
                    .or_insert_with(|| (page, Vec::new()))
                    .1
                    .push(gone.clone());
            }
        }
        for (page, gone) in pages.into_values() {
            let url = site_url(&page.url_path);
            let gone: HashSet<Url> = gone
                .iter()
                .filter_map(|target| {
                    url.join(&self.links.href(&page.url_path, &target.url_path))
                        .ok()
                })
                .collect();
            let path = self.out.join(&page.file);
            let html = std::fs::read_to_string(&path).map_err(|source| ExportError::Write {
                path: path.clone(),
                source,
            })?;
            let unlinked = rewrite_page(&html, &url, |target| {
                let mut target = target.clone();
                target.set_fragment(None);
                if gone.contains(&target) {
                    LinkAction::Unlink
                } else {
                    LinkAction::Keep
                }
            })
            .map_err(|err| ExportError::Rewrite {
                address: page.url_path.clone(),
                message: err.to_string(),
            })?;
            write(&self.out, &page.file, unlinked.as_bytes())?;
        }
        Ok(())
    }
}

/// What becomes of a link on the page at `from`, and the live address to export when it is ours.
fn decide(links: &Links, from: &str, target: &Url) -> (LinkAction, Option<String>) {
    if target.origin() != site_url("/").origin() {
        return (LinkAction::Keep, None);
    }
    let path = target.path();
    if path.starts_with("/auth/") {
        return (LinkAction::Drop, None);
    }
    // Built assets (the stylesheet, the icon) and whatever anyone may be shown.
    if !(path.starts_with("/pkg/") || crate::http::is_shareable(path)) {
        return (LinkAction::Unlink, None);
    }
    let Some(location) = locate(path, target.query()) else {
        return (LinkAction::Unlink, None);
    };
    let mut href = links.href(from, &location.url_path);
    if let Some(fragment) = target.fragment() {
        href.push('#');
        href.push_str(fragment);
    }
    let address = match target.query() {
        Some(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    };
    (LinkAction::To(href), Some(address))
}

fn site_url(address: &str) -> Url {
    Url::parse(SITE)
        .and_then(|site| site.join(address))
        .unwrap_or_else(|_| Url::parse(SITE).expect("a valid constant"))
}

fn locate_address(address: &str) -> Option<Location> {
    let url = site_url(address);
    locate(url.path(), url.query())
}

/// A tag or line as one path segment.
fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// Characters escaped in a path segment: controls, space and the URL's delimiters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

fn write(out: &Path, file: &Path, body: &[u8]) -> Result<(), ExportError> {
    let path = out.join(file);
    let failed = |source| ExportError::Write {
        path: path.clone(),
        source,
    };
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(failed)?;
    }
    std::fs::write(&path, body).map_err(failed)
}

#[cfg(test)]
mod tests;
