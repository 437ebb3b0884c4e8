//! Versions as Release Desk sees them (PRODUCT.md §1): a git tag, minus the repository's tag
//! prefix, parsed as SemVer 2.0.0, with a channel, a support line and a precedence key.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The tag prefix used when a repository does not configure one.
pub const DEFAULT_TAG_PREFIX: &str = "v";

/// Longest version string we accept. Real tags are far shorter; the bound keeps
/// [`precedence_key`] well-formed for every version that parses.
pub const MAX_VERSION_LEN: usize = 255;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("the version is empty")]
    Empty,
    #[error("the version is longer than {MAX_VERSION_LEN} characters")]
    TooLong,
    #[error("'{input}' is not a SemVer 2.0.0 version: {reason}")]
    NotSemVer { input: String, reason: String },
}

/// Parses a git tag as a version: strips `prefix` when the tag starts with it, then requires
/// strict SemVer 2.0.0 (`MAJOR.MINOR.PATCH[-PRE][+BUILD]`).
pub fn parse_tag(tag: &str, prefix: &str) -> Result<semver::Version, VersionError> {
    let bare = tag.strip_prefix(prefix).unwrap_or(tag);
    if bare.is_empty() {
        return Err(VersionError::Empty);
    }
    if bare.len() > MAX_VERSION_LEN {
        return Err(VersionError::TooLong);
    }
    semver::Version::parse(bare).map_err(|err| VersionError::NotSemVer {
        input: bare.to_owned(),
        reason: err.to_string(),
    })
}

/// Release channel, from the first pre-release identifier.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Stable,
    Rc,
    Beta,
    Alpha,
    Prerelease,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Stable,
        Channel::Rc,
        Channel::Beta,
        Channel::Alpha,
        Channel::Prerelease,
    ];

    /// `rc`, `beta` and `alpha` are recognised case-insensitively and with a number glued on
    /// (`rc1`, `beta2`), as many projects tag them that way.
    pub fn of(version: &semver::Version) -> Channel {
        let Some(first) = version
            .pre
            .as_str()
            .split('.')
            .next()
            .filter(|s| !s.is_empty())
        else {
            return Channel::Stable;
        };
        let word = first.trim_end_matches(|c: char| c.is_ascii_digit());
        match word.to_ascii_lowercase().as_str() {
            "rc" => Channel::Rc,
            "beta" => Channel::Beta,
            "alpha" => Channel::Alpha,
            _ => Channel::Prerelease,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Stable => "stable",
            Channel::Rc => "rc",
            Channel::Beta => "beta",
            Channel::Alpha => "alpha",
            Channel::Prerelease => "prerelease",
        }
    }

    /// Human label for chips and headings.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Stable => "Stable",
            Channel::Rc => "Release candidate",
            Channel::Beta => "Beta",
            Channel::Alpha => "Alpha",
            Channel::Prerelease => "Pre-release",
        }
    }

    /// The environment the release process intends this channel for.
    pub fn environment(self) -> &'static str {
        match self {
            Channel::Stable => "production",
            Channel::Rc => "staging",
            Channel::Beta => "testing",
            Channel::Alpha | Channel::Prerelease => "development",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a channel (expected stable, rc, beta, alpha or prerelease)")]
pub struct UnknownChannel(pub String);

impl FromStr for Channel {
    type Err = UnknownChannel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownChannel(s.to_owned()))
    }
}

/// A support line: a major version `N.x`, or under the 0.x rule each `0.y` on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Line {
    pub major: u64,
    /// Set only for `0.y` lines when the repository keeps the 0.x rule.
    pub minor: Option<u64>,
}

