//! Planned releases (PRODUCT.md §9): what a plan's fields must be, which of its checklist's items
//! gate the release branch, what a published release says, and the warning a withdrawal mirrored
//! to GitHub puts on top of the release's notes.

use chrono::NaiveDate;

/// Longest draft notes we keep; GitHub's own limit on a release body is 125,000 characters.
pub const MAX_NOTES: usize = 100_000;
const MAX_BRANCH: usize = 200;

/// The branch a release is prepared on when the plan names none: `release/v2.4.0`.
pub fn default_branch(tag: &str) -> String {
    format!("release/{tag}")
}

/// A plan's target date, `YYYY-MM-DD`.
pub fn parse_target_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "a date as YYYY-MM-DD, e.g. 2026-12-24; got '{}'",
            text.trim()
        )
    })
}

/// A branch name git accepts (`git check-ref-format --branch`), kept short.
pub fn check_branch(name: &str) -> Result<(), String> {
    let problem = || {
        Err(format!(
            "a git branch name without spaces, '..', '~^:?*[\\' or a leading '-', at most \
             {MAX_BRANCH} characters; got '{name}'"
        ))
    };
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c);
    if name.is_empty()
        || name.len() > MAX_BRANCH
        || name.starts_with(['-', '/', '.'])
        || name.ends_with(['/', '.'])
        || name.ends_with(".lock")
        || name.contains("..")
        || name.contains("//")
        || name.contains("@{")
        || name.contains("/.")
        || name == "@"
        || name.chars().any(bad_char)
    {
        return problem();
    }
    Ok(())
}

/// The draft notes, refused when too long.
pub fn check_notes(notes: &str) -> Result<(), String> {
    if notes.chars().count() > MAX_NOTES {
        return Err(format!("at most {MAX_NOTES} characters"));
    }
    Ok(())
}

/// Why a version cannot be planned, given what the repository has: `None` when it can.
pub fn version_refusal(
    version: &semver::Version,
    taken: bool,
    newest_of_line: Option<&semver::Version>,
) -> Option<String> {
    if taken {
        return Some(format!(
            "{version} is already a version or a plan of this repository"
        ));
    }
    match newest_of_line {
        Some(newest) if version.cmp_precedence(newest).is_le() => Some(format!(
            "must be higher than {newest}, the newest release of its line"
        )),
        _ => None,
    }
}

/// Whether an item's section is done before the tag: every section before the first "Release"
/// section (Pre-Release: ..., or a hotfix's branch, test and review steps).
pub fn before_release(sections: &[&str]) -> Vec<bool> {
    let is_release = |title: &str| {
        let lower = title.trim().to_ascii_lowercase();
        lower == "release" || lower.starts_with("release:") || lower.starts_with("release ")
    };
    let first_release = sections.iter().position(|title| is_release(title));
    sections
        .iter()
        .enumerate()
        .map(|(i, title)| match first_release {
            Some(at) => i < at,
            None => title.trim().to_ascii_lowercase().starts_with("pre-release"),
        })
        .collect()
}

/// The commit status the gate writes on the release branch's head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    /// GitHub's status state: `pending` or `success`.
    pub state: &'static str,
    pub description: String,
}

/// The context of the gate's commit status: what branch protection requires.
pub const GATE_CONTEXT: &str = "releasedesk/checklist";

/// The gate for `open` of `total` pre-release items still open.
pub fn gate_for(open: usize, total: usize) -> Gate {
    if open == 0 {
        Gate {
            state: "success",
            description: format!("All {total} pre-release items done"),
        }
    } else {
        Gate {
            state: "pending",
            description: format!("{open} of {total} pre-release items open"),
        }
    }
}

/// The gate's summary in Markdown: the open pre-release items, or that none is.
pub fn gate_summary(open: &[String]) -> String {
    if open.is_empty() {
        return "Every pre-release item of the checklist is done.".to_owned();
    }
    let mut summary = format!("{} pre-release items are open:\n", open.len());
    for item in open {
        summary.push_str(&format!("\n- [ ] {}", item.replace('\n', " ")));
    }
    summary
}

/// GitHub's `make_latest` for publishing `version`: only a stable release that becomes the
/// highest stable one is marked latest.
pub fn makes_latest(version: &semver::Version, highest_stable: Option<&semver::Version>) -> bool {
    version.pre.is_empty()
        && highest_stable.is_none_or(|highest| version.cmp_precedence(highest).is_gt())
}

/// A published release's notes: the CHANGELOG.md section when there is one, else the plan's
/// draft notes.
pub fn release_body(changelog_section: Option<&str>, draft_notes: &str) -> String {
    match changelog_section.map(str::trim).filter(|s| !s.is_empty()) {
        Some(section) => section.to_owned(),
        None => draft_notes.trim().to_owned(),
    }
}

/// The warning a mirrored withdrawal puts on top of the release's notes (a GitHub alert block).
pub fn withdrawal_warning(reason: &str, superseded_by: Option<&str>) -> String {
    let mut lines = vec![
        "> [!WARNING]".to_owned(),
        "> **This release is withdrawn.**".to_owned(),
    ];
    lines.extend(
        reason
            .trim()
            .lines()
            .map(|line| format!("> {line}").trim_end().to_owned()),
    );
    if let Some(newer) = superseded_by {
        lines.push(format!("> Use {newer} instead."));
    }
    lines.join("\n")
}

