//! Where each live address goes in a static export, and how exported files link to each other.
//! Pure functions: no I/O.
//!
//! - A page (`/acme/orbit/support`) becomes a folder with `index.html`, reached at
//!   `/acme/orbit/support/`, which every static host serves.
//! - A page with a query (`/acme/orbit?channel=rc&page=2`) becomes its own folder under `_`,
//!   a segment no route of ours uses: `/acme/orbit/_/channel/rc/page/2/`. Static hosts ignore
//!   queries, so each filtered view that a page links to is a page of its own.
//! - A file with an extension (`.json`, `.svg`, `.atom`, `.ics`, `.css`) keeps its address.
//! - An API answer without an extension (`/api/v1/repos`) becomes `index.json` in its folder:
//!   `/api/v1/repos/index.json` (with nginx's `try_files $uri $uri/index.json` the live
//!   address works too).

use std::path::PathBuf;

use url::Url;

/// Extensions that mark an address as a file of its own.
const FILE_EXTENSIONS: [&str; 12] = [
    "json",
    "svg",
    "atom",
    "ics",
    "css",
    "js",
    "wasm",
    "png",
    "ico",
    "txt",
    "xml",
    "webmanifest",
];

/// What an exported address holds, as the address tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Page,
    File,
    Data,
}

/// Where an address lives in the export: the file to write (relative to the export's folder)
/// and the path links point to (percent-encoded, from the site's root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub kind: Kind,
    pub file: PathBuf,
    pub url_path: String,
}

/// The kind of an address's answer, judged from the path.
pub fn kind_of(path: &str) -> Kind {
    let last = path.rsplit('/').next().unwrap_or_default();
    let extension = last.rsplit_once('.').map(|(_, ext)| ext);
    if path.starts_with("/api/") && path != "/api/docs" {
        return if extension.is_some_and(|ext| ext == "json") {
            Kind::File
        } else {
            Kind::Data
        };
    }
    match extension {
        Some(ext) if FILE_EXTENSIONS.contains(&ext) => Kind::File,
        _ => Kind::Page,
    }
}

/// A path segment that is safe as a file name once decoded, and the decoded name.
fn file_segment(segment: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()?;
    let safe = !decoded.is_empty()
        && decoded != "."
        && decoded != ".."
        && !decoded.contains(['/', '\\', '\0']);
    safe.then(|| decoded.into_owned())
}

/// A query value that can stand as a path segment unchanged.
fn plain(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'~'))
}

/// The segments a query adds under `_`, sorted by name; `None` when a pair cannot be a
/// segment (a search text, say) or when the query repeats a name.
fn query_segments(query: &str) -> Option<Vec<String>> {
    let mut pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    pairs.sort();
    if pairs.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    let mut segments = Vec::new();
    for (name, value) in pairs {
        if !plain(name) || !plain(value) {
            return None;
        }
        segments.push(name.to_owned());
        segments.push(value.to_owned());
    }
    Some(segments)
}

/// Where the answer at `path` (percent-encoded, from the root) with `query` goes; `None` when it
/// cannot be a static file.
pub fn locate(path: &str, query: Option<&str>) -> Option<Location> {
    let kind = kind_of(path);
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let mut file = PathBuf::new();
    for segment in &segments {
        file.push(file_segment(segment)?);
    }
    let extra = match query.filter(|q| !q.is_empty()) {
        None => Vec::new(),
        Some(_) if kind != Kind::Page => return None,
        Some(query) => {
            let extra = query_segments(query)?;
            if !extra.is_empty() {
                file.push("_");
                segments.push("_".to_owned());
            }
            extra
        }
    };
    for segment in extra {
        file.push(&segment);
        segments.push(segment);
    }
    let joined = segments.join("/");
    let (file, url_path) = match kind {
        Kind::File if joined.is_empty() => return None,
        Kind::File => (file, format!("/{joined}")),
        Kind::Data => (file.join("index.json"), format!("/{joined}/index.json")),
        Kind::Page if joined.is_empty() => (file.join("index.html"), "/".to_owned()),
        Kind::Page => (file.join("index.html"), format!("/{joined}/")),
    };
    Some(Location {
        kind,
        file,
        url_path,
    })
}

/// How exported files link to each other: relative links (the export works at any address, even
/// in a subfolder) or absolute ones under the address it will be served from.
#[derive(Clone, Debug)]
pub enum Links {
    Relative,
    Under(Url),
}

impl Links {
    /// `base` as given on the command line; a base without a trailing slash gets one, so that
    /// `https://example.org/releases` keeps its last segment.
    pub fn under(mut base: Url) -> Links {
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.set_query(None);
        base.set_fragment(None);
        Links::Under(base)
    }

    /// The link from the document at `from` to the one at `to` (both `url_path`s).
    pub fn href(&self, from: &str, to: &str) -> String {
        match self {
            Links::Under(base) => format!("{base}{}", to.trim_start_matches('/')),
            Links::Relative => relative(from, to),
        }
    }
}

