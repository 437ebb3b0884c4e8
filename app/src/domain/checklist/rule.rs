//! Evidence rules: what proves a checklist item, as a template names it after `evidence:`.
//!
//! | rule                                   | proved when                                         |
//! |----------------------------------------|-----------------------------------------------------|
//! | `tag`                                  | the git tag exists                                  |
//! | `release`                              | the GitHub release is published (not a draft)       |
//! | `changelog`                            | CHANGELOG.md has a section for the version          |
//! | `sbom`, `signature`                    | such a file is attached to the release              |
//! | `checks`                               | every check run and commit status is green          |
//! | `workflows`                            | every workflow run of the commit succeeded          |
//! | `security`                             | no open critical or high alert (code scanning at    |
//! |                                        | the tag, Dependabot), in each source GitHub allows  |
//! | `attestation KIND [for PATTERN]`       | every release file (matching `*.tar.gz`, say) has   |
//! |                                        | an attestation of KIND: `provenance` or `sbom`      |
//! | `check NAME [>= N]`                    | the check run or status NAME is green (and the      |
//! |                                        | first number in its description is at least N)      |
//! | `announced`                            | the release announcement reached a team chat        |
//! |                                        | through a Slack, Discord or Teams hook              |
//!
//! A NAME with spaces is quoted: `check "test (ubuntu)"` is refused (no parentheses, commas or
//! quotes in names), `check "unit tests"` is fine. `backport:LINE` comes only from items marked
//! "per maintained line".

use std::fmt;

use serde::{Deserialize, Serialize};

use super::super::version::Line;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    Tag,
    Release,
    Changelog,
    /// An SBOM file is attached to the release.
    Sbom,
    /// A signature file is attached to the release.
    Signature,
    Checks,
    Workflows,
    Security,
    Attestation {
        kind: String,
        /// Only the files matching this pattern (`*` and `?` wildcards); every file without.
        pattern: Option<String>,
    },
    Check {
        name: String,
        at_least: Option<u32>,
    },
    /// A release on another maintained line since this one (hotfix backports); shown, never
    /// ticks.
    Backport(Line),
    /// The release announcement reached a team chat through a Slack, Discord or Teams hook.
    Announced,
}

/// The rules a template can name, for messages.
pub const RULES: &str = "tag, release, changelog, sbom, signature, checks, workflows, security, \
                         attestation provenance|sbom [for PATTERN], check NAME [>= N], \
                         announced";

impl Rule {
    /// The rule's kind, as evidence beside an item names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Tag => "tag",
            Rule::Release => "release",
            Rule::Changelog => "changelog",
            Rule::Sbom => "sbom",
            Rule::Signature => "signature",
            Rule::Checks => "checks",
            Rule::Workflows => "workflows",
            Rule::Security => "security",
            Rule::Attestation { .. } => "attestation",
            Rule::Check { .. } => "check",
            Rule::Backport(_) => "backport",
            Rule::Announced => "announced",
        }
    }

    /// Whether GitHub's CI, alerts or attestations decide it (rather than the synced tag,
    /// release or CHANGELOG.md, or an announcement a chat hook accepted).
    pub fn reads_github(&self) -> bool {
        matches!(
            self,
            Rule::Checks
                | Rule::Workflows
                | Rule::Security
                | Rule::Attestation { .. }
                | Rule::Check { .. }
        )
    }

    /// Reads a rule as written after `evidence:`, or as a checklist item stores it.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let text = text.trim();
        let unknown = || format!("'{text}' is not an evidence rule; the rules are {RULES}");
        let (word, rest) = text.split_once(' ').unwrap_or((text, ""));
        let rest = rest.trim();
        let simple = match word {
            "tag" => Some(Rule::Tag),
            "release" => Some(Rule::Release),
            "changelog" => Some(Rule::Changelog),
            "sbom" => Some(Rule::Sbom),
            "signature" => Some(Rule::Signature),
            "checks" => Some(Rule::Checks),
            "workflows" => Some(Rule::Workflows),
            "security" => Some(Rule::Security),
            "announced" => Some(Rule::Announced),
            _ => None,
        };
        if let Some(rule) = simple {
            return if rest.is_empty() {
                Ok(rule)
            } else {
                Err(format!("'{text}': '{word}' takes nothing after it"))
            };
        }
        match word {
            "attestation" => {
                let (kind, pattern) = match rest.split_once(" for ") {
                    Some((kind, pattern)) => (kind.trim(), Some(pattern.trim())),
                    None => (rest, None),
                };
                if !matches!(kind, "provenance" | "sbom") {
                    return Err(format!(
                        "'{text}': an attestation is of provenance or sbom, e.g. \
                         attestation provenance for *.tar.gz"
                    ));
                }
                let pattern = match pattern {
                    Some(pattern) if is_name(pattern) && !pattern.contains(' ') => {
                        Some(pattern.to_owned())
                    }
                    Some(_) => {
                        return Err(format!(
                            "'{text}': write the files as one pattern without spaces, e.g. \
                             *.tar.gz"
                        ))
                    }
                    None => None,
                };
                Ok(Rule::Attestation {
                    kind: kind.to_owned(),
                    pattern,
                })
            }
            "check" => {
                let (name, threshold) = check_parts(rest).ok_or_else(|| {
                    format!(
                        "'{text}': name the check or status, e.g. check lint or \
                         check \"coverage\" >= 80"
                    )
                })?;
                let at_least = match threshold {
                    None => None,
                    Some(number) => Some(number.parse::<u32>().map_err(|_| {
                        format!("'{text}': the threshold is a whole number, e.g. >= 80")
                    })?),
                };
                Ok(Rule::Check {
                    name: name.to_owned(),
                    at_least,
                })
            }
            _ => match text.strip_prefix("backport:") {
                Some(line) => line.parse().map(Rule::Backport).map_err(|_| unknown()),
                None => Err(unknown()),
            },
        }
    }
}

