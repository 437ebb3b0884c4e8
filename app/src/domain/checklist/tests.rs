use super::*;
use chrono::TimeZone;

#[test]
fn progress_by_key_adds_each_checklists_counts_by_state() {
    let rows = [
        ("v1.0.0", "done", 3),
        ("v1.0.0", "open", 2),
        ("v1.0.0", "skipped", 1),
        ("v2.0.0", "open", 4),
        ("v2.0.0", "someday", 1),
    ]
    .map(|(tag, state, count)| (tag, state.to_owned(), count));
    let progress = Progress::by_key(rows);
    assert_eq!(
        progress["v1.0.0"],
        Progress {
            done: 3,
            skipped: 1,
            total: 6
        }
    );
    assert_eq!(progress["v1.0.0"].open(), 2);
    assert_eq!(
        progress["v2.0.0"],
        Progress {
            done: 0,
            skipped: 0,
            total: 5
        },
        "a state not known counts as open"
    );
    assert_eq!(progress.len(), 2);
}

fn v(text: &str) -> semver::Version {
    semver::Version::parse(text).expect("test data")
}

fn line(text: &str) -> Line {
    text.parse().expect("test data")
}

#[test]
fn every_built_in_template_parses() {
    for kind in TemplateKind::ALL {
        let template = Template::parse(kind.default_text())
            .unwrap_or_else(|err| panic!("{}: {err}", kind.as_str()));
        assert!(template.item_count() > 0);
        // What the editor shows reads back the same.
        assert_eq!(Template::parse(&template.to_text()), Ok(template));
    }
}

#[test]
fn release_types() {
    let newest = Some(line("3.x"));
    let of = |text: &str, title: &str| TemplateKind::of(&v(text), title, newest, true);
    assert_eq!(of("3.1.0", ""), TemplateKind::Stable);
    assert_eq!(of("4.0.0", ""), TemplateKind::Stable);
    assert_eq!(of("3.1.2", ""), TemplateKind::Patch);
    assert_eq!(of("2.4.1", ""), TemplateKind::Hotfix);
    assert_eq!(of("3.1.3", "Hotfix: crash on start"), TemplateKind::Hotfix);
    assert_eq!(of("3.1.3", "hotfixes-ahead"), TemplateKind::Patch);
    assert_eq!(of("3.2.0-rc.1", ""), TemplateKind::Rc);
    assert_eq!(of("3.2.0-beta.2", ""), TemplateKind::Beta);
    assert_eq!(of("3.2.0-alpha.1", ""), TemplateKind::Alpha);
    assert_eq!(of("3.2.0-dev.1", ""), TemplateKind::Alpha);
    // Under the 0.x rule 0.3 is older than 0.4.
    let zero = Some(line("0.4.x"));
    assert_eq!(
        TemplateKind::of(&v("0.3.2"), "", zero, true),
        TemplateKind::Hotfix
    );
    assert_eq!(
        TemplateKind::of(&v("0.4.2"), "", zero, true),
        TemplateKind::Patch
    );
    // The first patch of a repository with no stable line yet is a patch.
    assert_eq!(
        TemplateKind::of(&v("1.0.1"), "", None, true),
        TemplateKind::Patch
    );
}

#[test]
fn hotfix_backports_list_the_other_maintained_lines() {
    let items = instantiate(
        &default_template(TemplateKind::Hotfix),
        line("2.x"),
        &[line("3.x"), line("2.x")],
    );
    let backports: Vec<_> = items.iter().filter(|i| i.section == "Backport").collect();
    assert_eq!(backports.len(), 1);
    assert_eq!(backports[0].text, "Backport the fix to 3.x");
    assert_eq!(backports[0].evidence.as_deref(), Some("backport:3.x"));
    let alone = instantiate(
        &default_template(TemplateKind::Hotfix),
        line("3.x"),
        &[line("3.x")],
    );
    assert!(alone.iter().all(|i| i.section != "Backport"));
}

