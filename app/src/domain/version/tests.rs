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
