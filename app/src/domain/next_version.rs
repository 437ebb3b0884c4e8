//! The next version of a repository, suggested from the commits made since its newest stable
//! release, read as Conventional Commits (<https://www.conventionalcommits.org/en/v1.0.0/>).
//!
//! Each commit message is classified ([`classify`]) as breaking, feature, fix or other; the
//! strongest kind among the commits decides the bump ([`suggest`]), which is applied to the
//! base version under the repository's rules for 0.x. Pre-release channels number their
//! versions within a train: `1.4.0-rc.1`, `1.4.0-rc.2`, and so on.

use serde::{Deserialize, Serialize};

use super::version::Channel;

/// What one commit message says, by Conventional Commits.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommitKind {
    /// `type!:` in the header, or a `BREAKING CHANGE:` footer.
    Breaking,
    /// `feat:`.
    Feature,
    /// `fix:` or `perf:`.
    Fix,
    /// Any other type (`chore:`, `docs:`, ...), a merge commit, or a message that does not
    /// follow Conventional Commits.
    Other,
}

impl CommitKind {
    /// Breaking > Feature > Fix > Other.
    fn strength(self) -> u8 {
        match self {
            CommitKind::Breaking => 3,
            CommitKind::Feature => 2,
            CommitKind::Fix => 1,
            CommitKind::Other => 0,
        }
    }
}

/// Classifies a commit message.
///
/// The header (the first line) must read `type(scope)!: description`, where:
/// - `type` is an ASCII letter followed by ASCII letters, digits, `-` or `_`, compared
///   case-insensitively: `feat` is a feature, `fix` and `perf` are fixes, any other type is
///   [`CommitKind::Other`] unless the commit is breaking;
/// - `(scope)` is optional and must not be empty;
/// - `!` is optional and makes the commit breaking, whatever its type;
/// - the colon is followed by a space and the description, or ends the header (`feat:` with an
///   empty description is still a feature).
///
/// A footer line `BREAKING CHANGE: ...` or `BREAKING-CHANGE: ...` (upper case, at the start of
/// a line after the blank line that ends the header) makes a conventional commit breaking too.
///
/// Anything else is [`CommitKind::Other`], footers included: a merge commit (`Merge pull
/// request #12 from ...`, whose body repeats commits that the range lists on their own), a
/// revert (`Revert "feat: ..."`), `fixup! ...`, `feature: ...`, `fix:typo` (no space), or a
/// header that merely mentions a breaking change.
pub fn classify(message: &str) -> CommitKind {
    let mut lines = message.lines();
    let Some((kind, bang)) = lines.next().and_then(|header| parse_header(header.trim())) else {
        return CommitKind::Other;
    };
    if bang || has_breaking_footer(lines) {
        return CommitKind::Breaking;
    }
    if kind.eq_ignore_ascii_case("feat") {
        CommitKind::Feature
    } else if kind.eq_ignore_ascii_case("fix") || kind.eq_ignore_ascii_case("perf") {
        CommitKind::Fix
    } else {
        CommitKind::Other
    }
}

/// The first line of a commit message, trimmed.
pub fn subject(message: &str) -> &str {
    message.lines().next().unwrap_or_default().trim()
}

/// `(type, has "!")` of a conventional header; `None` when the header is not one.
fn parse_header(header: &str) -> Option<(&str, bool)> {
    let type_end = header
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(header.len());
    let (kind, mut rest) = header.split_at(type_end);
    if !kind.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    if let Some(scoped) = rest.strip_prefix('(') {
        let (scope, after) = scoped.split_once(')')?;
        if scope.trim().is_empty() || scope.contains('(') {
            return None;
        }
        rest = after;
    }
    let (bang, rest) = match rest.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let description = rest.strip_prefix(':')?;
    (description.is_empty() || description.starts_with(' ')).then_some((kind, bang))
}

