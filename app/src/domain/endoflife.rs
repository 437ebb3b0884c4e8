//! Our support windows in the shapes of endoflife.date's API (v1 and v0), so that existing
//! clients work by changing their base URL. A line is a "release cycle": `3` for `3.x`, `0.4`
//! for `0.4.x` under the 0.x rule.

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    support::{LineSupport, Phase},
    version::Line,
};

/// The cycle name of a line: its major, or `0.minor`.
pub fn cycle_name(line: &Line) -> String {
    match line.minor {
        Some(minor) => format!("{}.{minor}", line.major),
        None => line.major.to_string(),
    }
}

/// True when `name` names the line's cycle: `3`, `3.x`, `0.4` or `0.4.x`.
pub fn names_cycle(name: &str, line: &Line) -> bool {
    let name = name.trim_end_matches(".x");
    name == cycle_name(line)
}

/// A release cycle in the v1 schema (`ProductRelease`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseCycle {
    pub name: String,
    pub codename: Option<String>,
    pub label: String,
    pub release_date: NaiveDate,
    pub is_lts: bool,
    pub lts_from: Option<NaiveDate>,
    pub is_eoas: bool,
    pub eoas_from: Option<NaiveDate>,
    pub is_eol: bool,
    pub eol_from: Option<NaiveDate>,
    pub is_maintained: bool,
    pub latest: Option<LatestVersion>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub custom: Option<()>,
}

/// The v1 `ProductVersion`: the newest release of a cycle.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LatestVersion {
    pub name: String,
    pub date: Option<NaiveDate>,
    pub link: Option<String>,
}

/// The v1 release cycle of a line; `link` is the latest version's release page.
pub fn release_cycle(window: &LineSupport, link: Option<String>) -> ReleaseCycle {
    ReleaseCycle {
        name: cycle_name(&window.line),
        codename: None,
        label: window.line.to_string(),
        release_date: window.started,
        is_lts: false,
        lts_from: None,
        is_eoas: window.phase != Phase::Full,
        eoas_from: window.eoas,
        is_eol: window.phase == Phase::Eol,
        eol_from: window.eol,
        is_maintained: window.phase != Phase::Eol,
        latest: window.latest.as_ref().map(|version| LatestVersion {
            name: version.to_string(),
            date: window.latest_released,
            link,
        }),
        custom: None,
    }
}

/// v0 writes a date where there is one, and `true`/`false` where there is none.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DateOrFlag {
    Date(NaiveDate),
    Flag(bool),
}

/// A release cycle in the v0 schema (`/api/{product}.json`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cycle {
    pub cycle: String,
    pub release_date: NaiveDate,
    /// End of full (active) support; `true` while it lasts with no end date yet.
    pub support: DateOrFlag,
    /// End of life; `false` while there is no date and the line is alive.
    pub eol: DateOrFlag,
    pub latest: Option<String>,
    pub latest_release_date: Option<NaiveDate>,
    pub lts: bool,
    pub link: Option<String>,
}

pub fn cycle(window: &LineSupport, link: Option<String>) -> Cycle {
    Cycle {
        cycle: cycle_name(&window.line),
        release_date: window.started,
        support: window.eoas.map_or(
            DateOrFlag::Flag(window.phase == Phase::Full),
            DateOrFlag::Date,
        ),
        eol: window.eol.map_or(
            DateOrFlag::Flag(window.phase == Phase::Eol),
            DateOrFlag::Date,
        ),
        latest: window.latest.as_ref().map(ToString::to_string),
        latest_release_date: window.latest_released,
        lts: false,
        link,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn window(line: Line, phase: Phase, eoas: Option<&str>, eol: Option<&str>) -> LineSupport {
        LineSupport {
            line,
            started: date("2024-01-10"),
            eoas: eoas.map(date),
            eol: eol.map(date),
            phase,
            latest: Some(semver::Version::new(line.major, line.minor.unwrap_or(4), 2)),
            latest_released: Some(date("2024-03-01")),
            explanation: String::new(),
        }
    }

    #[test]
    fn cycle_names() {
        let three = Line {
            major: 3,
            minor: None,
        };
        let zero_four = Line {
            major: 0,
            minor: Some(4),
        };
        assert_eq!(cycle_name(&three), "3");
        assert_eq!(cycle_name(&zero_four), "0.4");
        assert!(names_cycle("3", &three) && names_cycle("3.x", &three));
        assert!(names_cycle("0.4.x", &zero_four) && !names_cycle("0", &zero_four));
        assert!(!names_cycle("33", &three));
    }

    #[test]
    fn phases_map_to_flags_and_dates() {
        let line = Line {
            major: 2,
            minor: None,
        };
        let full = release_cycle(&window(line, Phase::Full, None, None), None);
        assert!(!full.is_eoas && !full.is_eol && full.is_maintained);
        assert_eq!(full.eoas_from, None);

        let security = window(
            line,
            Phase::Security,
            Some("2025-01-01"),
            Some("2025-07-01"),
        );
        let v1 = release_cycle(&security, Some("https://example/rel".into()));
        assert!(v1.is_eoas && !v1.is_eol && v1.is_maintained);
        assert_eq!(v1.eol_from, Some(date("2025-07-01")));
        assert_eq!(v1.latest.as_ref().map(|l| l.name.as_str()), Some("2.4.2"));
        let json = serde_json::to_value(&v1).expect("json");
        for key in [
            "name",
            "codename",
            "label",
            "releaseDate",
            "isLts",
            "ltsFrom",
            "isEoas",
            "eoasFrom",
            "isEol",
            "eolFrom",
            "isMaintained",
            "latest",
        ] {
            assert!(json.get(key).is_some(), "v1 needs {key}");
        }
        assert_eq!(json["releaseDate"], "2024-01-10");

        let v0 = serde_json::to_value(cycle(&security, None)).expect("json");
        assert_eq!(v0["support"], "2025-01-01");
        assert_eq!(v0["eol"], "2025-07-01");
        assert_eq!(v0["latestReleaseDate"], "2024-03-01");
        let v0_full = serde_json::to_value(cycle(&window(line, Phase::Full, None, None), None))
            .expect("json");
        assert_eq!(v0_full["support"], true);
        assert_eq!(v0_full["eol"], false);
        let v0_dead =
            serde_json::to_value(cycle(&window(line, Phase::Eol, None, None), None)).expect("json");
        assert_eq!(v0_dead["support"], false);
        assert_eq!(v0_dead["eol"], true);
    }
}
