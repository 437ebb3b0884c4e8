//! A release train from its first pre-release to its stable release (`/{owner}/{repo}/trains/{x.y.z}`):
//! each stage's date and how long it soaked before the next, and whether the stable release
//! ships the very files of its last release candidate.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::version::Channel;

/// The train key of `x.y.z`, as the `versions.train` column holds it: the padded
/// `major.minor.patch` that starts every precedence key of the train.
pub fn train_key(version: &semver::Version) -> String {
    format!(
        "{:020}.{:020}.{:020}",
        version.major, version.minor, version.patch
    )
}

/// A train named as `x.y.z` (a tag prefix and any pre-release part are dropped).
pub fn parse_train(text: &str, prefix: &str) -> Result<semver::Version, String> {
    let bare = text.trim();
    let bare = bare.strip_prefix(prefix).unwrap_or(bare);
    let core = bare.split(['-', '+']).next().unwrap_or_default();
    semver::Version::parse(core)
        .map(|v| semver::Version::new(v.major, v.minor, v.patch))
        .map_err(|_| format!("a train is named MAJOR.MINOR.PATCH, e.g. 3.2.0; got '{bare}'"))
}

/// One stage of a train: a pre-release or the stable release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub tag: String,
    pub channel: Channel,
    pub released_at: Option<DateTime<Utc>>,
    /// Until the next stage; for the last stage before a stable release, until now.
    pub soaked: Option<Duration>,
    /// Still soaking: the newest stage of a train without a stable release.
    pub soaking: bool,
}

/// The stages of a train, oldest first, from its versions in precedence order.
pub fn stages(
    versions: &[(String, Channel, Option<DateTime<Utc>>)],
    now: DateTime<Utc>,
) -> Vec<Stage> {
    let released = versions
        .iter()
        .any(|(_, channel, _)| *channel == Channel::Stable);
    versions
        .iter()
        .enumerate()
        .map(|(i, (tag, channel, at))| {
            let last = i + 1 == versions.len();
            let until = match versions.get(i + 1) {
                Some((_, _, next)) => *next,
                None if *channel != Channel::Stable && !released => Some(now),
                None => None,
            };
            let soaked = at.zip(until).map(|(from, to)| to - from);
            Stage {
                tag: tag.clone(),
                channel: *channel,
                released_at: *at,
                soaked: if *channel == Channel::Stable {
                    None
                } else {
                    soaked
                },
                soaking: last && *channel != Channel::Stable,
            }
        })
        .collect()
}

/// Whether the stable release ships its last release candidate's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Promotion {
    /// Every file's digest is one of the candidate's, and the other way round.
    SameBuild,
    /// Some file differs: the stable release was built again.
    Rebuilt,
    /// No candidate, no stable release yet, or files without digests.
    Unknown,
}

/// Compares the digests (`sha256:...`) of the stable release's files with the last release
/// candidate's; a missing digest makes the answer unknown.
pub fn promotion(candidate: &[Option<String>], stable: &[Option<String>]) -> Promotion {
    let digests = |files: &[Option<String>]| -> Option<Vec<String>> {
        let mut all: Vec<String> = files.iter().cloned().collect::<Option<_>>()?;
        all.sort();
        (!all.is_empty()).then_some(all)
    };
    match (digests(candidate), digests(stable)) {
        (Some(candidate), Some(stable)) if candidate == stable => Promotion::SameBuild,
        (Some(_), Some(_)) => Promotion::Rebuilt,
        _ => Promotion::Unknown,
    }
}

/// Whether something that happened `at` fell within the train: from its first stage until its
/// stable release (or until now).
pub fn during(
    at: DateTime<Utc>,
    first: Option<DateTime<Utc>>,
    stable: Option<DateTime<Utc>>,
) -> bool {
    first.is_some_and(|first| at >= first) && stable.is_none_or(|end| at <= end)
}

/// A duration as people say it: "3 days 4 hours", "5 hours", "under an hour".
pub fn soak_text(soaked: Duration) -> String {
    let days = soaked.num_days();
    let hours = soaked.num_hours() - days * 24;
    let plural = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (days, hours) {
        (0, 0) => "under an hour".to_owned(),
        (0, h) => plural(h, "hour"),
        (d, 0) => plural(d, "day"),
        (d, h) => format!("{} {}", plural(d, "day"), plural(h, "hour")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days: i64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(1_790_000_000 + days * 86_400, 0)
    }

    #[test]
    fn trains_are_named_by_their_release() {
        let v = parse_train("v3.2.0-rc.1", "v").expect("train");
        assert_eq!(v, semver::Version::new(3, 2, 0));
        assert_eq!(
            train_key(&v),
            "00000000000000000003.00000000000000000002.00000000000000000000"
        );
        assert!(parse_train("three", "v").is_err());
    }

    #[test]
    fn each_stage_soaks_until_the_next() {
        let versions = [
            ("v3.2.0-beta.1".to_owned(), Channel::Beta, at(0)),
            ("v3.2.0-rc.1".to_owned(), Channel::Rc, at(10)),
            ("v3.2.0".to_owned(), Channel::Stable, at(14)),
        ];
        let stages = stages(&versions, at(30).expect("now"));
        assert_eq!(stages[0].soaked, Some(Duration::days(10)));
        assert_eq!(stages[1].soaked, Some(Duration::days(4)));
        assert_eq!(stages[2].soaked, None);
        assert!(stages.iter().all(|s| !s.soaking));
    }

    #[test]
    fn the_newest_candidate_soaks_until_now() {
        let versions = [("v3.2.0-rc.1".to_owned(), Channel::Rc, at(10))];
        let stages = stages(&versions, at(15).expect("now"));
        assert_eq!(stages[0].soaked, Some(Duration::days(5)));
        assert!(stages[0].soaking);
    }

    #[test]
    fn a_promoted_build_has_the_candidates_digests() {
        let d = |s: &str| Some(format!("sha256:{s}"));
        assert_eq!(
            promotion(&[d("a"), d("b")], &[d("b"), d("a")]),
            Promotion::SameBuild
        );
        assert_eq!(
            promotion(&[d("a"), d("b")], &[d("a"), d("c")]),
            Promotion::Rebuilt
        );
        assert_eq!(promotion(&[d("a")], &[d("a"), d("b")]), Promotion::Rebuilt);
        assert_eq!(promotion(&[d("a"), None], &[d("a")]), Promotion::Unknown);
        assert_eq!(promotion(&[], &[d("a")]), Promotion::Unknown);
    }

    #[test]
    fn incidents_count_within_the_train() {
        let at = |d| at(d).expect("time");
        assert!(during(at(5), Some(at(0)), Some(at(14))));
        assert!(!during(at(20), Some(at(0)), Some(at(14))));
        assert!(during(at(20), Some(at(0)), None));
        assert!(!during(at(0), None, None));
    }

    #[test]
    fn soak_reads_as_days_and_hours() {
        assert_eq!(soak_text(Duration::hours(76)), "3 days 4 hours");
        assert_eq!(soak_text(Duration::hours(5)), "5 hours");
        assert_eq!(soak_text(Duration::days(1)), "1 day");
        assert_eq!(soak_text(Duration::minutes(20)), "under an hour");
    }
}
