use leptos::prelude::*;

use crate::domain::{
    support::Phase,
    timeline::{Timeline, AXIS_HEIGHT, LABEL_WIDTH, WIDTH},
};

pub fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::Full => "full",
        Phase::Security => "security",
        Phase::Eol => "eol",
    }
}

pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Full => "Full support",
        Phase::Security => "Security fixes",
        Phase::Eol => "End of life",
    }
}

/// The support timeline as SVG, drawn on the server: a bar per line coloured by phase, year
/// ticks and today's marker. The table beside it carries the same facts for screen readers.
#[component]
pub fn SupportTimeline(timeline: Timeline) -> impl IntoView {
    let Timeline {
        height,
        rows,
        today_x,
        ticks,
        planned,
    } = timeline;
    // The markers' words, for everyone: the drawing's titles reach only some screen readers.
    let planned_words: Vec<String> = planned.iter().map(|plan| plan.label.clone()).collect();
    view! {
        <figure class="timeline">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby="timeline-title">
                <title id="timeline-title">"Support timeline: each line's full support, security fixes and end of life"</title>
                {ticks.into_iter().map(|tick| view! {
                    <line class="tick" x1=tick.x x2=tick.x y1=AXIS_HEIGHT - 6.0 y2=height/>
                    <text class="tick-label" x=tick.x y="14" text-anchor="middle">{tick.label}</text>
                }).collect_view()}
                {rows.into_iter().map(|row| {
                    let y = row.y;
                    view! {
                        <text class="row-label" x="0" y=y + 21.0>{row.label}</text>
                        {row.segments.into_iter().map(|segment| view! {
                            <rect
                                class=format!("segment {}", phase_class(segment.phase))
                                x=segment.x y=y + 6.0 width=segment.width height="22" rx="4"
                            >
                                <title>{segment.title}</title>
                            </rect>
                        }).collect_view()}
                    }
                }).collect_view()}
                {planned.into_iter().map(|plan| view! {
                    <g class="planned">
                        <title>{plan.label.clone()}</title>
                        <line class="planned-marker" x1=plan.x x2=plan.x y1=AXIS_HEIGHT - 2.0 y2=height - 16.0/>
                        <circle class="planned-dot" cx=plan.x cy=AXIS_HEIGHT + 4.0 r="4"/>
                    </g>
                }).collect_view()}
                <line class="today" x1=today_x x2=today_x y1=AXIS_HEIGHT - 2.0 y2=height - 16.0/>
                <text class="today-label" x=today_x y=height - 3.0 text-anchor="middle">"today"</text>
                <line class="axis" x1=LABEL_WIDTH x2=WIDTH y1=AXIS_HEIGHT - 2.0 y2=AXIS_HEIGHT - 2.0/>
            </svg>
            <figcaption class="legend">
                {[Phase::Full, Phase::Security, Phase::Eol].into_iter().map(|phase| view! {
                    <span class=format!("key {}", phase_class(phase))>{phase_label(phase)}</span>
                }).collect_view()}
                {planned_words.into_iter().map(|words| view! { <span class="key planned-key">{words}</span> }).collect_view()}
            </figcaption>
        </figure>
    }
}