/// `to` relative to the folder of `from`, both absolute URL paths.
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = match from.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').filter(|s| !s.is_empty()).collect(),
        None => Vec::new(),
    };
    let (to_dir, to_name) = to.rsplit_once('/').unwrap_or(("", to));
    let to_dir: Vec<&str> = to_dir.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_dir
        .iter()
        .zip(&to_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_dir[common..]);
    let mut link = parts.join("/");
    if !link.is_empty() {
        link.push('/');
    }
    link.push_str(to_name);
    if link.is_empty() {
        "./".to_owned()
    } else {
        link
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str, query: Option<&str>) -> (String, String) {
        let location = locate(path, query).unwrap_or_else(|| panic!("{path} {query:?}"));
        (
            location.file.to_string_lossy().into_owned(),
            location.url_path,
        )
    }

    #[test]
    fn pages_become_folders_with_an_index() {
        assert_eq!(at("/", None), ("index.html".into(), "/".into()));
        assert_eq!(
            at("/acme/orbit/support", None),
            (
                "acme/orbit/support/index.html".into(),
                "/acme/orbit/support/".into()
            )
        );
        assert_eq!(
            at("/acme/orbit/v/v2.3.1", None),
            (
                "acme/orbit/v/v2.3.1/index.html".into(),
                "/acme/orbit/v/v2.3.1/".into()
            )
        );
        assert_eq!(
            at("/api/docs", None),
            ("api/docs/index.html".into(), "/api/docs/".into())
        );
    }

    #[test]
    fn queries_become_folders_under_an_underscore() {
        assert_eq!(
            at("/acme/orbit", Some("page=2&channel=rc")),
            (
                "acme/orbit/_/channel/rc/page/2/index.html".into(),
                "/acme/orbit/_/channel/rc/page/2/".into()
            )
        );
        assert_eq!(at("/acme/orbit", Some("")), at("/acme/orbit", None));
        // Free text, repeated names and answers that are not pages stay live-only.
        assert!(locate("/acme/orbit", Some("q=rc%202")).is_none());
        assert!(locate("/acme/orbit", Some("line=3.x&line=2.x")).is_none());
        assert!(locate("/acme/orbit", Some("line=..")).is_none());
        assert!(locate("/api/v1/repos", Some("page=2")).is_none());
    }

    #[test]
    fn files_keep_their_address_and_api_answers_get_index_json() {
        assert_eq!(
            at("/acme/orbit/feed.atom", None),
            (
                "acme/orbit/feed.atom".into(),
                "/acme/orbit/feed.atom".into()
            )
        );
        assert_eq!(
            at("/badge/acme/orbit/3.x.svg", None),
            (
                "badge/acme/orbit/3.x.svg".into(),
                "/badge/acme/orbit/3.x.svg".into()
            )
        );
        assert_eq!(at("/api/orbit.json", None).0, "api/orbit.json");
        assert_eq!(
            at("/api/v1/repos/acme/orbit/support", None),
            (
                "api/v1/repos/acme/orbit/support/index.json".into(),
                "/api/v1/repos/acme/orbit/support/index.json".into()
            )
        );
        // A version's API answer is data even though its tag has dots in it.
        assert_eq!(
            kind_of("/api/v1/repos/acme/orbit/versions/v2.3.1"),
            Kind::Data
        );
    }

    #[test]
    fn file_names_are_decoded_and_never_leave_the_folder() {
        assert_eq!(
            at("/acme/orbit/v/v1.0.0%2Bbuild.5", None).0,
            "acme/orbit/v/v1.0.0+build.5/index.html"
        );
        assert!(locate("/acme/orbit/v/..", None).is_none());
        assert!(locate("/acme/orbit/v/%2E%2E", None).is_none());
        assert!(locate("/acme/orbit/v/a%2Fb", None).is_none());
    }

    #[test]
    fn relative_links_climb_to_the_common_folder() {
        assert_eq!(
            relative("/acme/orbit/support/", "/acme/orbit/v/v2.3.1/"),
            "../v/v2.3.1/"
        );
        assert_eq!(relative("/acme/orbit/support/", "/"), "../../../");
        assert_eq!(relative("/", "/acme/orbit/"), "acme/orbit/");
        assert_eq!(relative("/acme/orbit/", "/acme/orbit/"), "./");
        assert_eq!(
            relative("/acme/orbit/", "/pkg/releasedesk.css"),
            "../../pkg/releasedesk.css"
        );
        assert_eq!(
            relative("/acme/orbit/feed.atom", "/acme/orbit/v/v1/"),
            "v/v1/"
        );
    }

    #[test]
    fn links_under_a_base_address() {
        let base = Url::parse("https://cdn.example/releases").expect("url");
        let links = Links::under(base);
        assert_eq!(
            links.href("/", "/acme/orbit/support/"),
            "https://cdn.example/releases/acme/orbit/support/"
        );
        assert_eq!(links.href("/x/", "/"), "https://cdn.example/releases/");
    }
}
