//! One error type for the whole application: it knows its HTTP status and stable code, travels
//! from server functions to the browser, and shows people a clean message while the server
//! logs the detail.

use http::StatusCode;
use leptos::server_fn::{codec::JsonEncoding, error::FromServerFnError, error::ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// Nobody is signed in (or the API token is unknown).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 422: the input is well-formed but some fields are wrong; each named with its problem.
    #[error("{message}")]
    Validation {
        message: String,
        fields: std::collections::BTreeMap<String, String>,
    },
    /// 409: the change was based on something that has changed since.
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests from this address; wait a minute and try again")]
    TooManyRequests,
    /// 413: the request's body is over the server's limit.
    #[error("{0}")]
    TooLarge(String),
    /// 408: the client took too long to send its request.
    #[error("{0}")]
    TooSlow(String),
    /// 421: the request names a host this server does not answer for.
    #[error("{0}")]
    Misdirected(String),
    /// GitHub failed us; nothing the caller did.
    #[error("{0}")]
    BadGateway(String),
    #[error("the server is not ready")]
    Unavailable,
    /// The detail was logged on the server; people see only this.
    #[error("something went wrong on our side; it has been logged")]
    Internal,
    /// Transport trouble between the browser and a server function.
    #[error("the server could not be reached: {0}")]
    ServerFn(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooSlow(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::Misdirected(_) => StatusCode::MISDIRECTED_REQUEST,
            AppError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal | AppError::ServerFn(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable, machine-readable code for the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::Validation { .. } => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests => "rate_limited",
            AppError::TooLarge(_) => "too_large",
            AppError::TooSlow(_) => "timeout",
            AppError::Misdirected(_) => "misdirected",
            AppError::BadGateway(_) => "github_unavailable",
            AppError::Unavailable => "unavailable",
            AppError::Internal | AppError::ServerFn(_) => "internal",
        }
    }
}

impl AppError {
    /// A 422 naming the fields that are wrong.
    pub fn validation<F: Into<String>>(fields: impl IntoIterator<Item = (F, String)>) -> AppError {
        let fields: std::collections::BTreeMap<String, String> = fields
            .into_iter()
            .map(|(field, problem)| (field.into(), problem))
            .collect();
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        AppError::Validation {
            message: format!("check these fields: {}", names.join(", ")),
            fields,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::BadRequest(value.to_string())
            }
            _ => AppError::ServerFn(value.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

/// How every API error reads: `{"error":{"code","message"}}`, plus `fields` on a 422.
#[cfg(feature = "ssr")]
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable, e.g. `not_found`.
    #[schema(example = "not_found")]
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// Each refused field with its problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                fields: match &self {
                    AppError::Validation { fields, .. } => Some(fields.clone()),
                    _ => None,
                },
            },
        };
        (self.status(), axum::Json(body)).into_response()
    }
}