#[test]
fn post_release_items_fall_due_an_hour_a_day_and_a_week_after_release() {
    let items = instantiate(&default_template(TemplateKind::Stable), line("1.x"), &[]);
    let due = |prefix: &str| -> Vec<Option<i64>> {
        items
            .iter()
            .filter(|i| i.section.starts_with(prefix))
            .map(|i| i.due_minutes)
            .collect()
    };
    assert!(due("Post-Release: Immediate")
        .iter()
        .all(|d| *d == Some(60)));
    assert!(due("Post-Release: Short-term")
        .iter()
        .all(|d| *d == Some(24 * 60)));
    assert!(due("Post-Release: Follow-up")
        .iter()
        .all(|d| *d == Some(7 * 24 * 60)));
    assert!(due("Pre-Release").iter().all(Option::is_none));
}

#[test]
fn history_is_left_alone() {
    let tracked = Utc
        .with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
        .single()
        .expect("test data");
    assert!(starts_automatically(None, tracked));
    assert!(starts_automatically(
        Some(tracked - Duration::days(29)),
        tracked
    ));
    assert!(!starts_automatically(
        Some(tracked - Duration::days(31)),
        tracked
    ));
    assert!(starts_automatically(
        Some(tracked + Duration::days(300)),
        tracked
    ));
}

#[test]
fn changes_are_checked() {
    assert_eq!(
        validate_change("done", " ok "),
        Ok((ItemState::Done, "ok".to_owned()))
    );
    assert_eq!(
        validate_change("open", ""),
        Ok((ItemState::Open, String::new()))
    );
    fn fields(
        result: Result<(ItemState, String), Vec<(&'static str, String)>>,
    ) -> Vec<&'static str> {
        result
            .expect_err("refused")
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }
    assert_eq!(fields(validate_change("finished", "")), ["state"]);
    assert_eq!(fields(validate_change("skipped", "  ")), ["note"]);
    assert_eq!(
        fields(validate_change("done", &"x".repeat(MAX_NOTE + 1))),
        ["note"]
    );
}

#[test]
fn overdue_means_open_and_past_due() {
    let released = Utc
        .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
        .single()
        .expect("test data");
    let due = due_at(Some(released), Some(60));
    assert_eq!(due, Some(released + Duration::hours(1)));
    let later = released + Duration::hours(2);
    assert!(is_overdue(ItemState::Open, due, later));
    assert!(!is_overdue(ItemState::Open, due, released));
    assert!(!is_overdue(ItemState::Done, due, later));
    assert!(!is_overdue(ItemState::Skipped, due, later));
    assert!(!is_overdue(ItemState::Open, None, later));
    assert_eq!(due_at(None, Some(60)), None);
}

#[test]
fn a_checklist_started_late_by_hand_falls_due_from_its_start() {
    let released = Utc
        .with_ymd_and_hms(2026, 9, 1, 12, 0, 0)
        .single()
        .expect("test data");
    let started = released + Duration::days(40);
    assert_eq!(due_base(Some(released), None), Some(released));
    assert_eq!(due_base(Some(released), Some(started)), Some(started));
    // Started before the release (a pre-release train): the release date still counts.
    assert_eq!(
        due_base(Some(released), Some(released - Duration::days(2))),
        Some(released)
    );
    assert_eq!(due_base(None, Some(started)), None);
    let due = due_at(due_base(Some(released), Some(started)), Some(60)).expect("due");
    assert!(!is_overdue(
        ItemState::Open,
        Some(due),
        started + Duration::minutes(30)
    ));
}

#[test]
fn due_times_read_plainly() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 10, 12, 0, 0)
        .single()
        .expect("test data");
    let words = |minutes: i64| due_words(now + Duration::minutes(minutes), now);
    assert_eq!(words(40), "due in 40 minutes");
    assert_eq!(words(0), "due in 1 minute");
    assert_eq!(words(60), "due in 1 hour");
    assert_eq!(words(47 * 60), "due in 47 hours");
    assert_eq!(words(7 * 24 * 60), "due in 7 days");
    assert_eq!(words(-90), "overdue by 1 hour");
    assert_eq!(words(-10 * 24 * 60), "overdue by 10 days");
}

