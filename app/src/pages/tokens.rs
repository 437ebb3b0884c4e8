use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::account::{list_tokens, CreateToken, RevokeToken},
    components::{PageTitle, Refused, RelativeTime},
    model::{
        repositories::RepoRef,
        tokens::{TokenRow, Tokens},
    },
};

/// `/{owner}/{repo}/tokens`: maintainers make and revoke API tokens for CI jobs and bots.
#[component]
pub fn TokensPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = page_data(
        move || {
            (
                owner(),
                repo(),
                create.version().get(),
                revoke.version().get(),
            )
        },
        |(owner, repo, _, _)| list_tokens(RepoRef { owner, repo }),
    );
    view! {
        <PageTitle text="API tokens · Release Desk"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(tokens) => view! { <TokensView tokens create revoke/> }.into_any(),
                    Err(err) => view! { <Refused title="API tokens" err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TokensView(
    tokens: Tokens,
    create: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
) -> impl IntoView {
    let Tokens {
        owner,
        name,
        generated_at,
        tokens,
        just_created,
    } = tokens;
    let history = format!("/{owner}/{name}");
    let rows = {
        let (owner, name) = (owner.clone(), name.clone());
        tokens
            .into_iter()
            .map(move |token| {
                view! { <TokenLine token now=generated_at owner=owner.clone() name=name.clone() revoke/> }
            })
            .collect_view()
    };
    let no_tokens = rows.is_empty();
    let create_error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| view! { <p class="error" role="alert">{err.to_string()}</p> })
    };
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=history.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"API tokens"</h1>
        <p class="lede">
            "Tokens let CI jobs and bots tick checklist items and post incident updates for this "
            "repository. Send one as " <code>"Authorization: Bearer TOKEN"</code> "."
        </p>
        {just_created.map(|token| view! {
            <section class="notice" aria-labelledby="new-token">
                <h2 id="new-token">"Your new token"</h2>
                <p>"Copy it now: it is shown only this once."</p>
                <p><code class="secret" data-testid="new-token">{token}</code></p>
            </section>
        })}
        <section aria-labelledby="create-title" class="panel">
            <h2 id="create-title">"Create a token"</h2>
            <ActionForm action=create attr:class="stacked-form">
                <input type="hidden" name="owner" value=owner.clone()/>
                <input type="hidden" name="repo" value=name.clone()/>
                <label for="token-label">"Name"</label>
                <input id="token-label" name="label" required maxlength="100" placeholder="release workflow"/>
                <fieldset>
                    <legend>"May change"</legend>
                    <label><input type="checkbox" name="checklists" checked/>" checklists"</label>
                    <label><input type="checkbox" name="incidents"/>" incidents"</label>
                    <label><input type="checkbox" name="releases"/>" releases"</label>
                </fieldset>
                <button type="submit">"Create token"</button>
            </ActionForm>
            {create_error}
        </section>
        <section aria-labelledby="list-title">
            <h2 id="list-title">"Tokens"</h2>
            {if no_tokens {
                view! { <p>"No tokens yet."</p> }.into_any()
            } else {
                view! {
                    <table class="tokens stack">
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Scopes"</th>
                                <th scope="col">"Token"</th>
                                <th scope="col">"Created"</th>
                                <th scope="col">"Last used"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn TokenLine(
    token: TokenRow,
    now: chrono::DateTime<chrono::Utc>,
    owner: String,
    name: String,
    revoke: ServerAction<RevokeToken>,
) -> impl IntoView {
    let revoked = token.revoked_at;
    view! {
        <tr class:revoked=revoked.is_some()>
            <td data-label="Name">{token.label}</td>
            <td data-label="Scopes">{token.scopes}</td>
            <td data-label="Token"><span class="mono">"rdk_…" {token.hint.clone()}</span><span class="visually-hidden">{format!(", the token ending in {}", token.hint)}</span></td>
            <td data-label="Created"><RelativeTime at=token.created_at now/> " by " {token.created_by}</td>
            <td data-label="Last used">
                {match token.last_used_at {
                    Some(at) => view! { <RelativeTime at now/> }.into_any(),
                    None => "never".into_any(),
                }}
            </td>
            <td>
                {match revoked {
                    Some(at) => view! { <span>"revoked " <RelativeTime at now/></span> }.into_any(),
                    None => view! {
                        <ActionForm action=revoke>
                            <input type="hidden" name="owner" value=owner/>
                            <input type="hidden" name="repo" value=name/>
                            <input type="hidden" name="id" value=token.id/>
                            <button type="submit" class="danger">"Revoke"</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}
