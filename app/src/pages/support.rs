use crate::pages::data::{page_data, PageData};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::support::{check_support, get_support},
    components::{
        phase_class, phase_label, IncidentList, NotFound, PageTitle, SubscribePanel,
        SupportTimeline,
    },
    domain::{
        support::{CheckPhase, LineSupport},
        version::{typed_version, TypedVersion},
    },
    error::AppError,
    model::{
        repositories::RepoRef,
        support::{CheckOutcome, SupportOverview},
        versions::VersionRef,
    },
};

/// The version check's answer to what is typed so far: a question goes to the server only for
/// a whole version.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum CheckAnswer {
    /// The start of a version: keep typing.
    Hint,
    /// Not a version at all, in a person's words.
    NotAVersion(String),
    Checked(Result<CheckOutcome, AppError>),
}

/// `/{owner}/{repo}/support`: which lines are supported, until when, and a version check.
#[component]
pub fn SupportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let support = page_data(
        move || (owner(), repo()),
        |(owner, repo)| get_support(RepoRef { owner, repo }),
    );
    // What is being checked: the query string at first (so the form works without JavaScript),
    // then each keystroke once hydrated.
    let typed = RwSignal::new(query.read_untracked().get("version").unwrap_or_default());
    let check = page_data(
        move || (owner(), repo(), typed.get()),
        |(owner, repo, text)| async move {
            match typed_version(&text) {
                TypedVersion::Empty => None,
                TypedVersion::Partial => Some(CheckAnswer::Hint),
                TypedVersion::Invalid(words) => Some(CheckAnswer::NotAVersion(words)),
                TypedVersion::Complete(_) => Some(CheckAnswer::Checked(
                    check_support(VersionRef {
                        owner,
                        repo,
                        version: text.trim().to_owned(),
                    })
                    .await,
                )),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading support windows…"</p> }>
            {move || Suspend::new(async move {
                match support.await {
                    Ok(Some(overview)) => view! { <SupportView overview typed check/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("Release Desk does not track {}/{}.", owner(), repo())/>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SupportView(
    overview: SupportOverview,
    typed: RwSignal<String>,
    check: PageData<Option<CheckAnswer>>,
) -> impl IntoView {
    let SupportOverview {
        owner,
        name,
        today,
        policy,
        lines,
        timeline,
    } = overview;
    let base = format!("/{owner}/{name}");
    let calendar = format!("{base}/calendar.ics");
    let action = format!("{base}/support");
    view! {
        <PageTitle text=format!("Support · {owner}/{name} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/">"Repositories"</a>
            <span aria-hidden="true">" / "</span>
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <header class="page-header">
            <h1>"Support for " <strong>{name.clone()}</strong></h1>
            <p class="description">
                "The latest major gets full support; the one before gets security fixes for "
                {policy.security_months} " months after its successor ships; older lines get none. "
                "Today is " <time datetime=today.to_string()>{today.to_string()}</time> "."
            </p>
        </header>

        // A static export has no server to ask: `releasedesk export` leaves this out.
        <section class="panel check" aria-labelledby="check-title" data-live-only="">
            <h2 id="check-title">"Check your version"</h2>
            <form method="get" action=action class="inline-form" role="search">
                <label for="version">"Version or tag"</label>
                <input
                    id="version" name="version" placeholder="e.g. v2.3.1" autocomplete="off"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <button type="submit">"Check"</button>
            </form>
            // Its own boundary, so that typing re-renders only the answer, never the input.
            <div aria-live="polite">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        check.await.map(|answer| match answer {
                            CheckAnswer::Hint => view! {
                                <p class="hint">
                                    "Keep typing: a version has three numbers, like 2.3.1, and may end in a pre-release, like 3.2.0-rc.1."
                                </p>
                            }.into_any(),
                            CheckAnswer::NotAVersion(words) => view! { <p class="error" role="alert">{words}</p> }.into_any(),
                            CheckAnswer::Checked(result) => view! { <CheckResult result/> }.into_any(),
                        })
                    })}
                </Transition>
            </div>
        </section>

        <SupportTimeline timeline/>

        <div class="table-wrap">
            <table class="support stack">
                <caption class="visually-hidden">"Support lines, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Line"</th>
                        <th scope="col">"Phase"</th>
                        <th scope="col">"Released"</th>
                        <th scope="col">"Full support until"</th>
                        <th scope="col">"End of life"</th>
                        <th scope="col">"Latest"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|line| view! { <LineRow line/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">
            "Subscribe to these dates: " <a href=calendar>"calendar (iCalendar)"</a>
            ". Machines read them from " <a href=format!("/api/v1/repos/{owner}/{name}/support")>"the API"</a> "."
        </p>
        <SubscribePanel owner=owner.clone() name=name.clone()/>
    }
}

#[component]
fn LineRow(line: LineSupport) -> impl IntoView {
    let date = |d: Option<chrono::NaiveDate>| d.map_or("not yet".to_owned(), |d| d.to_string());
    view! {
        <tr>
            <th scope="row" class="mono">{line.line.to_string()}</th>
            <td data-label="Phase"><span class=format!("phase {}", phase_class(line.phase))>{phase_label(line.phase)}</span></td>
            <td data-label="Released">{line.started.to_string()}</td>
            <td data-label="Full support until">{date(line.eoas)}</td>
            <td data-label="End of life">{date(line.eol)}</td>
            <td class="mono" data-label="Latest">{line.latest.map(|v| v.to_string()).unwrap_or_default()}</td>
        </tr>
        <tr class="explanation">
            <td colspan="6">{line.explanation}</td>
        </tr>
    }
}

#[component]
fn CheckResult(result: Result<CheckOutcome, AppError>) -> impl IntoView {
    match result {
        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
        Ok(CheckOutcome { check, incidents }) => {
            let (class, verdict) = match check.phase {
                CheckPhase::Full => ("full", "is fully supported.".to_owned()),
                CheckPhase::Security => (
                    "security",
                    match check.eol {
                        Some(eol) => format!("gets security fixes only, until {eol}."),
                        None => "gets security fixes only.".to_owned(),
                    },
                ),
                CheckPhase::Eol => (
                    "eol",
                    "has reached its end of life: it gets no fixes.".to_owned(),
                ),
                CheckPhase::Prerelease => (
                    "prerelease",
                    "is a pre-release: for testing, not production.".to_owned(),
                ),
                CheckPhase::Withdrawn => ("eol", "was withdrawn: do not use it.".to_owned()),
                CheckPhase::Unknown => ("unknown", "was never released here.".to_owned()),
            };
            let advice = check
                .recommended
                .filter(|_| check.upgrade_recommended)
                .map(|v| format!(" Upgrade to {v}."));
            view! {
                <p class=format!("verdict {class}") data-testid="verdict">
                    <strong class="mono">{check.version.to_string()}</strong> " " {verdict} {advice}
                </p>
                {(!incidents.open.is_empty()).then(|| view! {
                    <IncidentList base=String::new() incidents=incidents.open label="Open incidents that affect this version"/>
                })}
                {(!incidents.resolved.is_empty()).then(|| view! {
                    <IncidentList base=String::new() incidents=incidents.resolved label="Fixed incidents that affected this version"/>
                })}
            }
            .into_any()
        }
    }
}
