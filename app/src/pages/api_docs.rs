use leptos::prelude::*;

use crate::pages::data::page_data;
use crate::{
    api::docs::get_api_description,
    components::PageTitle,
    domain::api_description::{code_spans, ApiDescription, ApiGroup, Operation, SchemaInfo},
};

/// Prose from the description, its `code` set as code.
#[component]
fn Prose(text: String) -> impl IntoView {
    code_spans(&text)
        .into_iter()
        .map(|(piece, code)| {
            if code {
                view! { <code>{piece}</code> }.into_any()
            } else {
                piece.into_any()
            }
        })
        .collect_view()
}

/// `/api/docs`: the REST API, rendered here from its OpenAPI description; nothing is loaded
/// from elsewhere.
#[component]
pub fn ApiDocsPage() -> impl IntoView {
    let description = page_data(|| (), |_| get_api_description());
    view! {
        <PageTitle text="REST API · Release Desk"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the API description…"</p> }>
            {move || Suspend::new(async move {
                match description.await {
                    Ok(api) => view! { <ApiDocs api/> }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ApiDocs(api: ApiDescription) -> impl IntoView {
    let ApiDescription {
        title,
        description,
        openapi,
        groups,
        schemas,
    } = api;
    view! {
        <header class="page-header">
            <h1>{title} " REST API"</h1>
            <p class="description"><Prose text=description/></p>
            <p>
                "The machine-readable description: "
                <a href="/api/openapi.json" class="mono">"/api/openapi.json"</a>
                {format!(" (OpenAPI {openapi}).")}
            </p>
        </header>
        <nav class="api-contents" aria-label="API sections">
            <ul>
                {groups.iter().map(|g| view! {
                    <li><a href=format!("#{}", anchor(&g.tag))>{g.tag.clone()}</a></li>
                }).collect_view()}
                <li><a href="#schemas">"Shapes"</a></li>
            </ul>
        </nav>
        {groups.into_iter().map(|group| view! { <Group group/> }.into_any()).collect_view()}
        <section class="api-group" aria-labelledby="schemas">
            <h2 id="schemas">"Shapes"</h2>
            {schemas.into_iter().map(|schema| view! { <Schema schema/> }.into_any()).collect_view()}
        </section>
    }
}

fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

#[component]
fn Group(group: ApiGroup) -> impl IntoView {
    let id = anchor(&group.tag);
    let labelled_by = id.clone();
    view! {
        <section class="api-group" aria-labelledby=labelled_by>
            <h2 id=id>{group.tag}</h2>
            <p class="muted"><Prose text=group.description/></p>
            {group.operations.into_iter().map(|operation| view! { <OperationView operation/> }.into_any()).collect_view()}
        </section>
    }
}

#[component]
fn OperationView(operation: Operation) -> impl IntoView {
    let Operation {
        method,
        path,
        summary,
        parameters,
        request_body,
        responses,
    } = operation;
    let method_class = format!("method method-{}", method.to_lowercase());
    view! {
        <article class="operation">
            <h3><span class=method_class>{method}</span> " " <code>{path}</code></h3>
            <p><Prose text=summary/></p>
            {(!parameters.is_empty()).then(|| view! {
                <table class="api-table">
                    <caption class="visually-hidden">"Parameters"</caption>
                    <thead><tr><th scope="col">"Parameter"</th><th scope="col">"In"</th><th scope="col">"Description"</th><th scope="col">"Example"</th></tr></thead>
                    <tbody>
                        {parameters.into_iter().map(|p| view! {
                            <tr>
                                <th scope="row"><code>{p.name}</code>{p.required.then_some(" (required)")}</th>
                                <td>{p.location}</td>
                                <td><Prose text=p.description/></td>
                                <td><code>{p.example}</code></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {request_body.map(|body| view! { <p>"Body: " <code>{body}</code></p> })}
            <dl class="responses">
                {responses.into_iter().map(|r| view! {
                    <div>
                        <dt><code>{r.status}</code></dt>
                        <dd><Prose text=r.description/> {r.content.map(|c| view! { " · " <code>{c}</code> })}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </article>
    }
}

#[component]
fn Schema(schema: SchemaInfo) -> impl IntoView {
    let SchemaInfo {
        name,
        description,
        fields,
        values,
    } = schema;
    let id = format!("schema-{name}");
    view! {
        <details class="schema" id=id>
            <summary><code>{name}</code> " " <span class="muted"><Prose text=description/></span></summary>
            {(!values.is_empty()).then(|| view! { <p>"One of: " <code>{values.join(", ")}</code></p> })}
            {(!fields.is_empty()).then(|| view! {
                <table class="api-table">
                    <caption class="visually-hidden">"Fields"</caption>
                    <thead><tr><th scope="col">"Field"</th><th scope="col">"Type"</th><th scope="col">"Description"</th></tr></thead>
                    <tbody>
                        {fields.into_iter().map(|f| view! {
                            <tr>
                                <th scope="row"><code>{f.name}</code>{(!f.required).then_some(" (optional)")}</th>
                                <td><code>{f.kind}</code></td>
                                <td><Prose text=f.description/></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </details>
    }
}
