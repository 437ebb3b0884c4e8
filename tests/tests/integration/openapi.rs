//! The OpenAPI description walked route by route: every operation is called on the demo with
//! the description's own examples, and must answer with a documented status, media type and
//! body shape.

use http::{Method, Request, StatusCode};
use releasedesk_tests::{TestApp, ORIGIN};
use serde_json::Value;

/// Where `value` differs from `schema` (a subset of JSON Schema: `$ref`, `type`, `enum`,
/// `properties`, `required`, `items`, `allOf`, `oneOf`, `anyOf`), as `path: problem` lines.
fn mismatches(document: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return mismatches(
            document,
            &document["components"]["schemas"][name],
            value,
            at,
        );
    }
    if let Some(all) = schema["allOf"].as_array() {
        // Flattened structs: one object whose fields are all the parts' fields.
        let mut merged = serde_json::json!({ "type": "object", "properties": {}, "required": [] });
        for part in all {
            let part = match part["$ref"].as_str() {
                Some(r) => {
                    &document["components"]["schemas"]
                        [r.trim_start_matches("#/components/schemas/")]
                }
                None => part,
            };
            for (name, field) in part["properties"].as_object().into_iter().flatten() {
                merged["properties"][name] = field.clone();
            }
            for name in part["required"].as_array().into_iter().flatten() {
                if let Some(required) = merged["required"].as_array_mut() {
                    required.push(name.clone());
                }
            }
        }
        return mismatches(document, &merged, value, at);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            if options
                .iter()
                .any(|s| mismatches(document, s, value, at).is_empty())
            {
                return Vec::new();
            }
            return vec![format!("{at}: matches none of {key} {options:?}")];
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let type_of = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let actual = type_of(value);
    let described = types.is_empty()
        || types.contains(&actual)
        || (actual == "integer" && types.contains(&"number"));
    if !described {
        return vec![format!("{at}: a {actual}, described as {types:?}")];
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(value) {
            return vec![format!("{at}: {value} is not one of {values:?}")];
        }
    }
    let mut problems = Vec::new();
    if let Value::Object(object) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                problems.push(format!("{at}: missing the required field `{name}`"));
            }
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, field) in object {
                match properties.get(name) {
                    Some(described) => problems.extend(mismatches(
                        document,
                        described,
                        field,
                        &format!("{at}.{name}"),
                    )),
                    None => problems.push(format!("{at}: `{name}` is not described")),
                }
            }
        }
    }
    if let Value::Array(items) = value {
        for (i, item) in items.iter().enumerate() {
            problems.extend(mismatches(
                document,
                &schema["items"],
                item,
                &format!("{at}[{i}]"),
            ));
        }
    }
    problems
}

/// The operation's path with every path parameter replaced by `value(parameter)`, and its
/// required query parameters appended.
fn address(path: &str, operation: &Value, value: impl Fn(&Value) -> String) -> String {
    let mut address = path.to_owned();
    let mut query = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let name = parameter["name"].as_str().unwrap_or_default();
        match parameter["in"].as_str() {
            Some("path") => address = address.replace(&format!("{{{name}}}"), &value(parameter)),
            Some("query") if parameter["required"] == true => {
                query.push(format!("{name}={}", value(parameter)))
            }
            _ => {}
        }
    }
    if !query.is_empty() {
        address = format!("{address}?{}", query.join("&"));
    }
    address
}

fn example(parameter: &Value) -> String {
    match &parameter["example"] {
        Value::String(s) => s.clone(),
        Value::Null => panic!("parameter {parameter} has no example"),
        other => other.to_string(),
    }
}

/// Checks one answer against the operation's responses; returns what is wrong.
fn check(
    document: &Value,
    operation: &Value,
    what: &str,
    status: StatusCode,
    content_type: &str,
    body: &str,
) -> Vec<String> {
    let Some(response) = operation["responses"].get(status.as_str()) else {
        return vec![format!("{what}: answered {status}, which is not described")];
    };
    let Some(content) = response["content"].as_object() else {
        return Vec::new();
    };
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let Some(described) = content.get(media) else {
        return vec![format!(
            "{what}: answered {media}, described as {:?}",
            content.keys()
        )];
    };
    if media != "application/json" {
        return Vec::new();
    }
    match serde_json::from_str::<Value>(body) {
        Ok(value) => mismatches(document, &described["schema"], &value, what),
        Err(err) => vec![format!("{what}: not JSON ({err}): {body}")],
    }
}