/// A name or pattern fits a template's attribute parenthesis.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= 100
        && !text
            .chars()
            .any(|c| matches!(c, '(' | ')' | ',' | '"') || c.is_control())
}

/// `NAME`, `"NAME WITH SPACES"`, each optionally followed by `>= N` (or `≥ N`).
fn check_parts(text: &str) -> Option<(&str, Option<&str>)> {
    let (name, rest) = match text.strip_prefix('"') {
        Some(quoted) => {
            let end = quoted.find('"')?;
            (&quoted[..end], quoted[end + 1..].trim())
        }
        None => {
            let end = text.find([' ', '>', '≥']).unwrap_or(text.len());
            (&text[..end], text[end..].trim())
        }
    };
    if !is_name(name) {
        return None;
    }
    if rest.is_empty() {
        return Some((name, None));
    }
    let number = rest
        .strip_prefix(">=")
        .or_else(|| rest.strip_prefix('≥'))?
        .trim();
    Some((name, Some(number)))
}

impl fmt::Display for Rule {
    /// The text [`Rule::parse`] reads back to the same rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Attestation { kind, pattern } => {
                write!(f, "attestation {kind}")?;
                match pattern {
                    Some(pattern) => write!(f, " for {pattern}"),
                    None => Ok(()),
                }
            }
            Rule::Check { name, at_least } => {
                if name.contains(' ') {
                    write!(f, "check \"{name}\"")?;
                } else {
                    write!(f, "check {name}")?;
                }
                match at_least {
                    Some(number) => write!(f, " >= {number}"),
                    None => Ok(()),
                }
            }
            Rule::Backport(line) => write!(f, "backport:{line}"),
            other => f.write_str(other.kind()),
        }
    }
}

/// True when `name` matches `pattern`, where `*` stands for any text and `?` for one character.
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    fn go(pattern: &[char], name: &[char]) -> bool {
        match pattern.split_first() {
            None => name.is_empty(),
            Some(('*', rest)) => (0..=name.len()).any(|skip| go(rest, &name[skip..])),
            Some(('?', rest)) => !name.is_empty() && go(rest, &name[1..]),
            Some((c, rest)) => name.first() == Some(c) && go(rest, &name[1..]),
        }
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    go(&pattern, &name)
}

/// The first number in `text` (`84.2% of lines covered` → 84.2).
pub fn first_number(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.trim_end_matches('.').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_and_print_back() {
        for text in [
            "tag",
            "release",
            "changelog",
            "sbom",
            "signature",
            "checks",
            "workflows",
            "security",
            "announced",
            "attestation provenance",
            "attestation sbom for *.tar.gz",
            "check lint",
            "check \"unit tests\"",
            "check codecov/project >= 80",
            "backport:2.x",
        ] {
            let rule = Rule::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
            assert_eq!(rule.to_string(), text);
        }
        assert_eq!(
            Rule::parse("check \"coverage\" ≥ 80"),
            Ok(Rule::Check {
                name: "coverage".to_owned(),
                at_least: Some(80)
            })
        );
    }

    #[test]
    fn a_rule_that_is_not_one_says_what_is() {
        for (text, words) in [
            ("vibes", "the rules are tag, release"),
            ("checks please", "takes nothing after it"),
            ("announced twice", "takes nothing after it"),
            ("attestation signature", "provenance or sbom"),
            ("attestation sbom for two words", "one pattern"),
            ("check", "name the check"),
            ("check \"unclosed", "name the check"),
            ("check lint >= eighty", "whole number"),
            ("check lint > 80", "name the check"),
            ("backport:three", "not an evidence rule"),
        ] {
            let err = Rule::parse(text).expect_err(text);
            assert!(err.contains(words), "{text}: {err}");
        }
    }

    #[test]
    fn announced_is_a_rule_of_its_own_that_github_does_not_decide() {
        let rule = Rule::parse(" announced ").expect("a rule");
        assert_eq!(rule, Rule::Announced);
        assert_eq!(rule.kind(), "announced");
        assert!(!rule.reads_github());
        assert!(RULES.contains("announced"));
    }

    #[test]
    fn patterns_match_files() {
        assert!(matches_pattern("*.tar.gz", "orbit-linux-amd64.tar.gz"));
        assert!(!matches_pattern("*.tar.gz", "orbit.zip"));
        assert!(matches_pattern("orbit-?.zip", "orbit-1.zip"));
        assert!(matches_pattern("*", ""));
        assert!(!matches_pattern("a*b", "ac"));
    }

    #[test]
    fn descriptions_give_their_first_number() {
        assert_eq!(first_number("84.2% of lines covered"), Some(84.2));
        assert_eq!(first_number("coverage 80."), Some(80.0));
        assert_eq!(first_number("Build passed"), None);
    }
}
