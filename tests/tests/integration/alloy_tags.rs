//! The real tag set of grafana/alloy: 208 tags from three components in one repository.

use app::domain::version::{Channel, TagInfo};
use releasedesk_tests::{alloy_tags, TestApp};

#[test]
fn the_default_prefix_takes_the_product_tags_and_leaves_the_rest_as_other_tags() {
    let tags = alloy_tags();
    assert_eq!(tags.len(), 208);
    let versions: Vec<TagInfo> = tags
        .iter()
        .filter_map(|tag| TagInfo::parse(&tag.name, "v", true).ok())
        .collect();
    let others: Vec<&str> = tags
        .iter()
        .filter(|tag| TagInfo::parse(&tag.name, "v", true).is_err())
        .map(|tag| tag.name.as_str())
        .collect();
    // Tags of the repository's other components: the build image, the Helm chart, the syntax crate.
    let components = ["build-image/", "helm-chart/", "syntax/"];
    assert!(
        others
            .iter()
            .all(|name| components.iter().any(|c| name.starts_with(c))),
        "{others:?}"
    );
    assert_eq!(others.len() + versions.len(), tags.len());
    assert!(versions.iter().all(|info| info.version.major == 1));
    assert!(versions.iter().any(|info| info.channel == Channel::Rc));
    assert!(versions.iter().any(|info| info.channel == Channel::Stable));
}

#[test]
fn a_monorepo_prefix_selects_one_component() {
    let charts = alloy_tags()
        .iter()
        .filter(|tag| TagInfo::parse(&tag.name, "helm-chart/", true).is_ok())
        .count();
    let chart_tags = alloy_tags()
        .iter()
        .filter(|tag| tag.name.starts_with("helm-chart/"))
        .count();
    assert_eq!(charts, chart_tags);
}

#[tokio::test]
async fn stored_alloy_tags_list_in_precedence_order() {
    let app = TestApp::new().await;
    let new = app::store::repositories::NewRepository {
        owner: "grafana",
        name: "alloy",
        description: "",
        tag_prefix: "v",
    };
    app::store::repositories::upsert(&app.pool, &new)
        .await
        .expect("repository");
    let repo = app::store::repositories::find(&app.pool, "grafana", "alloy")
        .await
        .expect("query")
        .expect("found");
    for tag in alloy_tags() {
        let id = app::store::versions::upsert(&app.pool, &repo, &tag.name)
            .await
            .expect("version");
        let date = tag.tagger_date.as_deref().unwrap_or(&tag.commit_date);
        let tagged_at = chrono::DateTime::parse_from_rfc3339(date)
            .expect("date")
            .to_utc();
        let git = app::store::versions::GitTag {
            commit_sha: &tag.commit_sha,
            tag_object_sha: None,
            tagged_at: Some(tagged_at),
        };
        app::store::versions::upsert_tag(&app.pool, id, &git)
            .await
            .expect("tag");
    }

    let listed = app::store::versions::list_public(&app.pool, repo.id)
        .await
        .expect("history");
    let mut expected: Vec<semver::Version> = alloy_tags()
        .iter()
        .filter_map(|tag| TagInfo::parse(&tag.name, "v", true).ok())
        .map(|info| info.version)
        .collect();
    expected.sort_by(|a, b| b.cmp_precedence(a));
    let listed_versions: Vec<String> = listed.iter().map(|entry| entry.version.clone()).collect();
    let expected: Vec<String> = expected.iter().map(ToString::to_string).collect();
    assert_eq!(listed_versions, expected);

    let others = app::store::versions::list_other_tags(&app.pool, repo.id)
        .await
        .expect("others");
    assert_eq!(others.len() + listed.len(), 208);
}
