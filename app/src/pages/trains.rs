//! `/{owner}/{repo}/trains/{x.y.z}`: a release from its first pre-release to stable.

use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::trains::get_train,
    components::{ChannelChip, NotFound, PageTitle, Refused},
    domain::train::Promotion,
    model::trains::{TrainPage, TrainRef},
};

#[component]
pub fn TrainPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let train = move || params.read().get("train").unwrap_or_default();
    let page = page_data(
        move || (owner(), repo(), train()),
        |(owner, repo, train)| get_train(TrainRef { owner, repo, train }),
    );
    view! {
        <PageTitle text="Release train · Release Desk"/>
        <Transition fallback=|| view! { <p class="loading">"Loading the train…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Train page/> }.into_any(),
                    Ok(None) => view! { <NotFound what=format!("{}/{} has no such train.", owner(), repo())/> }.into_any(),
                    Err(err) => view! { <Refused title="Release train" err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Train(page: TrainPage) -> impl IntoView {
    let TrainPage {
        owner,
        name,
        train,
        stages,
        incidents,
        candidate,
        stable,
        promotion,
    } = page;
    let base = format!("/{owner}/{name}");
    let rows = stages
        .into_iter()
        .map(|stage| {
            let href = format!("{base}/v/{}", stage.tag);
            let date = stage.released_at.map(|at| {
                view! { <time datetime=at.to_rfc3339()>{at.format("%-d %B %Y").to_string()}</time> }
            });
            let soak = match (stage.soak, stage.soaking) {
                (Some(soak), true) => format!("{soak}, still soaking"),
                (Some(soak), false) => soak,
                (None, _) => "—".to_owned(),
            };
            view! {
                <tr>
                    <th scope="row"><a class="mono" href=href>{stage.tag}</a></th>
                    <td data-label="Channel"><ChannelChip channel=stage.channel ended=false/></td>
                    <td data-label="Released">{date}</td>
                    <td data-label="Soaked">{soak}</td>
                </tr>
            }
        })
        .collect_view();
    let build = match (promotion, candidate, stable) {
        (Promotion::SameBuild, Some(rc), Some(release)) => {
            format!("{release} ships the very files of {rc}: every digest matches.")
        }
        (Promotion::Rebuilt, Some(rc), Some(release)) => {
            format!("{release} was built again: its files' digests differ from {rc}'s.")
        }
        (_, Some(rc), Some(release)) => {
            format!("Whether {release} ships {rc}'s files is unknown: not every file has a digest.")
        }
        (_, None, Some(_)) => "No release candidate preceded the stable release.".to_owned(),
        (_, _, None) => "No stable release yet.".to_owned(),
    };
    let incident_list = if incidents.is_empty() {
        view! { <p>"No incident was opened while this train ran."</p> }.into_any()
    } else {
        view! {
            <ul>
                {incidents.into_iter().map(|incident| view! {
                    <li>
                        <a href=format!("{base}/incidents/{}", incident.id)>{incident.title}</a>
                        " · opened " <time datetime=incident.created_at.to_rfc3339()>{incident.created_at.format("%-d %B %Y").to_string()}</time>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"The " <span class="mono">{train.clone()}</span> " train"</h1>
        <table class="train stack">
            <caption>"From the first pre-release to the release, and how long each stage soaked"</caption>
            <thead><tr><th scope="col">"Version"</th><th scope="col">"Channel"</th><th scope="col">"Released"</th><th scope="col">"Soaked"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>"The build"</h2>
        <p id="promotion">{build}</p>
        <h2>"Incidents during the train"</h2>
        {incident_list}
    }
}