/// Whether a line after the header's blank line is a `BREAKING CHANGE:` footer.
fn has_breaking_footer<'a>(body: impl Iterator<Item = &'a str>) -> bool {
    let mut after_blank_line = false;
    for line in body {
        if line.trim().is_empty() {
            after_blank_line = true;
        } else if after_blank_line && is_breaking_footer(line) {
            return true;
        }
    }
    false
}

fn is_breaking_footer(line: &str) -> bool {
    ["BREAKING CHANGE", "BREAKING-CHANGE"].iter().any(|token| {
        line.strip_prefix(token)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    })
}

/// How a version moves from its base.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    Major,
    Minor,
    Patch,
    /// No commit called for a release; see [`suggest`].
    None,
}

impl Bump {
    /// As the API says it: `major`, `minor`, `patch` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Major => "major",
            Bump::Minor => "minor",
            Bump::Patch => "patch",
            Bump::None => "none",
        }
    }
}

impl CommitKind {
    /// As the API says it: `breaking`, `feature`, `fix` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            CommitKind::Breaking => "breaking",
            CommitKind::Feature => "feature",
            CommitKind::Fix => "fix",
            CommitKind::Other => "other",
        }
    }
}

/// One commit of the range, as GitHub's compare lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Commit<'a> {
    pub sha: &'a str,
    pub message: &'a str,
}

/// A commit that counts towards the bump.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub sha: String,
    /// The first line of the message.
    pub subject: String,
    pub kind: CommitKind,
}

/// The outcome of [`suggest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The bump applied to the base; see [`suggest`].
    pub bump: Bump,
    pub suggested: semver::Version,
    /// The commits that are not [`CommitKind::Other`], in the order given.
    pub reasons: Vec<Reason>,
    /// Releases the bump led to that the repository has already (a draft, a plan, a tag),
    /// passed over for the next patch.
    pub skipped: Vec<semver::Version>,
}

/// Suggests the next version on `channel`.
///
/// - `base`: the newest stable release, or `None` when the repository has none yet. Its
///   pre-release and build metadata, if any, are ignored.
/// - `commits`: the commits after `base`, oldest first, as GitHub's compare lists them.
/// - `existing`: every version the repository has, released or planned.
/// - `channel`: stable, rc, beta or alpha; [`Channel::Prerelease`] is an error, as it has no
///   numbering to follow.
/// - `zero_major_lines`: the repository treats each `0.y` as its own support line.
///
/// **The bump.** The strongest kind among the commits asks for a bump: breaking → major,
/// feature → minor, fix → patch. On a 0.x base the version never reaches 1.0.0 by itself
/// (that is a decision for people), so a breaking change bumps the minor, `0.y.z → 0.(y+1).0`;
/// with `zero_major_lines`, where each `0.y` is a line as a major is, a feature bumps the patch
/// too (as Cargo reads 0.x versions); without it a feature bumps the minor.
///
/// [`Suggestion::bump`] reports the bump **applied**, not the one the commits asked for:
/// a breaking change on `0.3.1` reports [`Bump::Minor`] (and a feature there, with
/// `zero_major_lines`, [`Bump::Patch`]); [`Suggestion::reasons`] keeps each commit's own
/// kind. One exception: when every commit is [`CommitKind::Other`] (chores, docs, merges)
/// the bump reports [`Bump::None`], yet the suggestion is still the next patch, since a
/// release made of chores alone is a patch release.
///
/// Without a base the first version is `0.1.0` with `zero_major_lines`, else `1.0.0`, and the
/// bump reports what the commits ask for under the same rules on that first version's line.
///
/// **Taken numbers.** The stable suggestion moves to the next patch while `existing` has it
/// already (build metadata is ignored). A pre-release channel works on the train of that
/// stable suggestion, `X.Y.Z`, and suggests `X.Y.Z-rc.N` (`beta.N`, `alpha.N`), with `N` one
/// more than the highest number of that train and channel in `existing` (`rc.2` and `rc2`
/// both count as 2), or 1 when there is none.
///
/// Errors name the `channel` parameter for [`Channel::Prerelease`], or report a version number
/// that would overflow.
pub fn suggest(
    base: Option<&semver::Version>,
    commits: &[Commit],
    channel: Channel,
    existing: &[semver::Version],
    zero_major_lines: bool,
) -> Result<Suggestion, String> {
    let word = match channel {
        Channel::Stable => None,
        Channel::Rc => Some("rc"),
        Channel::Beta => Some("beta"),
        Channel::Alpha => Some("alpha"),
        Channel::Prerelease => {
            return Err(
                "the channel parameter must be stable, rc, beta or alpha: prerelease has no \
                 numbering to suggest from"
                    .to_owned(),
            )
        }
    };
    let reasons: Vec<Reason> = commits
        .iter()
        .filter_map(|commit| {
            let kind = classify(commit.message);
            (kind != CommitKind::Other).then(|| Reason {
                sha: commit.sha.to_owned(),
                subject: subject(commit.message).to_owned(),
                kind,
            })
        })
        .collect();
    let strongest = reasons
        .iter()
        .map(|reason| reason.kind)
        .max_by_key(|kind| kind.strength())
        .unwrap_or(CommitKind::Other);

    let (bump, mut train) = match base {
        Some(base) => {
            let bump = applied_bump(strongest, base.major, zero_major_lines);
            (bump, bumped(base, bump)?)
        }
        None => {
            let first = if zero_major_lines {
                semver::Version::new(0, 1, 0)
            } else {
                semver::Version::new(1, 0, 0)
            };
            (
                applied_bump(strongest, first.major, zero_major_lines),
                first,
            )
        }
    };
    let mut skipped = Vec::new();
    while existing
        .iter()
        .any(|version| version.pre.is_empty() && same_core(version, &train))
    {
        skipped.push(train.clone());
        train.patch = next(train.patch)?;
    }

    let suggested = match word {
        None => train,
        Some(word) => {
            let highest = existing
                .iter()
                .filter(|version| Channel::of(version) == channel && same_core(version, &train))
                .map(pre_release_number)
                .max()
                .unwrap_or(0);
            let pre = format!("{word}.{}", next(highest)?);
            semver::Version {
                pre: semver::Prerelease::new(&pre).map_err(|err| err.to_string())?,
                ..train
            }
        }
    };
    Ok(Suggestion {
        bump,
        suggested,
        reasons,
        skipped,
    })
}

