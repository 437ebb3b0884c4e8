use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::settings::{get_settings, SaveSettings},
    components::{PageTitle, Refused},
    model::{
        repositories::RepoRef,
        settings::{Outcome, SettingsPage, SettingsValuesTyped},
    },
};

/// `/{owner}/{repo}/settings`: maintainers change the support policy, tag prefix and product
/// slug. Every date on the support page, in the API and in the feeds follows at once.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let save = ServerAction::<SaveSettings>::new();
    // Read again after each submission, refused ones included: the outcome waits in the session.
    let page = page_data(
        move || (owner(), repo(), save.version().get(), save.value().get()),
        |(owner, repo, _, _)| get_settings(RepoRef { owner, repo }),
    );
    view! {
        <PageTitle text="Settings · Release Desk"/>
        <Transition fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <SettingsForm page save/> }.into_any(),
                    Err(err) => view! { <Refused title="Settings" err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsForm(page: SettingsPage, save: ServerAction<SaveSettings>) -> impl IntoView {
    let SettingsPage {
        owner,
        name,
        values,
        outcome,
    } = page;
    let (typed, problems, saved) = match outcome {
        Some(Outcome::Refused { problems, typed }) => (typed, problems, false),
        other => (
            SettingsValuesTyped {
                security_months: values.security_months.to_string(),
                supported_lines: values.supported_lines.to_string(),
                zero_major_lines: values.zero_major_lines,
                tag_prefix: values.tag_prefix.clone(),
                product: values.product.clone(),
                mirror_withdrawals: values.mirror_withdrawals,
            },
            Default::default(),
            other == Some(Outcome::Saved),
        ),
    };
    let messages = problems.clone();
    let problem = move |field: &str| {
        messages.get(field).cloned().map(|text| {
            let id = format!("{field}-problem");
            view! { <p class="field-problem" id=id>{text}</p> }
        })
    };
    let described = |field: &str, has: bool| has.then(|| format!("{field}-problem"));
    let history = format!("/{owner}/{name}");
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=history.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"Settings"</h1>
        {saved.then(|| view! { <p class="notice saved" role="status">"Saved. Every support date follows the new settings."</p> })}
        {(!problems.is_empty()).then(|| view! {
            <p class="error" role="alert">"Nothing was saved: check the fields marked below."</p>
        })}
        <ActionForm action=save attr:class="stacked-form panel">
            <input type="hidden" name="owner" value=owner.clone()/>
            <input type="hidden" name="repo" value=name.clone()/>

            <label for="security_months">"Security fixes after the next major (months)"</label>
            <input id="security_months" name="security_months" inputmode="numeric" value=typed.security_months
                aria-invalid=problems.contains_key("security_months").to_string()
                aria-describedby=described("security_months", problems.contains_key("security_months"))/>
            {problem("security_months")}

            <label for="supported_lines">"Lines supported at once"</label>
            <input id="supported_lines" name="supported_lines" inputmode="numeric" value=typed.supported_lines
                aria-invalid=problems.contains_key("supported_lines").to_string()
                aria-describedby=described("supported_lines", problems.contains_key("supported_lines"))/>
            {problem("supported_lines")}

            <label class="checkbox">
                <input type="checkbox" name="zero_major_lines" checked=typed.zero_major_lines/>
                " Each 0.y is a line of its own (the 0.x rule)"
            </label>

            <label for="tag_prefix">"Tag prefix"</label>
            <input id="tag_prefix" name="tag_prefix" value=typed.tag_prefix
                aria-invalid=problems.contains_key("tag_prefix").to_string()
                aria-describedby=described("tag_prefix", problems.contains_key("tag_prefix"))/>
            {problem("tag_prefix")}

            <label for="product">"Product slug (endoflife.date API)"</label>
            <input id="product" name="product" value=typed.product placeholder=name.clone()
                aria-invalid=problems.contains_key("product").to_string()
                aria-describedby=described("product", problems.contains_key("product"))/>
            {problem("product")}

            <label class="checkbox">
                <input type="checkbox" name="mirror_withdrawals" checked=typed.mirror_withdrawals/>
                " Mirror withdrawals to GitHub: mark the release pre-release, with a warning on top of its notes (restoring puts both back)"
            </label>

            <button type="submit">"Save settings"</button>
        </ActionForm>
    }
}
