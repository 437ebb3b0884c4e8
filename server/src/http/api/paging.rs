//! GitHub-style pagination: `page` and `per_page` in, a `Link` header out.

use std::collections::HashMap;

use app::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

pub const DEFAULT_PER_PAGE: i64 = 100;
pub const MAX_PER_PAGE: i64 = 1000;

impl PageRequest {
    pub fn parse(params: &HashMap<String, String>) -> Result<PageRequest, AppError> {
        let number = |name: &str, default: i64, max: i64| match params.get(name) {
            None => Ok(default),
            Some(text) => match text.trim().parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(AppError::BadRequest(format!(
                    "`{name}` must be a whole number from 1 to {max}, not '{text}'"
                ))),
            },
        };
        Ok(PageRequest {
            page: number("page", 1, i64::from(u32::MAX))?,
            per_page: number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)?,
        })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// The `Link` header for `page` of `total` items at `path`, whose other query parameters are
/// `query` (already encoded, without `page` and `per_page`). `None` when one page holds all.
pub fn link_header(path: &str, query: &str, page: PageRequest, total: i64) -> Option<String> {
    let last = ((total + page.per_page - 1) / page.per_page).max(1);
    if last == 1 && page.page == 1 {
        return None;
    }
    let url = |n: i64| {
        let separator = if query.is_empty() { "" } else { "&" };
        format!(
            "<{path}?{query}{separator}per_page={}&page={n}>",
            page.per_page
        )
    };
    let mut links = Vec::new();
    if page.page < last {
        links.push(format!("{}; rel=\"next\"", url(page.page + 1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page.page > 1 {
        links.push(format!("{}; rel=\"first\"", url(1)));
        links.push(format!("{}; rel=\"prev\"", url((page.page - 1).min(last))));
    }
    Some(links.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            PageRequest::parse(&params(&[])).ok(),
            Some(PageRequest {
                page: 1,
                per_page: 100
            })
        );
        let page =
            PageRequest::parse(&params(&[("page", "3"), ("per_page", "1000")])).expect("valid");
        assert_eq!(page.offset(), 2000);
        for (name, value) in [
            ("page", "0"),
            ("page", "x"),
            ("per_page", "1001"),
            ("per_page", "-1"),
            ("per_page", ""),
        ] {
            let err = PageRequest::parse(&params(&[(name, value)])).expect_err("invalid");
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn links_follow_githubs_shape() {
        let first = PageRequest {
            page: 1,
            per_page: 10,
        };
        assert_eq!(
            link_header("/v", "channel=rc", first, 25).as_deref(),
            Some("</v?channel=rc&per_page=10&page=2>; rel=\"next\", </v?channel=rc&per_page=10&page=3>; rel=\"last\"")
        );
        let last = PageRequest {
            page: 3,
            per_page: 10,
        };
        assert_eq!(
            link_header("/v", "", last, 25).as_deref(),
            Some("</v?per_page=10&page=1>; rel=\"first\", </v?per_page=10&page=2>; rel=\"prev\"")
        );
        assert_eq!(link_header("/v", "", first, 10), None);
        assert_eq!(link_header("/v", "", first, 0), None);
    }
}