/// The bump that `kind` calls for on a version of major `major`; see [`suggest`].
fn applied_bump(kind: CommitKind, major: u64, zero_major_lines: bool) -> Bump {
    match (kind, major) {
        (CommitKind::Other, _) => Bump::None,
        (CommitKind::Fix, _) => Bump::Patch,
        (CommitKind::Feature, 0) if zero_major_lines => Bump::Patch,
        (CommitKind::Feature, _) | (CommitKind::Breaking, 0) => Bump::Minor,
        (CommitKind::Breaking, _) => Bump::Major,
    }
}

/// `base` moved by `bump`, [`Bump::None`] moving it as a patch does.
fn bumped(base: &semver::Version, bump: Bump) -> Result<semver::Version, String> {
    let (major, minor, patch) = (base.major, base.minor, base.patch);
    Ok(match bump {
        Bump::Major => semver::Version::new(next(major)?, 0, 0),
        Bump::Minor => semver::Version::new(major, next(minor)?, 0),
        Bump::Patch | Bump::None => semver::Version::new(major, minor, next(patch)?),
    })
}

fn next(number: u64) -> Result<u64, String> {
    number
        .checked_add(1)
        .ok_or_else(|| format!("the version number {number} cannot be bumped further"))
}

fn same_core(a: &semver::Version, b: &semver::Version) -> bool {
    (a.major, a.minor, a.patch) == (b.major, b.minor, b.patch)
}

