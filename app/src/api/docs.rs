//! The REST API's description for the docs page.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{domain::api_description::ApiDescription, error::AppError};

/// The server provides the description in context, generated once from its handlers.
#[server(prefix = "/sfn", endpoint = "get_api_description", input = GetUrl)]
pub async fn get_api_description() -> Result<ApiDescription, AppError> {
    use_context::<ApiDescription>().ok_or(AppError::Unavailable)
}
