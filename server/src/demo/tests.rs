use super::*;
use app::domain::version::{Channel, TagInfo};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("valid date")
}

#[test]
fn about_forty_versions_across_three_majors_with_every_channel() {
    let infos: Vec<TagInfo> = VERSIONS
        .iter()
        .map(|(tag, _, _)| TagInfo::parse(tag, "v", true).expect("demo tags are versions"))
        .collect();
    assert!((35..=45).contains(&infos.len()));
    let majors: std::collections::BTreeSet<u64> = infos.iter().map(|i| i.version.major).collect();
    assert_eq!(majors.into_iter().collect::<Vec<_>>(), [1, 2, 3]);
    for channel in [Channel::Stable, Channel::Rc, Channel::Beta, Channel::Alpha] {
        assert!(infos.iter().any(|i| i.channel == channel), "{channel}");
    }
    assert!(VERSIONS.iter().filter(|v| v.2 == Kind::TagOnly).count() >= 3);
    assert!(OTHER_TAGS
        .iter()
        .all(|(tag, _)| TagInfo::parse(tag, "v", true).is_err()));
}

#[test]
fn dates_are_deterministic_and_never_in_the_future() {
    assert_eq!(versions(today()), versions(today()));
    let end_of_today = today().and_hms_opt(23, 59, 59).expect("valid").and_utc();
    assert!(versions(today()).iter().all(|v| v.date <= end_of_today));
    let first = &versions(today())[0];
    assert_eq!(first.date.date_naive(), today() - Duration::days(1160));
}

#[test]
fn every_release_has_markdown_notes_and_a_distinct_sha() {
    let all = versions(today());
    assert!(all.iter().all(|v| v.notes.contains("\n- ")));
    let mut shas: Vec<&str> = all.iter().map(|v| v.commit_sha.as_str()).collect();
    shas.sort_unstable();
    shas.dedup();
    assert_eq!(shas.len(), all.len());
    assert!(all.iter().all(|v| v.commit_sha.len() == 40));
}
