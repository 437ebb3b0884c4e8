use leptos::prelude::*;

use crate::domain::checklist::Progress;

/// A bar of settled items (done, then skipped) with the count beside it.
#[component]
pub fn ProgressBar(progress: Progress, label: String) -> impl IntoView {
    let settled = progress.done + progress.skipped;
    let share = |n: usize| match progress.total {
        0 => 0.0,
        total => n as f64 * 100.0 / total as f64,
    };
    let text = format!("{settled} of {} done or skipped", progress.total);
    view! {
        <div class="progress">
            <div
                class="progress-track"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax=progress.total
                aria-valuenow=settled
                aria-valuetext=text.clone()
            >
                // SVG attributes, not inline styles: the content security policy forbids those.
                <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="progress-done" x="0" y="0" height="10" width=format!("{:.1}", share(progress.done))/>
                    <rect
                        class="progress-skipped"
                        x=format!("{:.1}", share(progress.done))
                        y="0"
                        height="10"
                        width=format!("{:.1}", share(progress.skipped))
                    />
                </svg>
            </div>
            <span class="progress-text">{text}</span>
        </div>
    }
}
