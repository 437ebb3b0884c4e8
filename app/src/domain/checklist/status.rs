//! What a checklist shows beside each item's text, and how items group under their sections.

use chrono::{DateTime, Utc};

use super::{
    due_at,
    evidence::{evaluate, Basis, Evidence, Facts},
    is_overdue, ItemState,
};

/// Who set an item's state last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetBy {
    /// Nobody: it is as the template made it.
    Nobody,
    /// A person (or their API token): their choice always stands.
    Person,
    /// Evidence ticked it.
    Evidence,
}

/// One item as its status is worked out from.
#[derive(Clone, Copy, Debug)]
pub struct ItemFacts<'a> {
    pub state: ItemState,
    pub set_by: SetBy,
    pub due_minutes: Option<i64>,
    /// The item's evidence rule, as stored.
    pub rule: Option<&'a str>,
}

/// An item's standing beside its text: when it falls due, whether it is overdue, what the
/// evidence shows, and what that means for its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemStatus {
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub evidence: Option<Evidence>,
    /// Ticked done by a person while the evidence says otherwise: a warning, never a change.
    pub contradicted: bool,
    /// Ticked by evidence that no longer holds (a re-run failed): for a person to look at.
    pub evidence_changed: bool,
    /// Evidence proves an item nobody has set: tick it, relying on this reading.
    pub tick: Option<Basis>,
}

impl ItemStatus {
    /// `due_from` is where the checklist's due offsets count from (`due_base`).
    pub fn of(
        item: &ItemFacts<'_>,
        due_from: Option<DateTime<Utc>>,
        facts: &Facts,
        now: DateTime<Utc>,
    ) -> ItemStatus {
        let due = due_at(due_from, item.due_minutes);
        let judged = item.rule.and_then(|rule| evaluate(rule, facts));
        let disproved = judged
            .as_ref()
            .is_some_and(|j| !j.evidence.found && !j.evidence.pending);
        let done = item.state == ItemState::Done;
        ItemStatus {
            due_at: due,
            overdue: is_overdue(item.state, due, now),
            contradicted: done && item.set_by == SetBy::Person && disproved,
            evidence_changed: done && item.set_by == SetBy::Evidence && disproved,
            tick: judged
                .as_ref()
                .and_then(|j| j.basis)
                .filter(|_| item.state == ItemState::Open && item.set_by == SetBy::Nobody),
            evidence: judged.map(|j| j.evidence),
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

    fn item(state: ItemState, set_by: SetBy, rule: Option<&str>) -> ItemFacts<'_> {
        ItemFacts {
            state,
            set_by,
            due_minutes: Some(60),
            rule,
        }
    }

    #[test]
    fn an_item_falls_due_after_its_offset_and_is_overdue_only_while_open() {
        let released = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single();
        let now = released.map(|r| r + Duration::hours(2)).expect("a time");
        let facts = Facts::default();
        let open = ItemStatus::of(
            &item(ItemState::Open, SetBy::Nobody, None),
            released,
            &facts,
            now,
        );
        assert_eq!(open.due_at, released.map(|r| r + Duration::hours(1)));
        assert!(open.overdue);
        assert!(!open.contradicted);
        let done = ItemStatus::of(
            &item(ItemState::Done, SetBy::Person, None),
            released,
            &facts,
            now,
        );
        assert!(!done.overdue);
        let unreleased = ItemStatus::of(
            &item(ItemState::Open, SetBy::Nobody, None),
            None,
            &facts,
            now,
        );
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
        let rule = Some("release");
        let done = ItemStatus::of(
            &item(ItemState::Done, SetBy::Person, rule),
            None,
            &facts,
            now,
        );
        assert!(done.evidence.as_ref().is_some_and(|e| !e.found), "{done:?}");
        assert!(done.contradicted && !done.evidence_changed);
        let open = ItemStatus::of(
            &item(ItemState::Open, SetBy::Nobody, rule),
            None,
            &facts,
            now,
        );
        assert!(!open.contradicted && open.tick.is_none());
        let verified = ItemStatus::of(
            &item(ItemState::Done, SetBy::Evidence, rule),
            None,
            &facts,
            now,
        );
        assert!(verified.evidence_changed && !verified.contradicted);
    }

    #[test]
    fn proved_evidence_ticks_only_what_nobody_set() {
        let published = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single();
        let facts = Facts {
            tag: "v1.0.0".to_owned(),
            published_at: published,
            ..Facts::default()
        };
        let now = Utc::now();
        let rule = Some("release");
        let untouched = ItemStatus::of(
            &item(ItemState::Open, SetBy::Nobody, rule),
            None,
            &facts,
            now,
        );
        let basis = untouched.tick.expect("ticks");
        assert_eq!(Some(basis.captured_at), published);
        for set_by in [SetBy::Person, SetBy::Evidence] {
            let reopened = ItemStatus::of(&item(ItemState::Open, set_by, rule), None, &facts, now);
            assert_eq!(reopened.tick, None, "{set_by:?}: a person's choice stands");
        }
        let skipped = ItemStatus::of(
            &item(ItemState::Skipped, SetBy::Person, rule),
            None,
            &facts,
            now,
        );
        assert_eq!(skipped.tick, None);
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
