//! Evidence from synced data for checklist items: shown beside an item, never ticking it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::super::{dates::iso_date, version::Line};

/// What synced data says about one item.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// `tag`, `release`, `sbom`, `signature`, `changelog` or `backport`.
    #[cfg_attr(feature = "ssr", schema(example = "tag"))]
    pub kind: String,
    /// True when the data shows the item is done.
    pub found: bool,
    /// What was found or missed, for people.
    #[cfg_attr(feature = "ssr", schema(example = "tag v2.3.1 points at 4f2a9c1"))]
    pub detail: String,
}

/// What synced data knows about one version.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub tag: String,
    /// The tag's commit, when the git tag exists.
    pub commit_sha: Option<String>,
    /// When the GitHub release was published; `None` for a draft or no release.
    pub published_at: Option<DateTime<Utc>>,
    pub asset_names: Vec<String>,
    pub changelog: ChangelogFact,
    /// The stable releases of every line, with their days, for backport evidence.
    pub line_releases: Vec<(Line, semver::Version, Option<NaiveDate>)>,
    /// This version's release date.
    pub released_at: Option<DateTime<Utc>>,
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

/// The evidence for an item whose template asked for `spec` (see `NewItem::evidence`);
/// `None` for a spec this version cannot judge.
pub fn evaluate(spec: &str, facts: &Facts) -> Option<Evidence> {
    let evidence = |found: bool, detail: String| Evidence {
        kind: spec.split(':').next().unwrap_or(spec).to_owned(),
        found,
        detail,
    };
    let first =
        |pick: fn(&str) -> bool, what: &str| match facts.asset_names.iter().find(|n| pick(n)) {
            Some(name) => evidence(true, format!("{name} is attached to the release")),
            None => evidence(false, format!("no {what} is attached to the release")),
        };
    Some(match spec {
        "tag" => match &facts.commit_sha {
            Some(sha) if !sha.is_empty() => evidence(
                true,
                format!("tag {} points at {}", facts.tag, &sha[..sha.len().min(7)]),
            ),
            Some(_) => evidence(true, format!("tag {} was pushed", facts.tag)),
            None => evidence(false, format!("no git tag {} on GitHub", facts.tag)),
        },
        "release" => match facts.published_at {
            Some(at) => evidence(true, format!("GitHub release published {}", iso_date(at))),
            None => evidence(
                false,
                "no published GitHub release (a draft does not count)".to_owned(),
            ),
        },
        "sbom" => first(is_sbom, "SBOM (.spdx, .cdx or *sbom*)"),
        "signature" => first(is_signature, "signature (.sig, .asc, .pem, .bundle)"),
        "changelog" => match facts.changelog {
            ChangelogFact::Found => evidence(
                true,
                format!("CHANGELOG.md has a section for {}", facts.tag),
            ),
            ChangelogFact::Missing => evidence(
                false,
                format!("CHANGELOG.md has no section for {}", facts.tag),
            ),
            ChangelogFact::NotSynced => {
                evidence(false, "no CHANGELOG.md has been read yet".to_owned())
            }
        },
        spec => {
            let line: Line = spec.strip_prefix("backport:")?.parse().ok()?;
            let since = facts.released_at?.date_naive();
            let patched = facts
                .line_releases
                .iter()
                .filter(|(l, _, on)| *l == line && on.is_some_and(|on| on >= since))
                .max_by(|a, b| a.1.cmp_precedence(&b.1));
            match patched {
                Some((_, version, Some(on))) => {
                    evidence(true, format!("{version} released on {line} on {on}"))
                }
                _ => evidence(false, format!("no release on {line} since this one")),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn facts() -> Facts {
        Facts {
            tag: "v2.4.1".to_owned(),
            ..Facts::default()
        }
    }

    #[test]
    fn missing_data_is_evidence_not_found() {
        let facts = facts();
        for spec in ["tag", "release", "sbom", "signature", "changelog"] {
            let evidence = evaluate(spec, &facts).expect("test data");
            assert_eq!(evidence.kind, spec);
            assert!(!evidence.found, "{spec}: {evidence:?}");
        }
        assert_eq!(
            evaluate("backport:3.x", &facts),
            None,
            "no release date yet"
        );
        assert_eq!(evaluate("moon", &facts), None);
    }

    #[test]
    fn synced_data_is_found() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
            .single()
            .expect("test data");
        let facts = Facts {
            commit_sha: Some("4f2a9c1d2e".to_owned()),
            published_at: Some(at),
            asset_names: vec![
                "app.tar.gz".to_owned(),
                "app.spdx.json".to_owned(),
                "app.tar.gz.sig".to_owned(),
            ],
            changelog: ChangelogFact::Found,
            released_at: Some(at),
            line_releases: vec![
                (
                    "3.x".parse().expect("test data"),
                    semver::Version::new(3, 1, 4),
                    Some(at.date_naive()),
                ),
                (
                    "3.x".parse().expect("test data"),
                    semver::Version::new(3, 1, 3),
                    Some(at.date_naive() - chrono::Duration::days(9)),
                ),
            ],
            ..facts()
        };
        let detail = |spec: &str| {
            let evidence = evaluate(spec, &facts).expect("test data");
            assert!(evidence.found, "{spec}");
            evidence.detail
        };
        assert_eq!(detail("tag"), "tag v2.4.1 points at 4f2a9c1");
        assert_eq!(detail("release"), "GitHub release published 2026-11-02");
        assert_eq!(detail("sbom"), "app.spdx.json is attached to the release");
        assert_eq!(
            detail("signature"),
            "app.tar.gz.sig is attached to the release"
        );
        assert_eq!(detail("changelog"), "CHANGELOG.md has a section for v2.4.1");
        assert_eq!(
            detail("backport:3.x"),
            "3.1.4 released on 3.x on 2026-11-02"
        );
        assert!(!evaluate("backport:1.x", &facts).expect("test data").found);
    }

    #[test]
    fn asset_names() {
        for name in ["sbom.json", "app.cdx.xml", "x.spdx", "bom-cyclonedx.json"] {
            assert!(is_sbom(name), "{name}");
        }
        for name in [
            "app.sig",
            "SHA256SUMS.asc",
            "cert.pem",
            "app.sigstore.json",
            "x.bundle",
            "a.minisig",
        ] {
            assert!(is_signature(name), "{name}");
        }
        assert!(!is_sbom("app.tar.gz") && !is_signature("signal.tar.gz"));
    }
}
