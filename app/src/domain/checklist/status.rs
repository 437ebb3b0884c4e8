//! What a checklist shows beside each item's text, and how items group under their sections.

use chrono::{DateTime, Utc};

use super::{
    contradicts, due_at,
    evidence::{evaluate, Evidence, Facts},
    is_overdue, ItemState,
};

/// An item's standing beside its text: when it falls due, whether it is overdue, what the
/// synced facts show, and whether a tick contradicts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemStatus {
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub evidence: Option<Evidence>,
    pub contradicted: bool,
}

impl ItemStatus {
    /// `due_from` is where the checklist's due offsets count from (`due_base`), `evidence` the
    /// item's evidence rule, if it has one.
    pub fn of(
        state: ItemState,
        due_from: Option<DateTime<Utc>>,
        due_minutes: Option<i64>,
        evidence: Option<&str>,
        facts: &Facts,
        now: DateTime<Utc>,
    ) -> ItemStatus {
        let due = due_at(due_from, due_minutes);
        let evidence = evidence.and_then(|spec| evaluate(spec, facts));
        ItemStatus {
            due_at: due,
            overdue: is_overdue(state, due, now),
            contradicted: contradicts(state, evidence.as_ref()),
            evidence,
        }
    }
}

/// Items under their section titles, in order: a title starts a new section whenever it differs
/// from the one before.
pub fn group_sections<T>(items: impl IntoIterator<Item = (String, T)>) -> Vec<(String, Vec<T>)> {
    let mut sections: Vec<(String, Vec<T>)> = Vec::new();
    for (title, item) in items {
        match sections.last_mut() {
            Some((last, items)) if *last == title => items.push(item),
            _ => sections.push((title, vec![item])),
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn an_item_falls_due_after_its_offset_and_is_overdue_only_while_open() {
        let released = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single();
        let now = released.map(|r| r + Duration::hours(2)).expect("a time");
        let facts = Facts::default();
        let open = ItemStatus::of(ItemState::Open, released, Some(60), None, &facts, now);
        assert_eq!(open.due_at, released.map(|r| r + Duration::hours(1)));
        assert!(open.overdue);
        assert!(!open.contradicted);
        let done = ItemStatus::of(ItemState::Done, released, Some(60), None, &facts, now);
        assert!(!done.overdue);
        let unreleased = ItemStatus::of(ItemState::Open, None, Some(60), None, &facts, now);
        assert_eq!(unreleased.due_at, None);
        assert!(!unreleased.overdue);
    }

    #[test]
    fn a_tick_the_facts_deny_is_contradicted_and_an_open_item_never_is() {
        let now = Utc::now();
        let facts = Facts {
            tag: "v1.0.0".to_owned(),
            ..Facts::default()
        };
        let done = ItemStatus::of(ItemState::Done, None, None, Some("release"), &facts, now);
        assert!(done.evidence.as_ref().is_some_and(|e| !e.found), "{done:?}");
        assert!(done.contradicted);
        let open = ItemStatus::of(ItemState::Open, None, None, Some("release"), &facts, now);
        assert!(!open.contradicted);
    }

    #[test]
    fn items_group_under_consecutive_titles() {
        let grouped = group_sections([
            ("Pre-release".to_owned(), 1),
            ("Pre-release".to_owned(), 2),
            ("Release".to_owned(), 3),
            ("Pre-release".to_owned(), 4),
        ]);
        assert_eq!(
            grouped,
            [
                ("Pre-release".to_owned(), vec![1, 2]),
                ("Release".to_owned(), vec![3]),
                ("Pre-release".to_owned(), vec![4]),
            ]
        );
        assert!(group_sections::<u8>([]).is_empty());
    }
}
