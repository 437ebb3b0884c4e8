use leptos::prelude::*;

use crate::domain::version::Channel;

/// A small coloured label naming a version's channel; the text, not the colour, carries it.
#[component]
pub fn ChannelChip(channel: Channel) -> impl IntoView {
    let hint = format!("{}, meant for {}", channel.label(), channel.environment());
    view! { <span class=format!("chip chip-{channel}") title=hint>{channel.as_str()}</span> }
}
