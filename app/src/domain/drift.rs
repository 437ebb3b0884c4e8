//! Drift: where what is on GitHub disagrees with what the versions say.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::version::{precedence_key, Channel};

/// What drift detection needs to know of one live tag or published release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriftInput {
    pub tag: String,
    /// `None` for tags that are not versions.
    pub version: Option<semver::Version>,
    pub has_tag: bool,
    /// The published (not draft) release, if any.
    pub release: Option<PublishedRelease>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedRelease {
    /// GitHub's pre-release flag.
    pub prerelease: bool,
    pub published_at: DateTime<Utc>,
}

/// The findings, each a list of tags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    /// Versions tagged in git without a GitHub release.
    pub tags_without_release: Vec<String>,
    /// Releases flagged pre-release on GitHub while their version is stable, or the reverse.
    pub prerelease_flag_mismatch: Vec<String>,
    /// GitHub shows this release as "latest" (the newest stable one by date), while a higher
    /// stable version is released: `(github_latest, highest_stable)`.
    pub latest_mismatch: Option<(String, String)>,
    /// Tags that are not SemVer versions under the repository's prefix.
    pub unparsed_tags: Vec<String>,
}

impl Drift {
    pub fn count(&self) -> usize {
        self.tags_without_release.len()
            + self.prerelease_flag_mismatch.len()
            + usize::from(self.latest_mismatch.is_some())
            + self.unparsed_tags.len()
    }
}

pub fn find_drift(inputs: &[DriftInput]) -> Drift {
    let mut drift = Drift::default();
    for input in inputs {
        let Some(version) = &input.version else {
            drift.unparsed_tags.push(input.tag.clone());
            continue;
        };
        let stable = Channel::of(version) == Channel::Stable;
        match &input.release {
            None if input.has_tag => drift.tags_without_release.push(input.tag.clone()),
            Some(release) if release.prerelease == stable => {
                drift.prerelease_flag_mismatch.push(input.tag.clone())
            }
            _ => {}
        }
    }
    // GitHub's "latest": the most recently published release not flagged pre-release.
    let released_stable = || {
        inputs.iter().filter_map(|input| {
            let release = input.release.as_ref().filter(|r| !r.prerelease)?;
            let version = input.version.as_ref().filter(|v| v.pre.is_empty())?;
            Some((input, version, release))
        })
    };
    let github_latest = released_stable().max_by_key(|(_, _, r)| r.published_at);
    let highest = released_stable().max_by_key(|(_, v, _)| precedence_key(v));
    if let (Some((latest, ..)), Some((highest, ..))) = (github_latest, highest) {
        if latest.tag != highest.tag {
            drift.latest_mismatch = Some((latest.tag.clone(), highest.tag.clone()));
        }
    }
    for list in [
        &mut drift.tags_without_release,
        &mut drift.prerelease_flag_mismatch,
        &mut drift.unparsed_tags,
    ] {
        list.sort();
    }
    drift
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn input(tag: &str, has_tag: bool, release: Option<(bool, u32)>) -> DriftInput {
        DriftInput {
            tag: tag.to_owned(),
            version: super::super::version::parse_tag(tag, "v").ok(),
            has_tag,
            release: release.map(|(prerelease, day)| PublishedRelease {
                prerelease,
                published_at: Utc
                    .with_ymd_and_hms(2026, 1, day, 12, 0, 0)
                    .single()
                    .expect("date"),
            }),
        }
    }

    #[test]
    fn a_tidy_repository_has_no_drift() {
        let inputs = [
            input("v1.0.0", true, Some((false, 1))),
            input("v1.1.0-rc.1", true, Some((true, 2))),
            input("v1.1.0", true, Some((false, 3))),
        ];
        assert_eq!(find_drift(&inputs), Drift::default());
        assert_eq!(find_drift(&inputs).count(), 0);
    }

    #[test]
    fn finds_each_kind_of_drift() {
        let inputs = [
            input("v1.0.0", true, Some((false, 1))),
            input("v2.0.0", true, Some((false, 5))),
            // A backport published last: GitHub calls it latest.
            input("v1.0.1", true, Some((false, 9))),
            input("v2.1.0-rc.1", true, Some((false, 7))),
            input("v2.0.1", true, Some((true, 8))),
            input("v2.0.2", true, None),
            input("nightly", true, None),
        ];
        let drift = find_drift(&inputs);
        assert_eq!(drift.tags_without_release, ["v2.0.2"]);
        assert_eq!(drift.prerelease_flag_mismatch, ["v2.0.1", "v2.1.0-rc.1"]);
        assert_eq!(
            drift.latest_mismatch,
            Some(("v1.0.1".to_owned(), "v2.0.0".to_owned()))
        );
        assert_eq!(drift.unparsed_tags, ["nightly"]);
        assert_eq!(drift.count(), 5);
    }

    #[test]
    fn a_release_without_a_tag_is_not_a_tag_without_release() {
        let drift = find_drift(&[input("v1.0.0", false, None)]);
        assert!(drift.tags_without_release.is_empty());
    }
}
