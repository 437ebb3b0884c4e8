//! How a page loads its data: through its server function, sent in the HTML by the server and
//! read from there when the browser app hydrates.

use std::future::Future;

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};

/// JSON, read from the HTML the way server functions read their answers
/// (`serde_json::from_slice`). Leptos' own codec reads it with `from_str`, which gives the
/// browser app a second JSON decoder for every type of page data.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(json: &str) -> Result<T, Self::Error> {
        serde_json::from_slice(json.as_bytes())
    }
}

/// A page's data.
pub type PageData<T> = Resource<T, Json>;

/// `Resource::new` with the page's JSON: loads again whenever `source` changes.
#[track_caller]
pub fn page_data<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageData<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_data_reads_back_what_it_wrote() -> Result<(), serde_json::Error> {
        let value = (Some("v2.3.1".to_owned()), vec![1u32, 2, 3]);
        let json = <Json as Encoder<_>>::encode(&value)?;
        let back: (Option<String>, Vec<u32>) = <Json as Decoder<_>>::decode(&json)?;
        assert_eq!(back, value);
        assert!(<Json as Decoder<Vec<u32>>>::decode("[1,").is_err());
        Ok(())
    }
}
