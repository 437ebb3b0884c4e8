//! How the history page arranges versions: support lines as sections, and within a line one
//! train per release version, its pre-releases folded under it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{
    checklist::Progress,
    incident::{AffectedRange, Severity},
    support::{LineSupport, Phase},
    version::Channel,
};

/// Trains per history page. A page ends between trains, never inside one.
pub const TRAINS_PER_PAGE: u32 = 50;

/// The longest search the history accepts; longer text is cut, not refused.
pub const MAX_SEARCH_CHARS: usize = 100;

/// A release version and the pre-releases that led to it, e.g. `2.0.0` with `2.0.0-rc.1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Train<T> {
    /// The version the train leads to, without pre-release: `2.0.0`.
    pub target: String,
    /// The release itself; `None` while only pre-releases exist (or the filter hid it).
    pub release: Option<T>,
    /// Newest first.
    pub prereleases: Vec<T>,
}

/// One support line's trains, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSection<T> {
    /// As displayed: `2.x`, or `0.3.x` under the 0.x rule.
    pub line: String,
    pub trains: Vec<Train<T>>,
}

/// What a version needs to be placed: its line, its SemVer text and its channel.
pub trait Placed {
    fn line(&self) -> &str;
    fn version(&self) -> &str;
    fn channel(&self) -> Channel;
}

/// The version without pre-release or build metadata: `2.0.0-rc.1+b5` → `2.0.0`.
pub fn train_target(version: &str) -> &str {
    version.split(['-', '+']).next().unwrap_or(version)
}

/// Groups versions, given newest first by precedence, into line sections and trains. Versions
/// of one train are adjacent in that order, so one pass suffices.
pub fn arrange<T: Placed>(versions: impl IntoIterator<Item = T>) -> Vec<LineSection<T>> {
    let mut sections: Vec<LineSection<T>> = Vec::new();
    for version in versions {
        if sections.last().is_none_or(|s| s.line != version.line()) {
            sections.push(LineSection {
                line: version.line().to_owned(),
                trains: Vec::new(),
            });
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        let target = train_target(version.version());
        if section.trains.last().is_none_or(|t| t.target != target) {
            section.trains.push(Train {
                target: target.to_owned(),
                release: None,
                prereleases: Vec::new(),
            });
        }
        let Some(train) = section.trains.last_mut() else {
            continue;
        };
        if version.channel() == Channel::Stable && train.release.is_none() {
            train.release = Some(version);
        } else {
            train.prereleases.push(version);
        }
    }
    sections
}

/// What the history shows: the filters and the page, as read from the query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    pub channel: Option<Channel>,
    /// A line as displayed, e.g. `2.x`.
    pub line: Option<String>,
    /// Text to find in tags and release titles; `None` when blank.
    pub search: Option<String>,
    /// 1-based.
    pub page: u32,
}

impl HistoryQuery {
    /// The link to this view of the history at `base` (`/{owner}/{repo}`), keeping only what
    /// differs from the defaults so that links stay short and canonical.
    pub fn href(&self, base: &str) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        if let Some(search) = &self.search {
            pairs.append_pair("q", search);
        }
        if let Some(channel) = self.channel {
            pairs.append_pair("channel", channel.as_str());
        }
        if let Some(line) = &self.line {
            pairs.append_pair("line", line);
        }
        if self.page > 1 {
            pairs.append_pair("page", &self.page.to_string());
        }
        let query = pairs.finish();
        if query.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{query}")
        }
    }

    /// The same view on another page.
    pub fn on_page(&self, page: u32) -> HistoryQuery {
        HistoryQuery {
            page,
            ..self.clone()
        }
    }
}

