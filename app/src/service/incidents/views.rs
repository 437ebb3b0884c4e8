//! Stored incidents as pages and the REST API show them, their text rendered as safe HTML.

use crate::{
    domain::incident::{IncidentInput, Severity, Status},
    markdown,
    model::incidents::{IncidentView, UpdateView},
    store::incidents::{IncidentRecord, UpdateRecord},
};

/// An incident with each text field as typed and as sanitised HTML.
pub fn incident_view(record: IncidentRecord) -> IncidentView {
    let input = IncidentInput {
        title: record.title.clone(),
        issue: record.issue,
        impact: record.impact,
        status: record.status.clone(),
        workaround: record.workaround,
        timeline: record.timeline,
        action: record.action,
        severity: record.severity.clone(),
        affected: record.affected.clone(),
        fixed_in: record.fixed_in.clone().unwrap_or_default(),
    };
    let sections = [
        ("Issue", &input.issue),
        ("Impact", &input.impact),
        ("Workaround", &input.workaround),
        ("Timeline", &input.timeline),
        ("What to do", &input.action),
    ]
    .into_iter()
    .filter(|(_, text)| !text.trim().is_empty())
    .map(|(label, text)| (label.to_owned(), markdown::render(text)))
    .collect();
    IncidentView {
        id: record.id,
        title: record.title,
        status: Status::parse(&record.status).unwrap_or(Status::Investigating),
        severity: Severity::parse(&record.severity).unwrap_or(Severity::Major),
        affected: record.affected,
        fixed_in: record.fixed_in,
        published: record.published,
        published_at: record.published_at,
        resolved_at: record.resolved_at,
        created_by: record.created_by,
        created_at: record.created_at,
        updated_at: record.updated_at,
        input,
        sections,
    }
}

/// One entry of an incident's timeline.
pub fn update_view(record: UpdateRecord) -> UpdateView {
    UpdateView {
        id: record.id,
        status: Status::parse(&record.status).unwrap_or(Status::Investigating),
        message_html: markdown::render(&record.message),
        message: record.message,
        author: record.author,
        created_at: record.created_at,
    }
}
