use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{
        plans::PublishRelease,
        versions::{get_version, Restore, Withdraw},
    },
    components::{
        escapable_text, phase_class, ChannelChip, IncidentList, MaintainerTools, NotFound,
        PageTitle, RelativeTime,
    },
    domain::{
        history::train_target,
        size::human_size,
        support::{CheckPhase, Phase},
    },
    model::{
        refusal::refusal_message,
        versions::{VersionPage, VersionRef},
    },
    pages::{
        checklist::{VersionChecklist, VersionChecklistData},
        evidence::EvidencePanel,
    },
};

/// `/{owner}/{repo}/v/{version}`: one version's notes, channel, support phase and neighbours.
#[component]
pub fn VersionPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let version = move || params.read().get("version").unwrap_or_default();
    let withdraw = ServerAction::<Withdraw>::new();
    let restore = ServerAction::<Restore>::new();
    let publish = ServerAction::<PublishRelease>::new();
    let checklist = VersionChecklistData::new(owner, repo, version);
    let page = page_data(
        move || {
            (
                owner(),
                repo(),
                version(),
                withdraw.version().get(),
                // A refused withdrawal may not bump the version; its value changes.
                withdraw.value().get(),
                restore.version().get(),
                publish.version().get(),
                publish.value().get(),
            )
        },
        |(owner, repo, version, ..)| {
            get_version(VersionRef {
                owner,
                repo,
                version,
            })
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the version…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <VersionView page withdraw restore publish checklist/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("{}/{} has no version {}.", owner(), repo(), version())/>
                    }.into_any(),
                    Err(err) => view! { <NotFound what=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VersionView(
    page: VersionPage,
    withdraw: ServerAction<Withdraw>,
    restore: ServerAction<Restore>,
    publish: ServerAction<PublishRelease>,
    checklist: VersionChecklistData,
) -> impl IntoView {
    let VersionPage {
        owner,
        name,
        tag,
        version,
        channel,
        line,
        released_at,
        title,
        notes_html,
        changelog,
        html_url,
        assets,
        has_release,
        check,
        withdrawal,
        previous,
        next,
        generated_at,
        maintainer,
        refusal: page_refusal,
        publish_refusal,
        incidents,
        site,
        evidence,
        ..
    } = page;
    let badge_path = format!("/badge/{owner}/{name}/{tag}.svg");
    let badge_markdown = badge_markdown(&site, &owner, &name, &tag);
    let withdrawn = withdrawal.is_some();
    let compare_link = previous.clone().map(|older| {
        let href = format!("/{owner}/{name}/compare/{older}...{tag}");
        view! { <a href=href>"What changed since " <span class="mono">{older}</span></a> }
    });
    let form_owner = owner.clone();
    let form_name = name.clone();
    let form_tag = tag.clone();
    let (publish_owner, publish_name, publish_tag) = (owner.clone(), name.clone(), tag.clone());
    // Hydrated, the action says why; after a plain form post, the page does, once.
    let (typed_reason, typed_superseded_by, kept_refusal) = match page_refusal {
        Some(r) => (r.reason, r.superseded_by, Some(r.message)),
        None => Default::default(),
    };
    let refused_before = kept_refusal.is_some();
    // The browser unfolds the form for a #withdraw-form address it loads; the app's own
    // navigation (a click here, or a link from an incident) does not, so it unfolds it itself.
    let withdraw_fold = NodeRef::<leptos::html::Details>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        if location.hash.get() == "#withdraw-form" {
            unfold(withdraw_fold);
        }
    });
    let refusal = move || {
        let message = match withdraw.value().get() {
            Some(Err(err)) => Some(refusal_message(&err)),
            Some(Ok(())) => None,
            None => kept_refusal.clone(),
        };
        message.map(|message| view! { <p class="error" role="alert">{message}</p> })
    };
    let base = format!("/{owner}/{name}");
    let (phase_text, phase) = match check.phase {
        CheckPhase::Full => ("In full support".to_owned(), Some(Phase::Full)),
        CheckPhase::Security => (
            check.eol.map_or("Security fixes only".to_owned(), |eol| {
                format!("Security fixes only, until {eol}")
            }),
            Some(Phase::Security),
        ),
        CheckPhase::Eol => ("End of life: no more fixes".to_owned(), Some(Phase::Eol)),
        CheckPhase::Prerelease => ("A pre-release".to_owned(), None),
        CheckPhase::Withdrawn => ("Withdrawn".to_owned(), Some(Phase::Eol)),
        CheckPhase::Unknown => ("Not in a supported line".to_owned(), None),
    };
    let upgrade = check.recommended.filter(|_| check.upgrade_recommended);
    let neighbour = move |tag: Option<String>, rel: &'static str, label: &'static str| {
        tag.map(|tag| {
            let href = format!("/{owner}/{name}/v/{tag}");
            view! { <a href=href rel=rel>{label} " " <span class="mono">{tag}</span></a> }
        })
    };
    view! {
        <PageTitle text=format!("{tag} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{page_owner_name(&base)}</a>
        </nav>
        <header class="page-header">
            <h1 class="mono">{tag.clone()}</h1>
            <p class="description">{title}</p>
            <p class="facts-line">
                <ChannelChip channel ended=matches!(check.phase, CheckPhase::Eol | CheckPhase::Withdrawn)/>
                " for " {channel.environment()} " · line " <span class="mono">{line}</span>
                {released_at.map(|at| view! { " · released " <RelativeTime at now=generated_at/> })}
                " · " <a href=format!("{base}/trains/{}", train_target(&version))>"the " {train_target(&version).to_owned()} " train"</a>
            </p>
            <p class=format!("support-phase {}", phase.map_or("none", phase_class))>
                {phase_text}
                {upgrade.map(|v| view! { " · upgrade to " <a href=format!("{base}/v/{v}")>{v.to_string()}</a> })}
                " · " <a href=format!("{base}/support")>"support windows"</a>
            </p>
            {maintainer.then(|| view! {
                <MaintainerTools base=base.clone()>
                    <a href="#checklist-title">"This version's checklist"</a>
                    {if withdrawn {
                        view! { <a href="#restore-title">"Restore this version"</a> }.into_any()
                    } else {
                        view! { <a href="#withdraw-form" on:click=move |_| unfold(withdraw_fold)>"Withdraw this version"</a> }.into_any()
                    }}
                </MaintainerTools>
            })}
        </header>
        {(!incidents.open.is_empty()).then(|| view! {
            <section class="incident-banner" role="alert" aria-labelledby="incidents-title">
                <h2 id="incidents-title">"Known problems with this version"</h2>
                <IncidentList base=format!("{base}/") incidents=incidents.open label="Open incidents"/>
            </section>
        })}
        {(!incidents.resolved.is_empty()).then(|| view! {
            <section class="incident-banner past" aria-labelledby="past-incidents-title">
                <h2 id="past-incidents-title">"Fixed problems that affect this version"</h2>
                <IncidentList base=format!("{base}/") incidents=incidents.resolved label="Resolved incidents"/>
            </section>
        })}
        {withdrawal.map(|w| view! {
            <section class="withdrawn" role="alert" aria-labelledby="withdrawn-title">
                <h2 id="withdrawn-title">"Withdrawn: do not use this version"</h2>
                <p>{w.reason}</p>
                {w.superseded_by.map(|v| view! {
                    <p>"Use " <a href=format!("/{}/v/{v}", page_owner_name(&base))>{v.clone()}</a> " instead."</p>
                })}
                <p class="hint">"Withdrawn by " {w.withdrawn_by} " " <RelativeTime at=w.withdrawn_at now=generated_at/> "."</p>
            </section>
        })}
        <article class="notes" aria-labelledby="notes-title">
            <h2 id="notes-title">"Release notes"</h2>
            {if has_release && !notes_html.is_empty() {
                view! { <div class="notes-body" inner_html=notes_html></div> }.into_any()
            } else {
                view! { <p class="muted">"No release notes: this version is a bare tag."</p> }.into_any()
            }}
        </article>
        {(!assets.is_empty()).then(|| view! {
            <section class="assets" aria-labelledby="assets-title">
                <h2 id="assets-title">{format!("Assets ({})", assets.len())}</h2>
                <ul>
                    {assets.into_iter().map(|asset| view! {
                        <li>
                            <a href=asset.download_url class="mono">{asset.name}</a>
                            <span class="muted">" · " {human_size(asset.size)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {changelog.map(|section| view! {
            <article class="notes changelog" aria-labelledby="changelog-title">
                <h2 id="changelog-title">"From CHANGELOG.md"</h2>
                <div class="notes-body" inner_html=section.html></div>
            </article>
        })}
        <VersionChecklist data=checklist/>
        {evidence.map(|evidence| view! { <EvidencePanel evidence now=generated_at/> })}
        <nav class="neighbours" aria-label="Other versions">
            {compare_link}
            {neighbour(previous, "prev", "Older:")}
            {neighbour(next, "next", "Newer:")}
        </nav>
        {(!html_url.is_empty()).then(|| view! { <p class="hint"><a href=html_url>"This release on GitHub"</a></p> })}
        {(maintainer && !has_release).then(|| view! {
            <section class="panel" aria-labelledby="publish-title">
                <h2 id="publish-title">"Publish the GitHub release"</h2>
                <p class="hint">"The notes come from CHANGELOG.md, else from the plan's draft; a pre-release by channel."</p>
                {publish_refusal.map(|message| view! { <p class="error" role="alert">{message}</p> })}
                <ActionForm action=publish attr:class="stacked-form" attr:id="publish">
                    <input type="hidden" name="owner" value=publish_owner/>
                    <input type="hidden" name="repo" value=publish_name/>
                    <input type="hidden" name="version" value=publish_tag.clone()/>
                    <label for="publish-reason">"Reason to publish while pre-release items are open (logged)"</label>
                    <textarea id="publish-reason" name="reason" rows="2"></textarea>
                    <button type="submit">"Publish " {publish_tag.clone()}</button>
                </ActionForm>
            </section>
        })}
        {maintainer.then(|| if withdrawn {
            view! {
            <section class="panel" aria-labelledby="restore-title">
                <h2 id="restore-title">"Restore this version"</h2>
                <p class="hint">"It will count as released again, in every list and answer."</p>
                <ActionForm action=restore>
                    <input type="hidden" name="owner" value=form_owner.clone()/>
                    <input type="hidden" name="repo" value=form_name.clone()/>
                    <input type="hidden" name="version" value=form_tag.clone()/>
                    <button type="submit">"Restore " {form_tag.clone()}</button>
                </ActionForm>
            </section>
            }.into_any()
        } else {
            view! {
            <section class="panel" aria-labelledby="withdraw-title">
                <h2 id="withdraw-title">"Withdraw this version"</h2>
                <p class="hint">"For a broken or insecure release: it stays in the history, flagged everywhere, and is never recommended."</p>
                // Folded: a rare act, kept out of the way until asked for; open again to show
                // why a withdrawal was refused. A link to #withdraw-form unfolds it.
                <details class="fold" open=refused_before node_ref=withdraw_fold>
                    <summary>"Withdraw " {form_tag.clone()} "…"</summary>
                    <div id="withdraw-form">
                        <ActionForm action=withdraw attr:class="stacked-form">
                            <input type="hidden" name="owner" value=form_owner.clone()/>
                            <input type="hidden" name="repo" value=form_name.clone()/>
                            <input type="hidden" name="version" value=form_tag.clone()/>
                            <label for="reason">"Why"</label>
                            <textarea id="reason" name="reason" required maxlength="2000" rows="3">{escapable_text(typed_reason.clone())}</textarea>
                            <label for="superseded_by">"Use this version instead (optional)"</label>
                            <input id="superseded_by" name="superseded_by" placeholder="e.g. v2.3.3" value=typed_superseded_by.clone()/>
                            <button type="submit" class="danger">"Withdraw " {form_tag.clone()}</button>
                        </ActionForm>
                        {refusal}
                    </div>
                </details>
            </section>
            }.into_any()
        })}
        <section class="badge-panel" aria-labelledby="badge-title">
            <h2 id="badge-title">"Support badge"</h2>
            <p>
                <img src=badge_path.clone() alt=format!("Support status of {tag}") height="20"/>
            </p>
            <label for="badge-markdown">"Markdown for a README"</label>
            <input id="badge-markdown" class="mono" readonly value=badge_markdown/>
        </section>
    }
}

fn unfold(fold: NodeRef<leptos::html::Details>) {
    if let Some(details) = fold.get_untracked() {
        details.set_open(true);
    }
}

/// A README badge for a version: an image linking to its page, at the site's address (a path
/// from the root when the address is not known, as in an export without a base address).
fn badge_markdown(site: &str, owner: &str, name: &str, tag: &str) -> String {
    format!(
        "[![{tag} support]({site}/badge/{owner}/{name}/{tag}.svg)]({site}/{owner}/{name}/v/{tag})"
    )
}

fn page_owner_name(base: &str) -> String {
    base.trim_start_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_links_to_its_version_at_the_sites_address() {
        assert_eq!(
            badge_markdown("https://releases.example.org", "acme", "orbit", "v3.1.1"),
            "[![v3.1.1 support](https://releases.example.org/badge/acme/orbit/v3.1.1.svg)](https://releases.example.org/acme/orbit/v/v3.1.1)"
        );
        assert_eq!(
            badge_markdown("", "acme", "orbit", "v2.0.0"),
            "[![v2.0.0 support](/badge/acme/orbit/v2.0.0.svg)](/acme/orbit/v/v2.0.0)"
        );
    }
}
