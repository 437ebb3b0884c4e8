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
mod tests {
    use super::*;

    #[test]
    fn typing_a_version_is_partial_until_it_is_whole() {
        use super::{typed_version, TypedVersion::*};
        for partial in [
            "v",
            "2",
            "2.",
            "2.3",
            "v2.3.",
            "3.2.0-",
            "3.2.0-rc.",
            "1.0.0+",
        ] {
            assert_eq!(typed_version(partial), Partial, "{partial}");
        }
        assert_eq!(typed_version(" v2.3.1 "), Complete("2.3.1".to_owned()));
        assert_eq!(
            typed_version("3.2.0-rc.1"),
            Complete("3.2.0-rc.1".to_owned())
        );
        assert_eq!(typed_version("  "), Empty);
        for invalid in ["abc", "2.x", "01.2.3", "2.3.1.4", "3.2.0-rc..1"] {
            match typed_version(invalid) {
                Invalid(message) => {
                    assert!(message.contains(invalid), "{message}");
                    assert!(!message.contains("SemVer"), "a person's words: {message}");
                }
                other => panic!("{invalid}: {other:?}"),
            }
        }
        assert!(matches!(typed_version(&"9".repeat(300)), Invalid(_)));
    }

    use proptest::prelude::*;

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).expect("test version")
    }

    #[test]
    fn strips_the_default_prefix_and_accepts_bare_versions() {
        assert_eq!(parse_tag("v1.2.3", DEFAULT_TAG_PREFIX), Ok(v("1.2.3")));
        assert_eq!(parse_tag("1.2.3", DEFAULT_TAG_PREFIX), Ok(v("1.2.3")));
        assert_eq!(
            parse_tag("v2.0.0-rc.1+build.5", "v"),
            Ok(v("2.0.0-rc.1+build.5"))
        );
    }

    #[test]
    fn monorepo_prefixes_select_their_own_tags() {
        assert_eq!(parse_tag("app-v1.4.0", "app-v"), Ok(v("1.4.0")));
        assert!(parse_tag("lib-v1.4.0", "app-v").is_err());
        assert_eq!(parse_tag("helm-chart/1.0.3", "helm-chart/"), Ok(v("1.0.3")));
    }

    #[test]
    fn rejects_what_is_not_strict_semver() {
        for tag in [
            "",
            "v",
            "nightly",
            "v1",
            "v1.2",
            "v1.2.3.4",
            "v01.2.3",
            "v1.2.3-",
            "v1.2.3-01",
            "V1.2.3",
            "v1.2.3 ",
            "vv1.2.3",
            "v1.2.3-rc..1",
            "v99999999999999999999.0.0",
        ] {
            assert!(parse_tag(tag, "v").is_err(), "{tag:?} should not parse");
        }
        assert_eq!(parse_tag("v", "v"), Err(VersionError::Empty));
        let long = format!("1.0.0-{}", "a".repeat(MAX_VERSION_LEN));
        assert_eq!(parse_tag(&long, "v"), Err(VersionError::TooLong));
    }

    #[test]
    fn channel_comes_from_the_first_prerelease_identifier() {
        let cases = [
            ("1.0.0", Channel::Stable),
            ("1.0.0+build.1", Channel::Stable),
            ("1.0.0-rc.1", Channel::Rc),
            ("1.0.0-RC1", Channel::Rc),
            ("1.0.0-beta", Channel::Beta),
            ("1.0.0-beta.2.rc", Channel::Beta),
            ("1.0.0-alpha.1", Channel::Alpha),
            ("1.0.0-preview.3", Channel::Prerelease),
            ("1.0.0-1", Channel::Prerelease),
            ("1.0.0-rcx", Channel::Prerelease),
        ];
        for (version, channel) in cases {
            assert_eq!(Channel::of(&v(version)), channel, "{version}");
        }
    }

    #[test]
    fn tag_info_gathers_what_a_tag_says() {
        let info = TagInfo::parse("v0.4.1-beta.2", "v", true).expect("parses");
        assert_eq!(info.version, v("0.4.1-beta.2"));
        assert_eq!(info.channel, Channel::Beta);
        assert_eq!(info.line.to_string(), "0.4.x");
        assert_eq!(info.precedence, precedence_key(&info.version));
    }

    #[test]
    fn a_train_is_the_first_62_bytes_of_the_precedence_key() {
        // store::versions pages the history by `substr(precedence, 1, 62)`.
        let release = precedence_key(&v("12.3.45"));
        for pre in ["12.3.45-rc.1", "12.3.45-alpha", "12.3.45+build"] {
            assert_eq!(precedence_key(&v(pre))[..62], release[..62], "{pre}");
        }
        assert_ne!(precedence_key(&v("12.3.46"))[..62], release[..62]);
        assert!(matches!(release.as_bytes()[62], b'~'));
        assert!(matches!(
            precedence_key(&v("1.0.0-rc.1")).as_bytes()[62],
            b'-'
        ));
    }

    #[test]
    fn channels_round_trip_through_their_names() {
        for channel in Channel::ALL {
            assert_eq!(channel.as_str().parse::<Channel>(), Ok(channel));
        }
        assert_eq!(" RC ".parse::<Channel>(), Ok(Channel::Rc));
        assert!("nightly".parse::<Channel>().is_err());
    }

    #[test]
    fn zero_major_versions_form_one_line_per_minor() {
        assert_eq!(Line::of(&v("0.3.7"), true).to_string(), "0.3.x");
        assert_eq!(Line::of(&v("0.3.7"), false).to_string(), "0.x");
        assert_eq!(Line::of(&v("2.9.1-rc.1"), true).to_string(), "2.x");
        for line in ["0.3.x", "0.x", "2.x", "10.x"] {
            assert_eq!(
                line.parse::<Line>().map(|l| l.to_string()).as_deref(),
                Ok(line)
            );
        }
        for bad in ["2", "2.1.x", "x", "02.x", "-1.x", "+1.x", ""] {
            assert!(bad.parse::<Line>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn precedence_follows_the_semver_specification_example() {
        // The chain from SemVer 2.0.0, §11, plus the classic string-order trap rc.2 < rc.10.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0-rc.2",
            "1.0.0-rc.10",
            "1.0.0",
            "1.0.1",
            "1.2.0",
            "1.10.0",
            "2.0.0",
        ];
        for pair in chain.windows(2) {
            assert!(
                precedence_key(&v(pair[0])) < precedence_key(&v(pair[1])),
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
        assert_eq!(precedence_key(&v("1.0.0+a")), precedence_key(&v("1.0.0+b")));
    }

    fn identifier() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u64..=u64::MAX).prop_map(|n| n.to_string()),
            (0u64..30).prop_map(|n| n.to_string()),
            "[0-9A-Za-z-]{0,6}[A-Za-z-][0-9A-Za-z-]{0,6}",
            prop::sample::select(vec![
                "alpha", "beta", "rc", "a", "b", "A", "-", "rc-1", "x-"
            ])
            .prop_map(str::to_owned),
        ]
    }

    fn version() -> impl Strategy<Value = semver::Version> {
        let number = prop_oneof![0u64..4, 0u64..=u64::MAX];
        (
            number.clone(),
            number.clone(),
            number,
            prop::collection::vec(identifier(), 0..4),
            prop::option::of("[0-9A-Za-z]{1,5}"),
        )
            .prop_map(|(major, minor, patch, pre, build)| {
                let mut text = format!("{major}.{minor}.{patch}");
                if !pre.is_empty() {
                    text = format!("{text}-{}", pre.join("."));
                }
                if let Some(build) = build {
                    text = format!("{text}+{build}");
                }
                semver::Version::parse(&text).expect("generated versions are valid")
            })
    }

    proptest! {
        #[test]
        fn parsing_never_panics(tag in any::<String>(), prefix in any::<String>()) {
            let _ = parse_tag(&tag, &prefix);
        }

        #[test]
        fn parsing_never_panics_on_near_versions(tag in "v?[0-9]{1,3}(\\.[0-9]{0,3}){0,3}(-[0-9A-Za-z.+-]{0,8})?") {
            if let Ok(version) = parse_tag(&tag, "v") {
                let _ = (Channel::of(&version), Line::of(&version, true), precedence_key(&version));
            }
        }

        #[test]
        fn tags_round_trip(version in version()) {
            prop_assert_eq!(parse_tag(&format!("v{version}"), "v"), Ok(version.clone()));
            prop_assert_eq!(parse_tag(&version.to_string(), "v"), Ok(version));
        }

        #[test]
        fn key_order_agrees_with_semver_precedence(a in version(), b in version()) {
            prop_assert_eq!(precedence_key(&a).cmp(&precedence_key(&b)), a.cmp_precedence(&b));
        }

        #[test]
        fn key_order_agrees_with_semver_on_near_neighbours(a in version(), pre in identifier()) {
            // Neighbours share the core version, so only the pre-release decides.
            let mut b = a.clone();
            b.pre = semver::Prerelease::new(&pre).expect("identifier is valid");
            prop_assert_eq!(precedence_key(&a).cmp(&precedence_key(&b)), a.cmp_precedence(&b));
        }
    }
}
