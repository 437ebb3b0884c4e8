//! Reusable view pieces. They render what they are given and never fetch data.

mod channel_chip;
mod drift_report;
mod escapable_text;
mod incident_list;
mod layout;
mod maintainer_tools;
mod not_found;
mod progress_bar;
mod refused;
mod relative_time;
mod subscribe_box;
mod support_timeline;
mod sync_status;

pub use channel_chip::ChannelChip;
pub use drift_report::DriftReport;
pub use escapable_text::{escapable_text, PageTitle};
pub use incident_list::IncidentList;
pub use layout::{SiteFooter, SiteHeader};
pub use maintainer_tools::MaintainerTools;
pub use not_found::NotFound;
pub use progress_bar::ProgressBar;
pub use refused::Refused;
pub use relative_time::RelativeTime;
pub use subscribe_box::{LineChoices, SubscribeBox, SubscribePanel, TopicChoices};
pub use support_timeline::{phase_class, phase_label, SupportTimeline};
pub use sync_status::SyncStatus;
