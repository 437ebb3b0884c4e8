//! (ssr) What server functions need of the request beyond its arguments: where a plain form
//! post returns to, and what it leaves in the session for that page to show once.

pub mod form_post;
pub mod kept;