/// Cleans a search as typed: trimmed, at most [`MAX_SEARCH_CHARS`], `None` when blank.
pub fn clean_search(text: &str) -> Option<String> {
    let text: String = text.trim().chars().take(MAX_SEARCH_CHARS).collect();
    let text = text.trim_end();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A page number from the query string: anything that is not a positive number is page 1.
pub fn parse_page(text: Option<&str>) -> u32 {
    text.and_then(|t| t.trim().parse::<u32>().ok())
        .filter(|&page| page > 0)
        .unwrap_or(1)
}

/// How many pages `trains` trains fill; an empty history still has its one (empty) page.
pub fn page_count(trains: u64) -> u32 {
    u32::try_from(trains.div_ceil(u64::from(TRAINS_PER_PAGE)))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// A line's state at a glance, for its heading on the history: its phase and the date that
/// phase ends (or, at end of life, the day it ended).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineGlance {
    /// As displayed: `2.x`.
    pub line: String,
    pub phase: Phase,
    pub until: Option<NaiveDate>,
}

impl LineGlance {
    pub fn of(support: &LineSupport) -> LineGlance {
        LineGlance {
            line: support.line.to_string(),
            phase: support.phase,
            until: match support.phase {
                Phase::Full => support.eoas,
                Phase::Security | Phase::Eol => support.eol,
            },
        }
    }
}

/// A published incident as the history needs it.
#[derive(Clone, Debug)]
pub struct KnownIncident {
    pub affected: AffectedRange,
    pub severity: Severity,
    pub resolved: bool,
    pub fixed_in: Option<String>,
}

/// What the history shows beside one version at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionGlance {
    /// The worst open incident that affects it.
    pub open_incident: Option<Severity>,
    /// Hit by a resolved incident: the version that fixes it (the newest such fix).
    pub fixed_in: Option<String>,
    /// Its checklist's progress; maintainers only.
    pub progress: Option<Progress>,
}

impl VersionGlance {
    pub fn of(
        version: &semver::Version,
        incidents: &[KnownIncident],
        progress: Option<Progress>,
    ) -> VersionGlance {
        let hits = || incidents.iter().filter(|i| i.affected.contains(version));
        VersionGlance {
            open_incident: hits().filter(|i| !i.resolved).map(|i| i.severity).max(),
            fixed_in: hits()
                .filter(|i| i.resolved)
                .filter_map(|i| i.fixed_in.clone())
                .max_by(
                    |a, b| match (semver::Version::parse(a), semver::Version::parse(b)) {
                        (Ok(a), Ok(b)) => a.cmp_precedence(&b),
                        _ => a.cmp(b),
                    },
                ),
            progress,
        }
    }

