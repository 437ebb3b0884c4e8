use leptos::prelude::*;

use crate::domain::version::Channel;

/// A small coloured label naming a version's channel; the text, not the colour, carries it.
/// `ended`: the version's line is past its end of life (or the version withdrawn), so the
/// chip is grey rather than the channel's colour, which would read as a recommendation.
#[component]
pub fn ChannelChip(channel: Channel, #[prop(optional)] ended: bool) -> impl IntoView {
    let hint = if ended {
        format!("{}, no longer supported", channel.label())
    } else {
        format!("{}, meant for {}", channel.label(), channel.environment())
    };
    view! {
        <span class=format!("chip chip-{channel}") class:ended=ended title=hint>
            {channel.as_str()}
        </span>
    }
}
