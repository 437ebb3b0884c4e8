//! The email addresses people subscribe with. Stricter than RFC 5321 on purpose: an address
//! goes into a mail header, so anything that could break out of it (line breaks, quotes,
//! angle brackets) is refused, and so are the rare legal forms nobody types into a form.

/// The longest address SMTP can carry (RFC 5321's 256-octet path, less the angle brackets).
pub const MAX_EMAIL: usize = 254;
/// The longest part before the `@` (RFC 5321).
const MAX_LOCAL: usize = 64;
/// The longest label of a domain name (RFC 1035).
const MAX_LABEL: usize = 63;

const EXAMPLE: &str = "enter an email address such as ada@example.com";

/// The address to store and send to: trimmed, domain lower-cased, the part before the `@`
/// kept as typed (some servers tell `Ada` from `ada`). The error is for the form.
pub fn normalize_email(input: &str) -> Result<String, String> {
    let address = input.trim();
    if address.is_empty() {
        return Err(EXAMPLE.to_owned());
    }
    if address.chars().any(char::is_control) {
        return Err("an email address cannot contain line breaks or control characters".to_owned());
    }
    if address.chars().count() > MAX_EMAIL {
        return Err(format!(
            "an email address has at most {MAX_EMAIL} characters"
        ));
    }
    if address.chars().any(char::is_whitespace) {
        return Err("an email address cannot contain spaces".to_owned());
    }
    if !address.is_ascii() {
        return Err(
            "use an address made of plain ASCII letters, digits and punctuation (no accents \
             or other scripts)"
                .to_owned(),
        );
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err(EXAMPLE.to_owned());
    };
    if domain.contains('@') {
        return Err("an email address has exactly one @".to_owned());
    }
    check_local(local)?;
    let domain = domain.to_ascii_lowercase();
    check_domain(&domain)?;
    Ok(format!("{local}@{domain}"))
}

/// The part before the `@`, as a dot-atom without the characters that mean something in a
/// header.
fn check_local(local: &str) -> Result<(), String> {
    if local.is_empty() {
        return Err(format!("the part before the @ is missing; {EXAMPLE}"));
    }
    if local.len() > MAX_LOCAL {
        return Err(format!(
            "the part before the @ has at most {MAX_LOCAL} characters"
        ));
    }
    if local.contains(|c| "<>()[]\\,;:\"".contains(c)) {
        return Err("the part before the @ cannot contain < > ( ) [ ] \\ , ; : or \"".to_owned());
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(
            "the part before the @ cannot start or end with a dot, or have two dots in a row"
                .to_owned(),
        );
    }
    Ok(())
}

