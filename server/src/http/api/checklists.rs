//! A version's checklist: read as JSON or as the Markdown a pull request takes, and its items
//! changed by maintainers and by CI jobs with a `checklists` token.

use std::collections::HashMap;

use app::{
    domain::checklist::{Progress, TemplateKind},
    error::AppError,
    model::checklists::{stale_message, ItemView},
    service::{
        checklists::{change_item, load, ChangeRequest},
        host::Host,
        plans,
    },
    state::AppState,
};
use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, patch},
    Json, Router,
};
use chrono::Utc;
use serde::Serialize;
use sqlx::SqlitePool;
use utoipa::ToSchema;

use super::{
    body::Fields,
    permit::{Checklists, Permit},
    ErrorBody, RepoPath,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/repos/{owner}/{repo}/versions/{version}/checklist",
            get(get_checklist),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/versions/{version}/checklist/items/{id}",
            patch(patch_item),
        )
}

/// A version's checklist.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChecklistAnswer {
    #[schema(example = "3.2.0-rc.1")]
    version: String,
    template: TemplateRevision,
    progress: Progress,
    /// Of the done items, how many evidence ticked (`verified`); the rest a person ticked.
    #[schema(example = 9)]
    verified: u32,
    sections: Vec<SectionAnswer>,
}

/// The template a checklist was made from; later edits of the template never change it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TemplateRevision {
    name: TemplateKind,
    revision: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SectionAnswer {
    #[schema(example = "Pre-Release: Code Quality")]
    title: String,
    items: Vec<ItemView>,
}

/// `GET .../versions/{version}/checklist`: the checklist with due times, overdue flags and
/// evidence; `?format=markdown` gives the Markdown checklist to paste into a pull request.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/versions/{version}/checklist",
    tag = "checklists",
    params(
        RepoPath,
        ("version" = String, Path, description = "A tag or a version", example = "v3.2.0-rc.1"),
        ("format" = Option<String>, Query, description = "`json` (the default) or `markdown`", example = "json"),
    ),
    responses(
        (status = 200, description = "The checklist",
         content((ChecklistAnswer = "application/json"), (String = "text/markdown"))),
        (status = 400, description = "A malformed version or an unknown format", body = ErrorBody),
        (status = 404, description = "No such repository or version, or the version has no checklist", body = ErrorBody),
    )
)]
pub(crate) async fn get_checklist(
    State(pool): State<SqlitePool>,
    Path((owner, name, version)): Path<(String, String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let markdown = match params.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("markdown") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "'{other}' is not a format; use json or markdown"
            )))
        }
    };
    let checklist = load(&pool, &repo, &version, Utc::now())
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "{version} has no checklist: it was released before {owner}/{name} was \
                 tracked; a maintainer can start one on its page"
            ))
        })?;
    if markdown {
        let content_type = [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")];
        return Ok((content_type, checklist.markdown).into_response());
    }
    Ok(Json(ChecklistAnswer {
        version: checklist.version,
        template: TemplateRevision {
            name: checklist.template,
            revision: checklist.template_revision,
        },
        progress: checklist.progress,
        verified: checklist.verified,
        sections: checklist
            .sections
            .into_iter()
            .map(|section| SectionAnswer {
                title: section.title,
                items: section.items,
            })
            .collect(),
    })
    .into_response())
}

/// What `PATCH .../checklist/items/{id}` takes.
#[derive(Debug, ToSchema)]
pub(crate) struct ItemChange {
    /// `open`, `done` or `skipped`.
    #[schema(example = "done")]
    state: String,
    /// A note or evidence link; required (the reason) when skipping. Absent means empty.
    #[schema(example = "https://ci.example/runs/812")]
    note: Option<String>,
    /// The item's `revision` the change is based on: when the item has changed since, the
    /// change is refused with 409. Absent applies the change to whatever is current.
    #[schema(example = 1)]
    expected_revision: Option<i64>,
}

impl ItemChange {
    fn from_json(body: &[u8]) -> Result<ItemChange, AppError> {
        let mut fields = Fields::of(body)?;
        let state = fields.text("state", true);
        let note = fields.text("note", true);
        let expected_revision = fields.integer("expected_revision", "an integer, or null");
        if !fields.has("state") {
            fields.problem("state", "required: open, done or skipped");
        }
        fields.finish()?;
        Ok(ItemChange {
            state: state.unwrap_or_default(),
            note,
            expected_revision,
        })
    }
}

/// A 409: the change was based on an older revision of the item.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConflictBody {
    error: ConflictDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConflictDetail {
    #[schema(example = "conflict")]
    code: &'static str,
    message: String,
    /// The item as it is now.
    current: ItemView,
}

/// `PATCH .../checklist/items/{id}` `{"state","note","expected_revision"}`: ticks, skips (with
/// a reason in `note`) or reopens one item. Each change is logged with who and when.
#[utoipa::path(
    patch,
    path = "/api/v1/repos/{owner}/{repo}/versions/{version}/checklist/items/{id}",
    tag = "checklists",
    params(
        RepoPath,
        ("version" = String, Path, description = "A tag or a version", example = "v3.2.0-rc.1"),
        ("id" = i64, Path, description = "The item's id, from the checklist", example = 1),
    ),
    request_body = ItemChange,
    responses(
        (status = 200, description = "The item as changed", body = ItemView),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `checklists` scope", body = ErrorBody),
        (status = 404, description = "No such repository, version, checklist or item", body = ErrorBody),
        (status = 409, description = "The item changed since `expected_revision`; nothing was changed", body = ConflictBody),
        (status = 422, description = "An unknown state, or a skip without a reason; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn patch_item(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    permit: Permit<Checklists>,
    Path((_, _, version, id)): Path<(String, String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("'{id}' is not an item id")))?;
    let change = ItemChange::from_json(&body)?;
    let request = ChangeRequest {
        item_id: id,
        state: &change.state,
        note: change.note.as_deref().unwrap_or_default(),
        expected_revision: change.expected_revision,
        by: &permit.by,
    };
    match change_item(&pool, &permit.repo, &version, &request).await? {
        Ok(item) => {
            plans::checklist_changed(&pool, &host, &permit.repo, &version).await;
            Ok(Json(item).into_response())
        }
        Err(stale) => {
            let body = ConflictBody {
                error: ConflictDetail {
                    code: "conflict",
                    message: stale_message(&stale.current),
                    current: stale.current,
                },
            };
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}
