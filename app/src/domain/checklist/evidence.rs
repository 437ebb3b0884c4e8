//! Evidence for checklist items: what the synced tag, release and CHANGELOG.md, the release
//! announcement a chat hook accepted, and the snapshots read from GitHub (CI, alerts,
//! attestations) say about an item's rule. A rule that
//! is proved says on what reading, so the item can be ticked by evidence.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    super::{
        changelog::section_for,
        dates::iso_date,
        evidence::{Reading, Snapshot, Snapshots, SourceKind, SourceState},
        version::Line,
    },
    rule::{first_number, matches_pattern, Rule},
};

/// What the evidence says about one item.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The rule's kind: `tag`, `release`, `changelog`, `sbom`, `signature`, `checks`,
    /// `workflows`, `security`, `attestation`, `check`, `backport` or `announced`.
    #[cfg_attr(feature = "ssr", schema(example = "tag"))]
    pub kind: String,
    /// True when the evidence shows the item is done.
    pub found: bool,
    /// Not yet known: still running, nothing reported, or a source GitHub would not show.
    #[serde(default)]
    pub pending: bool,
    /// What was found or missed, for people.
    #[cfg_attr(feature = "ssr", schema(example = "tag v2.3.1 points at 4f2a9c1"))]
    pub detail: String,
}

/// The reading a proved rule relied on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Basis {
    pub kind: SourceKind,
    pub captured_at: DateTime<Utc>,
    /// The stored snapshot; none for the tag, release, CHANGELOG.md and chat announcement the
    /// store keeps.
    pub snapshot_id: Option<i64>,
}

/// Evidence about an item, and, when it proves the item, on what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    pub evidence: Evidence,
    pub basis: Option<Basis>,
}

/// What is known about one version: its synced data and the newest snapshot of each source
/// read from GitHub.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub tag: String,
    /// The tag's commit, when the git tag exists.
    pub commit_sha: Option<String>,
    /// When the tag was made, when known.
    pub tagged_at: Option<DateTime<Utc>>,
    /// When the GitHub release was published; `None` for a draft or no release.
    pub published_at: Option<DateTime<Utc>>,
    pub asset_names: Vec<String>,
    pub changelog: ChangelogFact,
    /// When CHANGELOG.md was last read.
    pub changelog_read_at: Option<DateTime<Utc>>,
    /// The stable releases of every line, with their days, for backport evidence.
    pub line_releases: Vec<(Line, semver::Version, Option<NaiveDate>)>,
    /// This version's release date.
    pub released_at: Option<DateTime<Utc>>,
    /// When the release announcement first reached a chat hook (Slack, Discord or Teams).
    pub announced_in_chat_at: Option<DateTime<Utc>>,
    pub snapshots: Snapshots,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChangelogFact {
    /// No CHANGELOG.md has been read for the repository.
    #[default]
    NotSynced,
    /// CHANGELOG.md has no section for this version.
    Missing,
    Found,
}

impl ChangelogFact {
    /// What the repository's CHANGELOG.md says of `version`: `stored` is `None` when none has
    /// been read, `Some(None)` when the repository has no such file.
    pub fn of(stored: Option<Option<&str>>, version: Option<&semver::Version>) -> ChangelogFact {
        match (stored, version) {
            (None, _) => ChangelogFact::NotSynced,
            (Some(Some(text)), Some(version)) if section_for(text, version).is_some() => {
                ChangelogFact::Found
            }
            (Some(_), _) => ChangelogFact::Missing,
        }
    }
}

/// File names that hold an SBOM: SPDX, CycloneDX or anything called sbom.
pub fn is_sbom(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("sbom")
        || name.contains(".spdx")
        || name.contains(".cdx")
        || name.contains("cyclonedx")
}

