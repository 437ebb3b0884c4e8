use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::domain::dates::{long_date, relative_date};

/// "3 days ago", with the exact date on hover and for machines.
#[component]
pub fn RelativeTime(at: DateTime<Utc>, now: DateTime<Utc>) -> impl IntoView {
    view! {
        <time datetime=at.to_rfc3339() title=long_date(at)>
            {relative_date(at, now)}
        </time>
    }
}