/// The part after the `@`: a public host name (`example.com`), already lower-cased.
fn check_domain(domain: &str) -> Result<(), String> {
    let problem = || Err("the part after the @ must be a domain such as example.com".to_owned());
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return problem();
    }
    let good_label = |label: &str| {
        !label.is_empty()
            && label.len() <= MAX_LABEL
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !labels.iter().all(|label| good_label(label)) {
        return problem();
    }
    // A top-level domain is letters (`com`), or an internationalised one in its ASCII form
    // (`xn--p1ai`); never a number, so `a@1.2.3.4` is refused.
    let top = labels[labels.len() - 1];
    let letters = top.len() >= 2 && top.bytes().all(|b| b.is_ascii_alphabetic());
    if !letters && !top.starts_with("xn--") {
        return problem();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_kept() {
        assert_eq!(
            normalize_email("ada@example.com"),
            Ok("ada@example.com".into())
        );
        assert_eq!(
            normalize_email("  Ada.Lovelace+news@Mail.Example.COM \n"),
            Ok("Ada.Lovelace+news@mail.example.com".into())
        );
        assert_eq!(
            normalize_email("o'brien_1@sub-domain.example.org"),
            Ok("o'brien_1@sub-domain.example.org".into())
        );
        assert_eq!(
            normalize_email("x@example.xn--p1ai"),
            Ok("x@example.xn--p1ai".into())
        );
    }

    #[test]
    fn empty_input_shows_an_example() {
        for input in ["", "   ", "\t\n"] {
            assert_eq!(normalize_email(input), Err(EXAMPLE.to_owned()), "{input:?}");
        }
    }

    #[test]
    fn header_injection_is_refused() {
        for input in [
            "a@b.com\r\nBcc: x@y.com",
            "a@b.com\nBcc: x@y.com",
            "a@b.com\rBcc: x@y.com",
            "\"a\nb\"@c.com",
            "a\u{0}@b.com",
            "a\t@b.com",
            "a@b.com\u{7f}",
            "a@b.c\u{85}om",
        ] {
            let err = normalize_email(input).expect_err(input);
            assert!(err.contains("line breaks"), "{input:?}: {err}");
        }
        for input in [
            "x@y.com>",
            "<x@y.com",
            "Ada <ada@example.com>",
            "\"a b\"@c.com",
            "\"ab\"@c.com",
            "a,b@c.com",
            "a;b@c.com",
            "a:b@c.com",
            "a(comment)@c.com",
            "a@[127.0.0.1]",
            "a\\b@c.com",
            "a@b.com,c@d.com",
        ] {
            assert!(normalize_email(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn non_ascii_and_inner_spaces_are_refused() {
        let err = normalize_email("jürgen@example.de").expect_err("umlaut");
        assert!(err.contains("ASCII"), "{err}");
        assert!(normalize_email("ada@exämple.com").is_err());
        assert!(normalize_email("ада@пример.рф").is_err());
        // A full-width at sign is not an at sign.
        assert!(normalize_email("ada＠example.com").is_err());
        let err = normalize_email("ada lovelace@example.com").expect_err("space");
        assert!(err.contains("spaces"), "{err}");
        assert!(normalize_email("ada@example.com\u{a0}x").is_err());
    }

    #[test]
    fn exactly_one_at() {
        assert_eq!(normalize_email("ada.example.com"), Err(EXAMPLE.to_owned()));
        let err = normalize_email("a@b@example.com").expect_err("two");
        assert!(err.contains("exactly one @"), "{err}");
        assert!(normalize_email("@example.com").is_err());
        assert!(normalize_email("ada@").is_err());
    }

    #[test]
    fn the_local_part_is_a_dot_atom() {
        for input in [".ada@example.com", "ada.@example.com", "a..da@example.com"] {
            let err = normalize_email(input).expect_err(input);
            assert!(err.contains("dot"), "{input}: {err}");
        }
        let longest = format!("{}@example.com", "a".repeat(64));
        assert!(normalize_email(&longest).is_ok());
        let err = normalize_email(&format!("{}@example.com", "a".repeat(65))).expect_err("65");
        assert!(err.contains("64"), "{err}");
    }

    #[test]
    fn the_domain_is_a_host_name_with_a_dot() {
        for input in [
            "ada@localhost",
            "ada@example",
            "ada@.example.com",
            "ada@example.com.",
            "ada@example..com",
            "ada@-example.com",
            "ada@example-.com",
            "ada@exa_mple.com",
            "ada@example.c",
            "ada@example.c0m",
            "ada@1.2.3.4",
            "ada@example.123",
        ] {
            let err = normalize_email(input).expect_err(input);
            assert!(err.contains("example.com"), "{input}: {err}");
        }
        let label = "a".repeat(63);
        assert!(normalize_email(&format!("ada@{label}.com")).is_ok());
        assert!(normalize_email(&format!("ada@{label}a.com")).is_err());
    }

    #[test]
    fn long_addresses_are_refused() {
        let label = "a".repeat(60);
        let domain = format!("{label}.{label}.{label}.{label}.com");
        let at_limit = format!("{}@{domain}", "b".repeat(MAX_EMAIL - 1 - domain.len()));
        assert_eq!(at_limit.len(), MAX_EMAIL);
        assert!(normalize_email(&at_limit).is_ok());
        let over = format!("b{at_limit}");
        let err = normalize_email(&over).expect_err("255");
        assert!(err.contains("254"), "{err}");
        assert!(normalize_email(&"a".repeat(100_000)).is_err());
    }
}
