//! `/{owner}/{repo}/checklists/templates/{kind}`: the template editor.

use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::checklists::{get_template, SaveTemplate},
    components::{escapable_text, PageTitle, Refused},
    model::{
        checklists::{TemplateEditor, TemplateRef},
        refusal::refusal_message,
    },
};

/// `/{owner}/{repo}/checklists/templates/{kind}`: maintainers edit a template's text.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let kind = move || params.read().get("kind").unwrap_or_default();
    let save = ServerAction::<SaveTemplate>::new();
    let page = page_data(
        move || {
            (
                owner(),
                repo(),
                kind(),
                save.version().get(),
                save.value().get(),
            )
        },
        |(owner, repo, kind, _, _)| get_template(TemplateRef { owner, repo, kind }),
    );
    view! {
        <PageTitle text="Checklist template · Release Desk"/>
        <Transition fallback=|| view! { <p class="loading">"Loading the template…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(editor) => view! { <TemplateForm editor save/> }.into_any(),
                    Err(err) => view! { <Refused title="Checklist template" err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TemplateForm(editor: TemplateEditor, save: ServerAction<SaveTemplate>) -> impl IntoView {
    let TemplateEditor {
        owner,
        name,
        kind,
        revision,
        text,
        refusal,
    } = editor;
    let (shown_text, kept) = match refusal {
        Some((message, typed)) => (typed, Some(message)),
        None => (text, None),
    };
    let message = move || {
        match save.value().get() {
        Some(Ok(revision)) => Some(view! {
            <p class="notice saved" role="status">{format!("Saved as revision {revision}. New checklists of this type use it; existing ones keep theirs.")}</p>
        }.into_any()),
        Some(Err(err)) => Some(view! { <p class="error" role="alert">{refusal_message(&err)}</p> }.into_any()),
        None => kept.clone().map(|m| view! { <p class="error" role="alert">{m}</p> }.into_any()),
    }
    };
    let base = format!("/{owner}/{name}");
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
            " / " <a href=format!("{base}/checklists")>"Checklists"</a>
        </nav>
        <h1>{kind.label()} " template"</h1>
        <p class="description">{format!("Revision {revision}.")} " Each save makes a new revision; checklists already made keep the items they were made with."</p>
        {message}
        <ActionForm action=save attr:class="stacked-form panel">
            <input type="hidden" name="owner" value=owner.clone()/>
            <input type="hidden" name="repo" value=name.clone()/>
            <input type="hidden" name="kind" value=kind.as_str()/>
            <input type="hidden" name="revision" value=revision/>
            <label for="template-text">"Sections and items"</label>
            <p class="hint" id="template-help">
                "One " <code>"## Section"</code> " heading per section and one " <code>"- item"</code>
                " per line. Add, remove or reorder lines freely. A final parenthesis sets attributes: "
                <code>"(due 1h)"</code> ", " <code>"(due 1d)"</code> " or " <code>"(due 1w)"</code>
                " after the release date; " <code>"(per maintained line)"</code> " makes one item per other supported line. "
                <code>"(evidence: RULE)"</code> " ticks the item as verified once GitHub proves it; "
                "a person's own choice always wins. Rules: "
                <code>"tag"</code> ", " <code>"release"</code> ", " <code>"changelog"</code> ", "
                <code>"sbom"</code> " or " <code>"signature"</code> " (a file attached), "
                <code>"checks"</code> " (every check run and status green), " <code>"workflows"</code> ", "
                <code>"security"</code> " (no open critical or high alert), "
                <code>"attestation provenance"</code> " or " <code>"attestation sbom for *.tar.gz"</code>
                " (every file, or those matching), " <code>"check coverage >= 80"</code>
                " (a named check or status, with the first number in its description at least 80), "
                <code>"announced"</code> " (the release announcement reached a Slack, Discord or Teams hook)."
            </p>
            <textarea id="template-text" name="text" rows="30" class="mono" aria-describedby="template-help" prop:value=shown_text.clone()>{escapable_text(shown_text.clone())}</textarea>
            <button type="submit">"Save as revision " {revision + 1}</button>
        </ActionForm>
    }
}