/// File names that hold a signature or certificate: cosign, GPG, minisign, Sigstore bundles.
pub fn is_signature(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        ".sig",
        ".asc",
        ".pem",
        ".minisig",
        ".sigstore",
        ".sigstore.json",
        ".bundle",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

/// An open item only CI still has to decide: its rule reads GitHub's sources, and they have not
/// been read yet or are still running (a failure or a missing file needs a person instead).
pub fn waits_on_ci(spec: &str, facts: &Facts) -> bool {
    Rule::parse(spec).is_ok_and(|rule| rule.reads_github())
        && evaluate(spec, facts).is_none_or(|judged| judged.evidence.pending)
}

/// The evidence for an item whose rule is `spec` (as a checklist item stores it); `None` for
/// a rule this version cannot judge, or a source not read yet.
pub fn evaluate(spec: &str, facts: &Facts) -> Option<Judgement> {
    let rule = Rule::parse(spec).ok()?;
    let kind = rule.kind();
    let judged = |found: bool, detail: String, basis: Option<Basis>| Judgement {
        evidence: Evidence {
            kind: kind.to_owned(),
            found,
            pending: false,
            detail,
        },
        basis: basis.filter(|_| found),
    };
    let synced = |kind: SourceKind, at: Option<DateTime<Utc>>| {
        at.map(|captured_at| Basis {
            kind,
            captured_at,
            snapshot_id: None,
        })
    };
    let attached =
        |pick: fn(&str) -> bool, what: &str| match facts.asset_names.iter().find(|n| pick(n)) {
            Some(name) => judged(
                true,
                format!("{name} is attached to the release"),
                synced(SourceKind::Release, facts.published_at),
            ),
            None => judged(false, format!("no {what} is attached to the release"), None),
        };
    Some(match &rule {
        Rule::Tag => match &facts.commit_sha {
            Some(sha) if !sha.is_empty() => judged(
                true,
                format!("tag {} points at {}", facts.tag, &sha[..sha.len().min(7)]),
                synced(SourceKind::Tag, facts.tagged_at.or(facts.released_at)),
            ),
            Some(_) => judged(
                true,
                format!("tag {} was pushed", facts.tag),
                synced(SourceKind::Tag, facts.tagged_at.or(facts.released_at)),
            ),
            None => judged(false, format!("no git tag {} on GitHub", facts.tag), None),
        },
        Rule::Release => match facts.published_at {
            Some(at) => judged(
                true,
                format!("GitHub release published {}", iso_date(at)),
                synced(SourceKind::Release, Some(at)),
            ),
            None => judged(
                false,
                "no published GitHub release (a draft does not count)".to_owned(),
                None,
            ),
        },
        Rule::Sbom => attached(is_sbom, "SBOM (.spdx, .cdx or *sbom*)"),
        Rule::Signature => attached(is_signature, "signature (.sig, .asc, .pem, .bundle)"),
        Rule::Changelog => match facts.changelog {
            ChangelogFact::Found => judged(
                true,
                format!("CHANGELOG.md has a section for {}", facts.tag),
                synced(SourceKind::Changelog, facts.changelog_read_at),
            ),
            ChangelogFact::Missing => judged(
                false,
                format!("CHANGELOG.md has no section for {}", facts.tag),
                None,
            ),
            ChangelogFact::NotSynced => {
                judged(false, "no CHANGELOG.md has been read yet".to_owned(), None)
            }
        },
        Rule::Backport(line) => {
            let since = facts.released_at?.date_naive();
            let patched = facts
                .line_releases
                .iter()
                .filter(|(l, _, on)| l == line && on.is_some_and(|on| on >= since))
                .max_by(|a, b| a.1.cmp_precedence(&b.1));
            match patched {
                Some((_, version, Some(on))) => {
                    judged(true, format!("{version} released on {line} on {on}"), None)
                }
                _ => judged(false, format!("no release on {line} since this one"), None),
            }
        }
        Rule::Announced => match facts.announced_in_chat_at {
            Some(at) => judged(
                true,
                format!("announced in a team chat on {}", iso_date(at)),
                synced(SourceKind::Announcement, Some(at)),
            ),
            None => judged(
                false,
                "no announcement has reached a chat hook yet (add a Slack, Discord or Teams \
                 hook under Notifications)"
                    .to_owned(),
                None,
            ),
        },
        Rule::Checks => from_readings(kind, &[SourceKind::Checks, SourceKind::Statuses], facts)?,
        Rule::Workflows => from_readings(kind, &[SourceKind::WorkflowRuns], facts)?,
        Rule::Security => from_readings(
            kind,
            &[SourceKind::CodeScanning, SourceKind::Dependabot],
            facts,
        )?,
        Rule::Attestation {
            kind: wanted,
            pattern,
        } => attestation(kind, wanted, pattern.as_deref(), facts)?,
        Rule::Check { name, at_least } => named_check(kind, name, *at_least, facts)?,
    })
}

/// Judges a rule on the newest snapshots of `sources`: any failure disproves it, anything
/// unfinished or unreadable leaves it pending, and it is proved when the sources GitHub would
/// show found something and all of it passed. `None` until one of them has been read.
fn from_readings(kind: &str, sources: &[SourceKind], facts: &Facts) -> Option<Judgement> {
    let read: Vec<&Snapshot> = sources
        .iter()
        .filter_map(|source| facts.snapshots.get(source))
        .collect();
    if read.is_empty() {
        return None;
    }
    let detail = read
        .iter()
        .map(|s| format!("{}: {}", s.reading.kind.label(), s.reading.summary))
        .collect::<Vec<_>>()
        .join("; ");
    let state_of = |s: &&Snapshot| match s.reading.state {
        // A source that found nothing proves nothing, but does not hold the others up.
        SourceState::Pending if s.reading.findings.is_empty() => None,
        state => Some(state),
    };
    let states: Vec<SourceState> = read.iter().filter_map(state_of).collect();
    let available = states.iter().any(|s| *s != SourceState::Unavailable);
    let evidence = |found: bool, pending: bool| Evidence {
        kind: kind.to_owned(),
        found,
        pending,
        detail: detail.clone(),
    };
    Some(if states.contains(&SourceState::Fail) {
        Judgement {
            evidence: evidence(false, false),
            basis: None,
        }
    } else if states.contains(&SourceState::Pending) || !available {
        Judgement {
            evidence: evidence(false, true),
            basis: None,
        }
    } else {
        // The newest reading it relied on; of two read together, the first source named.
        let newest = read
            .iter()
            .filter(|s| state_of(s) == Some(SourceState::Pass))
            .min_by_key(|s| std::cmp::Reverse(s.captured_at))?;
        Judgement {
            evidence: evidence(true, false),
            basis: Some(Basis {
                kind: newest.reading.kind,
                captured_at: newest.captured_at,
                snapshot_id: newest.id,
            }),
        }
    })
}

/// Every release file (matching `pattern`) has an attestation of `wanted`.
fn attestation(
    kind: &str,
    wanted: &str,
    pattern: Option<&str>,
    facts: &Facts,
) -> Option<Judgement> {
    let snapshot = facts.snapshots.get(&SourceKind::Attestations)?;
    let reading: &Reading = &snapshot.reading;
    let pending = |detail: String| Judgement {
        evidence: Evidence {
            kind: kind.to_owned(),
            found: false,
            pending: true,
            detail,
        },
        basis: None,
    };
    if reading.state == SourceState::Unavailable {
        return Some(pending(format!("Attestations: {}", reading.summary)));
    }
    let files: Vec<_> = reading
        .findings
        .iter()
        .filter(|f| pattern.is_none_or(|p| matches_pattern(p, &f.name)))
        .collect();
    let which = pattern.map_or_else(
        || "release file".to_owned(),
        |p| format!("file matching {p}"),
    );
    if files.is_empty() {
        return Some(Judgement {
            evidence: Evidence {
                kind: kind.to_owned(),
                found: false,
                pending: false,
                detail: format!("no {which} to attest"),
            },
            basis: None,
        });
    }
    if files.iter().any(|f| f.state == SourceState::Pending) {
        return Some(pending(format!(
            "GitHub gave no digest for some {which}s yet"
        )));
    }
    let missing: Vec<&str> = files
        .iter()
        .filter(|f| !f.kinds.iter().any(|k| k == wanted))
        .map(|f| f.name.as_str())
        .collect();
    Some(if missing.is_empty() {
        Judgement {
            evidence: Evidence {
                kind: kind.to_owned(),
                found: true,
                pending: false,
                detail: format!(
                    "every {which} has a {wanted} attestation ({} in all)",
                    files.len()
                ),
            },
            basis: Some(Basis {
                kind: SourceKind::Attestations,
                captured_at: snapshot.captured_at,
                snapshot_id: snapshot.id,
            }),
        }
    } else {
        Judgement {
            evidence: Evidence {
                kind: kind.to_owned(),
                found: false,
                pending: false,
                detail: format!("no {wanted} attestation for {}", missing.join(", ")),
            },
            basis: None,
        }
    })
}

/// The check run or commit status `name` is green, with a number of at least `at_least` in
/// its description when asked.
fn named_check(kind: &str, name: &str, at_least: Option<u32>, facts: &Facts) -> Option<Judgement> {
    let sources = [SourceKind::Checks, SourceKind::Statuses];
    if sources.iter().all(|s| !facts.snapshots.contains_key(s)) {
        return None;
    }
    let found = sources.iter().find_map(|source| {
        let snapshot = facts.snapshots.get(source)?;
        let finding = snapshot.reading.findings.iter().find(|f| f.name == name)?;
        Some((snapshot, finding))
    });
    let evidence = |found: bool, pending: bool, detail: String| Evidence {
        kind: kind.to_owned(),
        found,
        pending,
        detail,
    };
    let Some((snapshot, finding)) = found else {
        return Some(Judgement {
            evidence: evidence(false, true, format!("no check or status named {name} yet")),
            basis: None,
        });
    };
    let (proved, pending, detail) = match (finding.state, at_least) {
        (SourceState::Pass, None) => (true, false, format!("{name}: {}", finding.note)),
        (SourceState::Pass, Some(threshold)) => match first_number(&finding.note) {
            Some(value) if value >= f64::from(threshold) => (
                true,
                false,
                format!("{name}: {} (at least {threshold})", finding.note),
            ),
            Some(_) => (
                false,
                false,
                format!("{name}: {}, below {threshold}", finding.note),
            ),
            None => (
                false,
                false,
                format!("{name} says no number: {}", finding.note),
            ),
        },
        (SourceState::Fail, _) => (false, false, format!("{name}: {}", finding.note)),
        (_, _) => (false, true, format!("{name}: {}", finding.note)),
    };
    Some(Judgement {
        evidence: evidence(proved, pending, detail),
        basis: proved.then_some(Basis {
            kind: snapshot.reading.kind,
            captured_at: snapshot.captured_at,
            snapshot_id: snapshot.id,
        }),
    })
}

#[cfg(test)]
mod tests;