/// The notes of a withdrawn release as mirrored: the warning, then the notes as they were.
pub fn withdrawn_body(original: &str, warning: &str) -> String {
    if original.is_empty() {
        warning.to_owned()
    } else {
        format!("{warning}\n\n{original}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> semver::Version {
        semver::Version::parse(text).expect("version")
    }

    #[test]
    fn branches_follow_gits_rules() {
        assert_eq!(default_branch("v2.4.0"), "release/v2.4.0");
        for good in ["release/v2.4.0", "main", "release-2.x", "feature/a_b"] {
            assert!(check_branch(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "has space",
            "a..b",
            "-x",
            "/x",
            "x/",
            "x.lock",
            "a//b",
            "a@{1}",
            "a~1",
            "a:b",
            "a/.b",
            "x.",
            "@",
        ] {
            assert!(check_branch(bad).is_err(), "{bad:?}");
        }
        assert!(check_branch(&"b".repeat(201)).is_err());
    }

    #[test]
    fn target_dates_are_iso_days() {
        assert_eq!(
            parse_target_date(" 2026-12-24 "),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 24).expect("date"))
        );
        for bad in ["24.12.2026", "2026-13-01", "", "tomorrow"] {
            assert!(parse_target_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_plan_must_be_new_and_above_its_line() {
        assert_eq!(version_refusal(&v("2.4.0"), false, Some(&v("2.3.1"))), None);
        assert_eq!(version_refusal(&v("3.0.0"), false, None), None);
        assert_eq!(
            version_refusal(&v("2.4.0-rc.1"), false, Some(&v("2.4.0-beta.2"))),
            None
        );
        let lower = version_refusal(&v("2.3.0"), false, Some(&v("2.3.1"))).expect("refused");
        assert!(lower.contains("higher than 2.3.1"), "{lower}");
        assert!(version_refusal(&v("2.3.1"), false, Some(&v("2.3.1"))).is_some());
        assert!(version_refusal(&v("2.4.0"), true, None)
            .expect("refused")
            .contains("already"));
    }

    #[test]
    fn the_gate_summary_lists_the_open_items() {
        assert_eq!(
            gate_summary(&["Run the tests".to_owned(), "Sign\nthe tag".to_owned()]),
            "2 pre-release items are open:\n\n- [ ] Run the tests\n- [ ] Sign the tag"
        );
        assert_eq!(
            gate_summary(&[]),
            "Every pre-release item of the checklist is done."
        );
    }

    #[test]
    fn pre_release_items_are_those_before_the_release_section() {
        let stable = [
            "Pre-Release: Code Quality",
            "Pre-Release: Testing",
            "Release",
            "Verification",
            "Post-Release: Immediate (within 1 hour)",
        ];
        assert_eq!(before_release(&stable), [true, true, false, false, false]);
        let hotfix = [
            "Hotfix: Branch and Fix",
            "Hotfix: Test Thoroughly",
            "Release",
            "Backport",
        ];
        assert_eq!(before_release(&hotfix), [true, true, false, false]);
        let custom = ["Pre-release checks", "Afterwards"];
        assert_eq!(before_release(&custom), [true, false]);
    }

    #[test]
    fn the_gate_passes_once_nothing_is_open() {
        assert_eq!(
            gate_for(3, 12),
            Gate {
                state: "pending",
                description: "3 of 12 pre-release items open".into()
            }
        );
        assert_eq!(gate_for(0, 12).state, "success");
        assert_eq!(gate_for(0, 12).description, "All 12 pre-release items done");
    }

    #[test]
    fn only_a_new_highest_stable_is_latest() {
        assert!(makes_latest(&v("2.4.0"), Some(&v("2.3.1"))));
        assert!(makes_latest(&v("1.0.0"), None));
        assert!(!makes_latest(&v("2.3.2"), Some(&v("2.4.0"))));
        assert!(!makes_latest(&v("2.5.0-rc.1"), Some(&v("2.4.0"))));
    }

    #[test]
    fn notes_come_from_the_changelog_first() {
        assert_eq!(
            release_body(Some("### Fixed\n- x\n"), "draft"),
            "### Fixed\n- x"
        );
        assert_eq!(release_body(Some("  "), " draft "), "draft");
        assert_eq!(release_body(None, "draft"), "draft");
    }

    #[test]
    fn a_mirrored_withdrawal_puts_a_warning_on_top() {
        let warning = withdrawal_warning("Loses jobs on restart\nsee #12", Some("2.3.2"));
        assert_eq!(
            warning,
            "> [!WARNING]\n> **This release is withdrawn.**\n> Loses jobs on restart\n> see #12\n> Use 2.3.2 instead."
        );
        assert_eq!(
            withdrawn_body("Notes", &warning),
            format!("{warning}\n\nNotes")
        );
        assert_eq!(withdrawn_body("", &warning), warning);
    }
}