#[tokio::test]
async fn every_described_route_answers_as_described() {
    let app = TestApp::with_demo().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    let document = response.json();
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        document["openapi"]
    );

    let mut problems = Vec::new();
    let mut walked = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let method: Method = method.to_uppercase().parse().expect("a method");
            walked += 1;
            // Reads answer the examples; changes refuse an anonymous caller.
            let uri = address(path, operation, example);
            let request = Request::builder()
                .method(method.clone())
                .uri(&uri)
                .header("origin", ORIGIN)
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{}"))
                .expect("request");
            let answer = releasedesk_tests::send(&app.router, request).await;
            let what = format!("{method} {uri}");
            // Reads answer, but those for the signed-in refuse an anonymous caller as changes do;
            // a change open to anyone (asking to subscribe) answers as described, which `check`
            // below holds it to.
            let for_signed_in = !operation["responses"]["401"].is_null();
            let expected = match (method == Method::GET, for_signed_in) {
                (true, false) => StatusCode::OK,
                (false, false) => answer.status,
                (_, true) => StatusCode::UNAUTHORIZED,
            };
            if answer.status != expected {
                problems.push(format!(
                    "{what}: {} instead of {expected}: {}",
                    answer.status, answer.body
                ));
            }
            let content_type = answer
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            problems.extend(check(
                &document,
                operation,
                &what,
                answer.status,
                content_type,
                &answer.body,
            ));

            // Routes about a repository say 404, as described, when it is not tracked.
            let names_repository = operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "owner"));
            if method == Method::GET && names_repository {
                let uri = address(path, operation, |p| {
                    if p["name"] == "owner" {
                        "nobody".to_owned()
                    } else {
                        example(p)
                    }
                });
                let answer = app.get(&uri).await;
                let what = format!("GET {uri}");
                if answer.status != StatusCode::NOT_FOUND {
                    problems.push(format!("{what}: {} instead of 404", answer.status));
                }
                let content_type = releasedesk_tests::header(&answer, "content-type");
                problems.extend(check(
                    &document,
                    operation,
                    &what,
                    answer.status,
                    &content_type,
                    &answer.body,
                ));
            }
        }
    }
    assert!(walked >= 25, "only {walked} operations described");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn the_walker_notices_an_answer_that_differs_from_its_description() {
    let document = serde_json::json!({ "components": { "schemas": {
        "Item": { "type": "object", "required": ["tag"], "properties": {
            "tag": { "type": "string" }, "count": { "type": ["integer", "null"] } } }
    } } });
    let schema =
        serde_json::json!({ "type": "array", "items": { "$ref": "#/components/schemas/Item" } });
    let good = serde_json::json!([{ "tag": "v1", "count": null }, { "tag": "v2", "count": 3 }]);
    assert!(mismatches(&document, &schema, &good, "$").is_empty());
    let bad = serde_json::json!([{ "count": "3", "extra": true }]);
    assert_eq!(
        mismatches(&document, &schema, &bad, "$"),
        [
            "$[0]: missing the required field `tag`",
            "$[0].count: a string, described as [\"integer\", \"null\"]",
            "$[0]: `extra` is not described",
        ]
    );
}

#[tokio::test]
async fn every_api_route_of_the_router_is_described() {
    let app = TestApp::with_demo().await;
    let document = app.get("/api/openapi.json").await.json();
    let paths = document["paths"].as_object().expect("paths");
    // The REST routes as the router has them; pages and sign-in flows are not REST.
    for route in [
        "/api/v1/repos",
        "/api/v1/repos/{owner}/{repo}/settings",
        "/api/v1/repos/{owner}/{repo}/sync",
        "/api/v1/repos/{owner}/{repo}/versions",
        "/api/v1/repos/{owner}/{repo}/versions/{version}",
        "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
        "/api/v1/repos/{owner}/{repo}/support",
        "/api/v1/repos/{owner}/{repo}/support/check",
        "/api/v1/repos/{owner}/{repo}/badge/{version}",
        "/api/v1/products",
        "/api/v1/products/{product}",
        "/api/v1/products/{product}/releases/latest",
        "/api/v1/products/{product}/releases/{release}",
        "/api/all.json",
        "/api/{product}.json",
        "/api/v1/me",
        "/api/openapi.json",
        "/webhooks/github",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains_key(route), "{route} is not described");
    }
}

#[tokio::test]
async fn the_docs_page_renders_the_description_without_the_internet() {
    let app = TestApp::with_demo().await;
    let response = app.get("/api/docs").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    assert!(
        body.contains("<code>/api/v1/repos/{owner}/{repo}/versions/{version}</code>"),
        "{body}"
    );
    assert!(body.contains("method-post") && body.contains("method-patch"));
    assert!(body.contains("id=\"schema-VersionDetail\""), "{body}");
    assert!(body.contains("href=\"/api/openapi.json\""));
    // Nothing from elsewhere: every script, style and image is our own.
    for attribute in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!body.contains(attribute), "{attribute} in {body}");
    }
}