/// The number of a channel pre-release: 2 in `rc.2` and in `rc2`; 0 when there is none.
fn pre_release_number(version: &semver::Version) -> u64 {
    let mut identifiers = version.pre.as_str().split('.');
    let first = identifiers.next().unwrap_or_default();
    let word_len = first.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let number = match &first[word_len..] {
        "" => identifiers.next().unwrap_or_default(),
        glued => glued,
    };
    number.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_release_is_passed_over_and_named() {
        let base = semver::Version::new(3, 1, 1);
        let taken = [semver::Version::new(3, 2, 0)];
        let feature = [Commit {
            sha: "a",
            message: "feat: x",
        }];
        let suggestion =
            suggest(Some(&base), &feature, Channel::Stable, &taken, false).expect("suggestion");
        assert_eq!(suggestion.suggested, semver::Version::new(3, 2, 1));
        assert_eq!(suggestion.skipped, taken);
    }

    #[test]
    fn api_words_are_the_json_words() {
        for bump in [Bump::Major, Bump::Minor, Bump::Patch, Bump::None] {
            assert_eq!(serde_json::to_value(bump).expect("json"), bump.as_str());
        }
        for kind in [
            CommitKind::Breaking,
            CommitKind::Feature,
            CommitKind::Fix,
            CommitKind::Other,
        ] {
            assert_eq!(serde_json::to_value(kind).expect("json"), kind.as_str());
        }
    }

    fn v(text: &str) -> semver::Version {
        semver::Version::parse(text).expect("a version")
    }

    fn versions(texts: &[&str]) -> Vec<semver::Version> {
        texts.iter().map(|text| v(text)).collect()
    }

    fn commits<'a>(messages: &[&'a str]) -> Vec<Commit<'a>> {
        messages
            .iter()
            .map(|message| Commit {
                sha: "0123abc",
                message,
            })
            .collect()
    }

    /// The suggested version and bump for `messages` after `base`.
    fn next_of(
        base: &str,
        messages: &[&str],
        channel: Channel,
        existing: &[&str],
        zero_major_lines: bool,
    ) -> (String, Bump) {
        let suggestion = suggest(
            Some(&v(base)),
            &commits(messages),
            channel,
            &versions(existing),
            zero_major_lines,
        )
        .expect("a suggestion");
        (suggestion.suggested.to_string(), suggestion.bump)
    }

    fn stable(base: &str, messages: &[&str]) -> (String, Bump) {
        next_of(base, messages, Channel::Stable, &[], false)
    }

    fn zero_line(base: &str, messages: &[&str]) -> (String, Bump) {
        next_of(base, messages, Channel::Stable, &[], true)
    }

    #[test]
    fn features_fixes_and_performance() {
        assert_eq!(classify("feat: add the export"), CommitKind::Feature);
        assert_eq!(classify("feat(api): add the export"), CommitKind::Feature);
        assert_eq!(classify("fix: crash on empty tags"), CommitKind::Fix);
        assert_eq!(classify("fix(sync): crash on empty tags"), CommitKind::Fix);
        assert_eq!(classify("perf: cache the compare"), CommitKind::Fix);
        assert_eq!(classify("perf(store)!: new index"), CommitKind::Breaking);
        assert_eq!(classify("feat(api, ui): both"), CommitKind::Feature);
        assert_eq!(classify("feat: tidy\n\nA body.\n"), CommitKind::Feature);
    }

    #[test]
    fn an_empty_description_still_counts() {
        assert_eq!(classify("feat:"), CommitKind::Feature);
        assert_eq!(classify("feat: "), CommitKind::Feature);
        assert_eq!(
            classify("fix(ui):\n\nThe body says it all."),
            CommitKind::Fix
        );
    }

    #[test]
    fn other_types_are_other() {
        for message in [
            "chore: bump deps",
            "docs: typo",
            "ci(github): cache",
            "refactor: split store",
            "test: more",
            "build: msrv",
            "style: fmt",
            "revert: feat: the export",
        ] {
            assert_eq!(classify(message), CommitKind::Other, "{message}");
        }
    }

    #[test]
    fn an_exclamation_mark_makes_any_type_breaking() {
        assert_eq!(classify("feat!: drop the v0 API"), CommitKind::Breaking);
        assert_eq!(
            classify("fix(scope)!: reject bad tags"),
            CommitKind::Breaking
        );
        assert_eq!(classify("chore!: require Rust 1.80"), CommitKind::Breaking);
        assert_eq!(classify("refactor(api)!:"), CommitKind::Breaking);
    }

    #[test]
    fn a_breaking_change_footer_makes_the_commit_breaking() {
        let footer = "feat: new config\n\nConfig moves to TOML.\n\nBREAKING CHANGE: `config.json` is ignored";
        assert_eq!(classify(footer), CommitKind::Breaking);
        let hyphen = "fix: stricter parsing\n\nBREAKING-CHANGE: leading zeros are rejected";
        assert_eq!(classify(hyphen), CommitKind::Breaking);
        let among_trailers =
            "chore: drop node 16\n\nReviewed-by: Z\nBREAKING CHANGE: node 18+\nRefs: #12";
        assert_eq!(classify(among_trailers), CommitKind::Breaking);
        let crlf = "feat: x\r\n\r\nBREAKING CHANGE: y\r\n";
        assert_eq!(classify(crlf), CommitKind::Breaking);
        let description_below = "feat: x\n\nBREAKING CHANGE:\n  the API changed";
        assert_eq!(classify(description_below), CommitKind::Breaking);
    }

    #[test]
    fn a_breaking_change_needs_the_footer_form() {
        // Not after a blank line: not a footer.
        assert_eq!(classify("feat: x\nBREAKING CHANGE: y"), CommitKind::Feature);
        // Tokens are upper case, at the start of the line, followed by a colon.
        for body in [
            "breaking change: y",
            "Breaking Change: y",
            "  BREAKING CHANGE: y",
            "BREAKING CHANGES: y",
            "BREAKING CHANGE y",
            "BREAKING CHANGE:y",
            "This is a BREAKING CHANGE: y",
        ] {
            let message = format!("feat: x\n\n{body}");
            assert_eq!(classify(&message), CommitKind::Feature, "{body}");
        }
    }

    #[test]
    fn a_breaking_change_mention_in_a_plain_message_is_other() {
        assert_eq!(
            classify("BREAKING CHANGE: rename everything"),
            CommitKind::Other
        );
        assert_eq!(
            classify("Update README (BREAKING CHANGE: none)"),
            CommitKind::Other
        );
        assert_eq!(
            classify("Rework the store\n\nBREAKING CHANGE: new schema"),
            CommitKind::Other
        );
    }

    #[test]
    fn merge_commits_are_other() {
        assert_eq!(
            classify("Merge pull request #12 from acme/feat-export\n\nfeat!: export\n\nBREAKING CHANGE: x"),
            CommitKind::Other
        );
        assert_eq!(
            classify("Merge branch 'main' into fix/sync"),
            CommitKind::Other
        );
        assert_eq!(
            classify("Merge remote-tracking branch 'origin/feat: x'"),
            CommitKind::Other
        );
        assert_eq!(classify("Revert \"feat!: export\""), CommitKind::Other);
    }

    #[test]
    fn types_are_case_insensitive() {
        assert_eq!(classify("FEAT: shout"), CommitKind::Feature);
        assert_eq!(classify("Feat(API): capital"), CommitKind::Feature);
        assert_eq!(classify("Fix: capital"), CommitKind::Fix);
        assert_eq!(classify("PERF: capital"), CommitKind::Fix);
        assert_eq!(classify("Chore!: capital"), CommitKind::Breaking);
    }

    #[test]
    fn malformed_headers_are_other() {
        for message in [
            "feature: not a type we know",
            "features: neither",
            "fixup! fix: typo",
            "squash! feat: x",
            "amend! feat: x",
            "fix:typo",
            "feat :space before the colon",
            "feat (api): space before the scope",
            "feat(): empty scope",
            "feat(api: unclosed",
            "feat(a(b)): nested",
            "feat!!: twice",
            "feat! : space",
            ": no type",
            "2024-01-01: release notes",
            "WIP feat: x",
            "",
            "\n\nfeat: after blank lines",
            "Add the export",
        ] {
            assert_eq!(classify(message), CommitKind::Other, "{message:?}");
        }
    }

    #[test]
    fn surrounding_whitespace_is_tolerated() {
        assert_eq!(classify("  feat: x  \n"), CommitKind::Feature);
    }

    #[test]
    fn the_subject_is_the_trimmed_first_line() {
        assert_eq!(subject("feat: x\n\nbody"), "feat: x");
        assert_eq!(subject("  fix: y \r\nbody"), "fix: y");
        assert_eq!(subject(""), "");
    }

    #[test]
    fn kinds_and_bumps_serialize_in_lower_case() {
        let kinds = [
            CommitKind::Breaking,
            CommitKind::Feature,
            CommitKind::Fix,
            CommitKind::Other,
        ];
        let json = serde_json::to_string(&kinds).expect("json");
        assert_eq!(json, r#"["breaking","feature","fix","other"]"#);
        let bumps = [Bump::Major, Bump::Minor, Bump::Patch, Bump::None];
        let json = serde_json::to_string(&bumps).expect("json");
        assert_eq!(json, r#"["major","minor","patch","none"]"#);
        let reason = Reason {
            sha: "abc".into(),
            subject: "feat: x".into(),
            kind: CommitKind::Feature,
        };
        assert_eq!(
            serde_json::to_value(&reason).expect("json"),
            serde_json::json!({"sha": "abc", "subject": "feat: x", "kind": "feature"})
        );
    }

    #[test]
    fn the_strongest_commit_decides_after_1_x() {
        assert_eq!(
            stable("1.4.2", &["fix: a", "chore: b"]),
            ("1.4.3".into(), Bump::Patch)
        );
        assert_eq!(
            stable("1.4.2", &["fix: a", "feat: b", "perf: c"]),
            ("1.5.0".into(), Bump::Minor)
        );
        assert_eq!(
            stable("1.4.2", &["fix: a", "feat!: b", "feat: c"]),
            ("2.0.0".into(), Bump::Major)
        );
        assert_eq!(
            stable(
                "1.4.2",
                &["feat: a", "fix: b\n\nBREAKING CHANGE: the default flipped"]
            ),
            ("2.0.0".into(), Bump::Major)
        );
    }

    #[test]
    fn only_chores_still_suggest_a_patch_with_no_bump() {
        assert_eq!(
            stable(
                "2.0.0",
                &[
                    "chore: deps",
                    "docs: readme",
                    "Merge pull request #3 from a/b"
                ]
            ),
            ("2.0.1".into(), Bump::None)
        );
        assert_eq!(stable("2.0.0", &[]), ("2.0.1".into(), Bump::None));
        assert_eq!(zero_line("0.3.0", &["ci: x"]), ("0.3.1".into(), Bump::None));
    }

    #[test]
    fn on_zero_major_lines_breaking_bumps_the_minor_and_the_rest_the_patch() {
        assert_eq!(
            zero_line("0.3.1", &["fix: a"]),
            ("0.3.2".into(), Bump::Patch)
        );
        assert_eq!(
            zero_line("0.3.1", &["fix: a", "feat: b"]),
            ("0.3.2".into(), Bump::Patch)
        );
        assert_eq!(
            zero_line("0.3.1", &["feat: b", "feat(api)!: c"]),
            ("0.4.0".into(), Bump::Minor)
        );
        assert_eq!(
            zero_line("0.3.1", &["feat: b\n\nBREAKING CHANGE: c"]),
            ("0.4.0".into(), Bump::Minor)
        );
        // 1.x keeps the ordinary rules under the flag.
        assert_eq!(
            zero_line("1.3.1", &["feat!: b"]),
            ("2.0.0".into(), Bump::Major)
        );
        assert_eq!(
            zero_line("1.3.1", &["feat: b"]),
            ("1.4.0".into(), Bump::Minor)
        );
    }

    #[test]
    fn without_zero_major_lines_0_x_features_bump_the_minor_and_never_reach_1_0_0() {
        assert_eq!(stable("0.3.1", &["fix: a"]), ("0.3.2".into(), Bump::Patch));
        assert_eq!(stable("0.3.1", &["feat: a"]), ("0.4.0".into(), Bump::Minor));
        assert_eq!(
            stable("0.3.1", &["feat!: a"]),
            ("0.4.0".into(), Bump::Minor)
        );
        assert_eq!(
            stable("0.3.1", &["fix: a\n\nBREAKING-CHANGE: b"]),
            ("0.4.0".into(), Bump::Minor)
        );
    }

    #[test]
    fn reasons_list_the_counted_commits_in_order() {
        let list = [
            Commit {
                sha: "a1",
                message: "chore: deps",
            },
            Commit {
                sha: "b2",
                message: "  feat(ui): dark mode \n\nbody",
            },
            Commit {
                sha: "c3",
                message: "Merge pull request #4 from x/y\n\nfix: z",
            },
            Commit {
                sha: "d4",
                message: "fix: z",
            },
            Commit {
                sha: "e5",
                message: "refactor!: new store",
            },
        ];
        let suggestion =
            suggest(Some(&v("1.0.0")), &list, Channel::Stable, &[], false).expect("a suggestion");
        let reasons: Vec<(&str, &str, CommitKind)> = suggestion
            .reasons
            .iter()
            .map(|r| (r.sha.as_str(), r.subject.as_str(), r.kind))
            .collect();
        assert_eq!(
            reasons,
            [
                ("b2", "feat(ui): dark mode", CommitKind::Feature),
                ("d4", "fix: z", CommitKind::Fix),
                ("e5", "refactor!: new store", CommitKind::Breaking),
            ]
        );
        assert_eq!(suggestion.suggested, v("2.0.0"));
        assert_eq!(suggestion.bump, Bump::Major);
    }

    #[test]
    fn rc_numbers_follow_the_existing_ones_of_the_train() {
        let existing = [
            "1.4.2",
            "1.5.0-rc.1",
            "1.5.0-rc.2",
            "1.5.0-beta.7",
            "1.6.0-rc.9",
            "1.5.1-rc.4",
        ];
        assert_eq!(
            next_of("1.4.2", &["feat: a"], Channel::Rc, &existing, false),
            ("1.5.0-rc.3".into(), Bump::Minor)
        );
        assert_eq!(
            next_of("1.4.2", &["feat: a"], Channel::Rc, &["1.4.2"], false),
            ("1.5.0-rc.1".into(), Bump::Minor)
        );
        // Glued numbers, upper case and build metadata count too.
        assert_eq!(
            next_of(
                "1.4.2",
                &["feat: a"],
                Channel::Rc,
                &["1.5.0-rc1", "1.5.0-RC.4+build.5", "1.5.0-rc"],
                false
            ),
            ("1.5.0-rc.5".into(), Bump::Minor)
        );
    }

    #[test]
    fn beta_and_alpha_have_their_own_numbers() {
        let existing = [
            "1.5.0-rc.2",
            "1.5.0-beta.1",
            "1.5.0-alpha.1",
            "1.5.0-alpha.2",
        ];
        assert_eq!(
            next_of("1.4.2", &["feat: a"], Channel::Beta, &existing, false),
            ("1.5.0-beta.2".into(), Bump::Minor)
        );
        assert_eq!(
            next_of("1.4.2", &["feat: a"], Channel::Alpha, &existing, false),
            ("1.5.0-alpha.3".into(), Bump::Minor)
        );
        assert_eq!(
            next_of("1.4.2", &["fix: a"], Channel::Beta, &existing, false),
            ("1.4.3-beta.1".into(), Bump::Patch)
        );
        assert_eq!(
            next_of("0.2.0", &["feat!: a"], Channel::Beta, &[], true),
            ("0.3.0-beta.1".into(), Bump::Minor)
        );
    }

    #[test]
    fn a_released_train_moves_to_the_next_patch() {
        let existing = ["1.5.0-rc.1", "1.5.0", "1.5.1+build.3", "1.5.2-rc.1"];
        assert_eq!(
            next_of("1.4.2", &["feat: a"], Channel::Rc, &existing, false),
            ("1.5.2-rc.2".into(), Bump::Minor)
        );
        assert_eq!(
            next_of("1.4.2", &["feat: a"], Channel::Stable, &existing, false),
            ("1.5.2".into(), Bump::Minor)
        );
        assert_eq!(
            next_of("1.4.2", &["chore: a"], Channel::Stable, &["1.4.3"], false),
            ("1.4.4".into(), Bump::None)
        );
    }

    #[test]
    fn without_a_base_the_first_version_is_suggested() {
        let first = |channel, existing: &[&str], zero_major_lines| {
            let suggestion = suggest(
                None,
                &commits(&["feat!: everything", "fix: a"]),
                channel,
                &versions(existing),
                zero_major_lines,
            )
            .expect("a suggestion");
            (suggestion.suggested.to_string(), suggestion.bump)
        };
        assert_eq!(
            first(Channel::Stable, &[], false),
            ("1.0.0".into(), Bump::Major)
        );
        assert_eq!(
            first(Channel::Stable, &[], true),
            ("0.1.0".into(), Bump::Minor)
        );
        assert_eq!(
            first(Channel::Rc, &["1.0.0-rc.1"], false),
            ("1.0.0-rc.2".into(), Bump::Major)
        );
        assert_eq!(
            first(Channel::Alpha, &[], true),
            ("0.1.0-alpha.1".into(), Bump::Minor)
        );
        let none = suggest(None, &[], Channel::Stable, &[], false).expect("a suggestion");
        assert_eq!((none.suggested, none.bump), (v("1.0.0"), Bump::None));
    }

    #[test]
    fn a_pre_release_base_counts_by_its_numbers() {
        assert_eq!(
            stable("2.0.0-rc.1+b", &["fix: a"]),
            ("2.0.1".into(), Bump::Patch)
        );
    }

    #[test]
    fn the_prerelease_channel_is_refused() {
        let err = suggest(
            Some(&v("1.0.0")),
            &commits(&["feat: a"]),
            Channel::Prerelease,
            &[],
            false,
        )
        .expect_err("no numbering for prerelease");
        assert!(err.contains("channel"), "{err}");
        assert!(err.contains("prerelease"), "{err}");
    }

    #[test]
    fn numbers_that_cannot_grow_are_errors() {
        let max = u64::MAX;
        let base = semver::Version::new(1, 2, max);
        let err = suggest(Some(&base), &[], Channel::Stable, &[], false)
            .expect_err("the patch overflows");
        assert!(err.contains(&max.to_string()), "{err}");
        let rc = v(&format!("1.3.0-rc.{max}"));
        assert!(suggest(
            Some(&v("1.2.0")),
            &commits(&["feat: a"]),
            Channel::Rc,
            &[rc],
            false
        )
        .is_err());
    }

    #[test]
    fn the_suggestion_is_above_the_base_and_free() {
        let bases = ["0.0.0", "0.3.9", "1.0.0", "3.9.9"];
        let lists: [&[&str]; 4] = [&[], &["fix: a"], &["feat: a"], &["x!: a"]];
        let existing = versions(&[
            "0.3.10", "0.4.0", "1.0.1", "1.0.2", "1.1.0", "3.9.10", "4.0.0", "0.1.0",
        ]);
        for base in bases.map(v) {
            for list in lists {
                for zero_major_lines in [false, true] {
                    let suggestion = suggest(
                        Some(&base),
                        &commits(list),
                        Channel::Stable,
                        &existing,
                        zero_major_lines,
                    )
                    .expect("a suggestion");
                    let suggested = &suggestion.suggested;
                    assert!(suggested > &base, "{base} {list:?}: {suggested}");
                    assert!(
                        !existing.contains(suggested),
                        "{base} {list:?}: {suggested}"
                    );
                    assert!(
                        base.major > 0 || suggested.major == 0,
                        "{base} {list:?}: {suggested}"
                    );
                }
            }
        }
    }
}