impl Line {
    pub fn of(version: &semver::Version, zero_major_lines: bool) -> Line {
        let minor = (version.major == 0 && zero_major_lines).then_some(version.minor);
        Line {
            major: version.major,
            minor,
        }
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "{}.{minor}.x", self.major),
            None => write!(f, "{}.x", self.major),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a line (expected N.x, or 0.N.x)")]
pub struct UnknownLine(pub String);

impl FromStr for Line {
    type Err = UnknownLine;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || UnknownLine(s.to_owned());
        let numbers = s.trim().strip_suffix(".x").ok_or_else(invalid)?;
        let number = |part: &str| -> Result<u64, UnknownLine> {
            let canonical = part == "0" || !part.starts_with('0');
            match part.parse() {
                Ok(n) if canonical && part.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
                _ => Err(invalid()),
            }
        };
        match numbers.split_once('.') {
            None => Ok(Line {
                major: number(numbers)?,
                minor: None,
            }),
            Some(("0", minor)) => Ok(Line {
                major: 0,
                minor: Some(number(minor)?),
            }),
            Some(_) => Err(invalid()),
        }
    }
}

/// A string whose byte order is SemVer precedence, so that SQL can sort and page by it.
///
/// Layout: the three core numbers zero-padded to 20 digits, then `~` for a release or `-`
/// followed by the pre-release identifiers. Each identifier is `0` + 4-digit length + digits
/// when numeric (numeric sorts before alphanumeric, shorter numbers first) or `1` + the text
/// when alphanumeric (ASCII order), and ends with `!`, which sorts below every identifier
/// character, so a shorter identifier list sorts first. Build metadata has no precedence.
pub fn precedence_key(version: &semver::Version) -> String {
    let mut key = format!(
        "{:020}.{:020}.{:020}",
        version.major, version.minor, version.patch
    );
    if version.pre.is_empty() {
        key.push('~');
        return key;
    }
    key.push('-');
    for identifier in version.pre.as_str().split('.') {
        if identifier.bytes().all(|b| b.is_ascii_digit()) {
            key.push_str(&format!("0{:04}{identifier}", identifier.len()));
        } else {
            key.push('1');
            key.push_str(identifier);
        }
        key.push('!');
    }
    key
}

/// Everything Release Desk derives from a tag name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagInfo {
    pub version: semver::Version,
    pub channel: Channel,
    pub line: Line,
    pub precedence: String,
}

impl TagInfo {
    pub fn parse(tag: &str, prefix: &str, zero_major_lines: bool) -> Result<TagInfo, VersionError> {
        let version = parse_tag(tag, prefix)?;
        Ok(TagInfo {
            channel: Channel::of(&version),
            line: Line::of(&version, zero_major_lines),
            precedence: precedence_key(&version),
            version,
        })
    }
}

/// What a person has typed into a version box, judged as they type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypedVersion {
    /// Nothing yet.
    Empty,
    /// The start of a version ("2", "2.3.", "3.2.0-rc."): worth a hint, not a refusal.
    Partial,
    /// A whole version, without a leading `v`: worth asking about.
    Complete(String),
    /// Something no more typing can make a version: says so in a person's words.
    Invalid(String),
}

/// Judges `text` as a version being typed: `v2.3.1` and `2.3.1` are complete, anything a few
/// more characters would make a version is partial.
pub fn typed_version(text: &str) -> TypedVersion {
    let text = text.trim();
    let bare = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    if text.is_empty() {
        return TypedVersion::Empty;
    }
    if bare.len() > MAX_VERSION_LEN {
        return TypedVersion::Invalid(format!(
            "That is too long for a version: at most {MAX_VERSION_LEN} characters."
        ));
    }
    if semver::Version::parse(bare).is_ok() {
        return TypedVersion::Complete(bare.to_owned());
    }
    // The endings that would finish what is there: a number, the rest of the numbers, or a
    // pre-release or build identifier.
    let endings = ["0", ".0", ".0.0", "0.0", "0.0.0", "a"];
    let can_finish = bare.is_empty()
        || endings
            .iter()
            .any(|end| semver::Version::parse(&format!("{bare}{end}")).is_ok());
    if can_finish {
        TypedVersion::Partial
    } else {
        TypedVersion::Invalid(format!(
            "“{text}” is not a version number. Versions look like 2.3.1 or v3.2.0-rc.1."
        ))
    }
}

#[cfg(test)]
mod tests;