    pub fn is_empty(&self) -> bool {
        self == &VersionGlance::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(range: &str, severity: Severity, fixed_in: Option<&str>) -> KnownIncident {
        KnownIncident {
            affected: AffectedRange::parse(range).expect("a range"),
            severity,
            resolved: fixed_in.is_some(),
            fixed_in: fixed_in.map(str::to_owned),
        }
    }

    #[test]
    fn a_version_shows_its_worst_open_incident_and_the_fix_of_resolved_ones() {
        let incidents = [
            incident(">=2.3.0, <2.3.2", Severity::Critical, Some("2.3.2")),
            incident(">=2.0.0, <2.3.1", Severity::Major, Some("2.3.1")),
            incident(">=2.3.1", Severity::Minor, None),
            incident(">=2.3.1, <3.0.0", Severity::Major, None),
        ];
        let at =
            |v: &str| VersionGlance::of(&semver::Version::parse(v).expect("v"), &incidents, None);
        assert_eq!(at("2.3.1").open_incident, Some(Severity::Major));
        assert_eq!(at("2.3.1").fixed_in.as_deref(), Some("2.3.2"));
        assert_eq!(
            at("2.3.0").fixed_in.as_deref(),
            Some("2.3.2"),
            "the newest fix"
        );
        assert_eq!(at("2.3.0").open_incident, None);
        assert_eq!(at("3.0.0").open_incident, Some(Severity::Minor));
        assert!(at("1.9.0").is_empty());
    }

    #[derive(Clone, Debug, PartialEq)]
    struct V(&'static str, &'static str);

    impl Placed for V {
        fn line(&self) -> &str {
            self.0
        }
        fn version(&self) -> &str {
            self.1
        }
        fn channel(&self) -> Channel {
            match semver::Version::parse(self.1) {
                Ok(v) => Channel::of(&v),
                Err(_) => Channel::Prerelease,
            }
        }
    }

    /// One line per train: `line target: release | pre-releases`.
    fn shape(sections: &[LineSection<V>]) -> Vec<String> {
        sections
            .iter()
            .flat_map(|s| {
                s.trains.iter().map(|t| {
                    let pre: Vec<&str> = t.prereleases.iter().map(|p| p.1).collect();
                    let release = t.release.as_ref().map_or("-", |r| r.1);
                    format!("{} {}: {release} | {}", s.line, t.target, pre.join(" "))
                })
            })
            .collect()
    }

    #[test]
    fn pre_releases_fold_under_their_release_and_lines_become_sections() {
        let versions = vec![
            V("3.x", "3.2.0-rc.1"),
            V("3.x", "3.2.0-beta.1"),
            V("3.x", "3.1.1"),
            V("3.x", "3.1.0"),
            V("3.x", "3.1.0-rc.1"),
            V("2.x", "2.0.0"),
            V("2.x", "2.0.0-rc.2"),
            V("0.3.x", "0.3.0"),
        ];
        let sections = arrange(versions);
        assert_eq!(
            shape(&sections),
            [
                "3.x 3.2.0: - | 3.2.0-rc.1 3.2.0-beta.1",
                "3.x 3.1.1: 3.1.1 | ",
                "3.x 3.1.0: 3.1.0 | 3.1.0-rc.1",
                "2.x 2.0.0: 2.0.0 | 2.0.0-rc.2",
                "0.3.x 0.3.0: 0.3.0 | ",
            ]
        );
        assert_eq!(sections.len(), 3);
    }

    #[test]
    fn build_metadata_stays_in_its_train() {
        assert_eq!(train_target("1.0.0+build.5"), "1.0.0");
        assert_eq!(train_target("1.0.0-rc.1+b"), "1.0.0");
        // Two tags of one version (v1.0.0 and v1.0.0+b): the first is the release.
        let sections = arrange(vec![V("1.x", "1.0.0"), V("1.x", "1.0.0+b")]);
        assert_eq!(sections[0].trains.len(), 1);
        assert_eq!(sections[0].trains[0].release, Some(V("1.x", "1.0.0")));
        assert_eq!(sections[0].trains[0].prereleases, vec![V("1.x", "1.0.0+b")]);
    }

    #[test]
    fn nothing_arranges_into_nothing() {
        assert!(arrange(Vec::<V>::new()).is_empty());
    }

    #[test]
    fn links_keep_only_what_differs_from_the_defaults() {
        let base = "/acme/orbit";
        assert_eq!(HistoryQuery::default().href(base), base);
        let query = HistoryQuery {
            channel: Some(Channel::Rc),
            line: Some("2.x".to_owned()),
            search: Some("fix & more".to_owned()),
            page: 3,
        };
        assert_eq!(
            query.href(base),
            "/acme/orbit?q=fix+%26+more&channel=rc&line=2.x&page=3"
        );
        assert_eq!(
            query.on_page(1).href(base),
            "/acme/orbit?q=fix+%26+more&channel=rc&line=2.x"
        );
    }

    #[test]
    fn searches_are_trimmed_and_bounded() {
        assert_eq!(clean_search("  "), None);
        assert_eq!(clean_search(" rc.1 "), Some("rc.1".to_owned()));
        let long = "é".repeat(300);
        assert_eq!(
            clean_search(&long).map(|s| s.chars().count()),
            Some(MAX_SEARCH_CHARS)
        );
    }

    #[test]
    fn pages_are_positive_and_counted_in_trains() {
        assert_eq!(parse_page(None), 1);
        assert_eq!(parse_page(Some("0")), 1);
        assert_eq!(parse_page(Some("-2")), 1);
        assert_eq!(parse_page(Some("two")), 1);
        assert_eq!(parse_page(Some("7")), 7);
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(50), 1);
        assert_eq!(page_count(51), 2);
        assert_eq!(page_count(10_000), 200);
    }
}
