//! Per-version checklists: starting them when versions appear, reading them with due times and
//! evidence, changing items, the open items of a repository, and editing templates.

mod change;
mod load;
mod open_items;
mod start;
mod templates;

pub use self::{
    change::{change_item, ChangeRequest, Stale},
    load::load,
    open_items::open_items,
    start::{current_template, start_by_hand, start_new_versions, start_planned, template_for},
    templates::{editor, parse_kind, save_template},
};
