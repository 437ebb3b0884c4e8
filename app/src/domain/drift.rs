//! Drift: where what is on GitHub disagrees with what the versions say. The store finds the
//! drifting tags (`store::versions::drift`); this is how they are summed up.

use serde::{Deserialize, Serialize};

/// One list of tags in a drift summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagFinding {
    pub kind: TagDrift,
    /// How many tags have this drift.
    pub total: usize,
    /// The first of them, by name.
    pub tags: Vec<String>,
}

/// The kinds of drift that are lists of tags, in the order pages show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagDrift {
    /// Marked pre-release on GitHub while the version is stable, or the reverse.
    PrereleaseFlag,
    /// Tagged in git, with no GitHub release.
    WithoutRelease,
    /// Not SemVer under the repository's tag prefix.
    NotVersions,
}

/// Drift as a page shows it: every count, but only the first few tags of each kind, so that a
/// repository with thousands of tag-only versions does not send them all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftSummary {
    pub count: usize,
    pub latest_mismatch: Option<(String, String)>,
    /// Non-empty lists only.
    pub findings: Vec<TagFinding>,
}

/// A tag that drifts, as the store finds it (the first few of each kind, by name), with how
/// many tags in all drift that way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriftingTag {
    pub kind: TagDrift,
    pub tag: String,
    pub total: usize,
}

impl DriftSummary {
    /// `github_latest` is the newest stable release by date, which GitHub labels "latest";
    /// `highest_stable` the highest released stable version.
    pub fn new(
        tags: Vec<DriftingTag>,
        github_latest: Option<String>,
        highest_stable: Option<String>,
    ) -> DriftSummary {
        let findings: Vec<TagFinding> = [
            TagDrift::PrereleaseFlag,
            TagDrift::WithoutRelease,
            TagDrift::NotVersions,
        ]
        .into_iter()
        .filter_map(|kind| {
            let of_kind: Vec<&DriftingTag> = tags.iter().filter(|t| t.kind == kind).collect();
            let total = of_kind.iter().map(|t| t.total).max()?;
            Some(TagFinding {
                kind,
                total,
                tags: of_kind.into_iter().map(|t| t.tag.clone()).collect(),
            })
        })
        .collect();
        let latest_mismatch = match (github_latest, highest_stable) {
            (Some(latest), Some(highest)) if latest != highest => Some((latest, highest)),
            _ => None,
        };
        DriftSummary {
            count: findings.iter().map(|f| f.total).sum::<usize>()
                + usize::from(latest_mismatch.is_some()),
            latest_mismatch,
            findings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drifting(kind: TagDrift, tag: &str, total: usize) -> DriftingTag {
        DriftingTag {
            kind,
            tag: tag.to_owned(),
            total,
        }
    }

    #[test]
    fn a_tidy_repository_has_no_drift() {
        let summary = DriftSummary::new(vec![], Some("v2.0.0".into()), Some("v2.0.0".into()));
        assert_eq!(summary, DriftSummary::default());
        assert_eq!(DriftSummary::new(vec![], None, None).count, 0);
    }

    #[test]
    fn findings_keep_their_totals_in_display_order() {
        let tags = vec![
            drifting(TagDrift::NotVersions, "nightly", 1),
            drifting(TagDrift::WithoutRelease, "v1.0.0", 30),
            drifting(TagDrift::WithoutRelease, "v1.0.1", 30),
            drifting(TagDrift::PrereleaseFlag, "v2.0.1", 1),
        ];
        let summary = DriftSummary::new(tags, Some("v1.0.1".into()), Some("v2.0.0".into()));
        assert_eq!(
            summary.latest_mismatch,
            Some(("v1.0.1".to_owned(), "v2.0.0".to_owned()))
        );
        let kinds: Vec<(TagDrift, usize, usize)> = summary
            .findings
            .iter()
            .map(|f| (f.kind, f.total, f.tags.len()))
            .collect();
        assert_eq!(
            kinds,
            [
                (TagDrift::PrereleaseFlag, 1, 1),
                (TagDrift::WithoutRelease, 30, 2),
                (TagDrift::NotVersions, 1, 1),
            ]
        );
        assert_eq!(summary.count, 1 + 30 + 1 + 1);
    }
}