#[test]
fn the_most_urgent_come_first() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 10, 0, 0, 0)
        .single()
        .expect("test data");
    let mut dues = vec![
        None,
        Some(now + Duration::days(1)),
        Some(now - Duration::days(9)),
        Some(now - Duration::hours(1)),
    ];
    dues.sort_by_key(|due| urgency(*due));
    assert_eq!(
        dues,
        [
            Some(now - Duration::days(9)),
            Some(now - Duration::hours(1)),
            Some(now + Duration::days(1)),
            None
        ]
    );
}

#[test]
fn progress_counts_settled_items() {
    let progress = Progress::of([
        ItemState::Done,
        ItemState::Skipped,
        ItemState::Open,
        ItemState::Open,
    ]);
    assert_eq!((progress.done, progress.skipped, progress.total), (1, 1, 4));
    assert_eq!((progress.percent(), progress.open()), (50, 2));
    assert_eq!(Progress::default().percent(), 0);
}

#[test]
fn markdown_export() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 10, 0, 0, 0)
        .single()
        .expect("test data");
    let past = now - Duration::hours(3);
    let future = now + Duration::hours(3);
    let items = vec![
        MarkdownItem {
            text: "All tests passing",
            state: ItemState::Done,
            note: "",
            due_at: None,
        },
        MarkdownItem {
            text: "Load testing",
            state: ItemState::Skipped,
            note: "no\nload",
            due_at: None,
        },
        MarkdownItem {
            text: "Announce",
            state: ItemState::Open,
            note: "",
            due_at: Some(past),
        },
        MarkdownItem {
            text: "Plan",
            state: ItemState::Open,
            note: "",
            due_at: Some(future),
        },
        MarkdownItem {
            text: "Docs",
            state: ItemState::Open,
            note: "",
            due_at: None,
        },
    ];
    let markdown = to_markdown("v1.2.0", [("Pre-Release", items)], now);
    assert_eq!(
        markdown,
        "## Release v1.2.0 Checklist\n\n### Pre-Release\n\
         - [x] All tests passing\n\
         - [x] ~~Load testing~~ (skipped: no load)\n\
         - [ ] Announce (overdue since 2026-11-09 21:00 UTC)\n\
         - [ ] Plan (due 2026-11-10 03:00 UTC)\n\
         - [ ] Docs\n"
    );
}

/// What GitHub's Markdown makes of an export: the kinds of syntax it found, and the text.
fn rendered(markdown: &str) -> (Vec<&'static str>, String) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let (mut syntax, mut text) = (Vec::new(), String::new());
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => syntax.push("html"),
            Event::Start(Tag::Link { .. }) => syntax.push("link"),
            Event::Start(Tag::Image { .. }) => syntax.push("image"),
            Event::Start(Tag::Emphasis | Tag::Strong) => syntax.push("emphasis"),
            Event::Start(Tag::Table(_)) => syntax.push("table"),
            Event::Code(_) => syntax.push("code"),
            Event::Text(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    (syntax, text)
}

#[test]
fn hostile_notes_and_texts_export_inert_and_readable() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 10, 0, 0, 0)
        .single()
        .expect("test data");
    let hostile = [
        "<!-- the rest of the list is hidden",
        "[looks fine](https://evil.example) ![x](https://evil.example/p.png)",
        "<img src=x onerror=alert(1)> <b>bold</b> &lt;entity&gt; &amp;",
        "*em* __strong__ `code` | a | b |",
        "\\[escaped\\] <https://auto.example> #1",
    ];
    for note in hostile {
        let items = vec![
            MarkdownItem {
                text: note,
                state: ItemState::Skipped,
                note,
                due_at: None,
            },
            MarkdownItem {
                text: "After",
                state: ItemState::Open,
                note: "",
                due_at: None,
            },
        ];
        let markdown = to_markdown("v1.0.0", [(note, items)], now);
        let (syntax, text) = rendered(&markdown);
        assert!(
            syntax.is_empty(),
            "{note:?} made {syntax:?} in:\n{markdown}"
        );
        assert!(
            text.contains(&format!("{note} (skipped: {note})")),
            "{note:?} reads as typed: {text}"
        );
        assert!(text.contains("After"), "the rest of the list stays visible");
    }
    // The check can fail: the raw note would make markup.
    assert_eq!(
        rendered("- [ ] a <b>b</b> [x](https://evil.example) `c`").0,
        ["html", "html", "link", "code"]
    );
}
