//! The parts of GitHub's REST payloads that the sync reads. Unknown fields are ignored, so
//! GitHub can add to them freely.

use app::{model::versions::Asset, store::versions::GithubRelease};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// An item of `GET /repos/{o}/{r}/releases`.
#[derive(Clone, Debug, Deserialize)]
pub struct Release {
    pub id: i64,
    pub tag_name: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub prerelease: bool,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub assets: Vec<ReleaseAsset>,
}

/// A file attached to a release.
#[derive(Clone, Debug, Deserialize)]
pub struct ReleaseAsset {
    pub name: String,
    pub size: i64,
    #[serde(default)]
    pub content_type: String,
    #[serde(default)]
    pub browser_download_url: String,
    #[serde(default)]
    pub download_count: i64,
    /// `sha256:...`; null or missing for files uploaded before GitHub computed digests.
    #[serde(default)]
    pub digest: Option<String>,
}

impl Release {
    /// The release's files, as we store them.
    pub fn asset_records(&self) -> Vec<Asset> {
        self.assets
            .iter()
            .map(|asset| Asset {
                name: asset.name.clone(),
                size: asset.size,
                content_type: asset.content_type.clone(),
                download_url: asset.browser_download_url.clone(),
                download_count: asset.download_count,
                digest: asset.digest.clone(),
            })
            .collect()
    }

    /// What we store of it. A draft has no publication date, whatever GitHub sends.
    pub fn record(&self) -> GithubRelease<'_> {
        GithubRelease {
            github_id: self.id,
            name: self.name.as_deref().unwrap_or_default(),
            body: self.body.as_deref().unwrap_or_default(),
            html_url: &self.html_url,
            draft: self.draft,
            prerelease: self.prerelease,
            created_at: self.created_at,
            published_at: if self.draft { None } else { self.published_at },
        }
    }
}

/// An item of `GET /repos/{o}/{r}/tags`.
#[derive(Clone, Debug, Deserialize)]
pub struct Tag {
    pub name: String,
    pub commit: ObjectRef,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ObjectRef {
    pub sha: String,
}

/// An item of `GET /repos/{o}/{r}/git/matching-refs/tags`.
#[derive(Clone, Debug, Deserialize)]
pub struct GitRef {
    #[serde(rename = "ref")]
    pub name: String,
    pub object: GitObject,
}

#[derive(Clone, Debug, Deserialize)]
pub struct GitObject {
    pub sha: String,
    /// `tag` for annotated tags, `commit` for lightweight ones.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `GET /repos/{o}/{r}/git/tags/{sha}`: an annotated tag.
#[derive(Clone, Debug, Deserialize)]
pub struct AnnotatedTag {
    pub tagger: Option<Signature>,
}

/// `GET /repos/{o}/{r}/git/commits/{sha}`.
#[derive(Clone, Debug, Deserialize)]
pub struct Commit {
    pub committer: Signature,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Signature {
    pub date: DateTime<Utc>,
}

/// `GET /repos/{o}/{r}/contents/{path}` for a file: its content in base64, wrapped in lines.
/// Files over 1 MB come without content (`encoding` is `none`).
#[derive(Clone, Debug, Deserialize)]
pub struct FileContent {
    pub encoding: String,
    #[serde(default)]
    pub content: String,
}

impl FileContent {
    /// The file as text; `None` when GitHub left the content out or it is not UTF-8.
    pub fn text(&self) -> Option<String> {
        use base64::Engine;
        if self.encoding != "base64" {
            return None;
        }
        let packed: String = self.content.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(packed)
            .ok()?;
        String::from_utf8(bytes).ok()
    }
}
