//! The links in mails (confirm, manage, unsubscribe) carry their own proof: the subscription's
//! id, an expiry and an HMAC of both, so nothing is stored per link and a link cannot be
//! turned into one for another subscription or another purpose.

use chrono::{DateTime, Utc};
use hmac::Mac;

use super::hmac_sha256;

/// How long a confirmation link works.
pub const CONFIRM_HOURS: i64 = 48;
/// The tag is the HMAC's first 16 bytes (32 hex characters): short enough for a URL, far too
/// long to guess.
const TAG_BYTES: usize = 16;

/// What a link may be used for; a link signed for one purpose fails for the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm a new subscription.
    Confirm,
    /// Change topics or lines, or unsubscribe.
    Manage,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Manage => "manage",
        }
    }
}

/// Why a link was refused, in words for the person who followed it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this link is not complete; copy the whole link from the mail")]
    Malformed,
    #[error("this link is not valid")]
    Forged,
    #[error("this link has expired; subscribe again to get a new one")]
    Expired,
}

/// The MAC over what a token says, ready to finalise or verify.
fn mac(key: &[u8], purpose: Purpose, subscription: i64, expires: i64) -> hmac::Hmac<sha2::Sha256> {
    let mut mac = hmac_sha256(key);
    mac.update(format!("{}:{subscription}:{expires}", purpose.as_str()).as_bytes());
    mac
}

/// A URL-safe token for `subscription`: `{id}.{expires}.{tag}`, with `expires` in Unix
/// seconds, or 0 for a link that does not expire (manage and unsubscribe links, which must
/// work in every mail ever sent).
pub fn sign(
    key: &[u8],
    purpose: Purpose,
    subscription: i64,
    expires: Option<DateTime<Utc>>,
) -> String {
    let expires = expires.map_or(0, |at| at.timestamp());
    let tag = mac(key, purpose, subscription, expires)
        .finalize()
        .into_bytes();
    format!(
        "{subscription}.{expires}.{}",
        hex::encode(&tag[..TAG_BYTES])
    )
}

/// The subscription a `token` was signed for with `key` and `purpose`, if it still holds at
/// `now`. The tag is compared in constant time, and checked before the expiry so that a
/// forged token learns nothing.
pub fn verify(
    key: &[u8],
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<i64, LinkError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [id, expires, tag] = parts[..] else {
        return Err(LinkError::Malformed);
    };
    let number = |text: &str| {
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse::<i64>().ok()).flatten()
    };
    let (Some(id), Some(expires)) = (number(id), number(expires)) else {
        return Err(LinkError::Malformed);
    };
    let tag = match hex::decode(tag) {
        Ok(tag) if tag.len() == TAG_BYTES => tag,
        _ => return Err(LinkError::Malformed),
    };
    mac(key, purpose, id, expires)
        .verify_truncated_left(&tag)
        .map_err(|_| LinkError::Forged)?;
    if expires != 0 && now.timestamp() >= expires {
        return Err(LinkError::Expired);
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    const KEY: &[u8] = b"a server key of thirty-two bytes";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 5, 12, 0, 0)
            .single()
            .expect("test time")
    }

    fn confirm_token(id: i64) -> String {
        sign(
            KEY,
            Purpose::Confirm,
            id,
            Some(now() + Duration::hours(CONFIRM_HOURS)),
        )
    }

    #[test]
    fn tokens_round_trip() {
        let token = confirm_token(42);
        let expires = (now() + Duration::hours(CONFIRM_HOURS)).timestamp();
        assert!(token.starts_with(&format!("42.{expires}.")), "{token}");
        assert_eq!(token.rsplit('.').next().map(str::len), Some(32));
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.'));
        assert_eq!(verify(KEY, Purpose::Confirm, &token, now()), Ok(42));

        let manage = sign(KEY, Purpose::Manage, 7, None);
        assert!(manage.starts_with("7.0."), "{manage}");
        let years_later = now() + Duration::days(3650);
        assert_eq!(verify(KEY, Purpose::Manage, &manage, years_later), Ok(7));
        // Surrounding whitespace from a copied link is forgiven.
        assert_eq!(
            verify(KEY, Purpose::Manage, &format!(" {manage}\n"), now()),
            Ok(7)
        );
    }

    #[test]
    fn a_token_is_for_one_purpose_and_one_key() {
        let token = confirm_token(42);
        assert_eq!(
            verify(KEY, Purpose::Manage, &token, now()),
            Err(LinkError::Forged)
        );
        assert_eq!(
            verify(b"another key", Purpose::Confirm, &token, now()),
            Err(LinkError::Forged)
        );
    }

    #[test]
    fn tampering_is_caught() {
        let token = confirm_token(42);
        let tag = token.rsplit('.').next().expect("tag");
        let expires = (now() + Duration::hours(CONFIRM_HOURS)).timestamp();
        // Another subscription, a later expiry, no expiry at all: each needs a new tag.
        for forged in [
            format!("43.{expires}.{tag}"),
            format!("42.{}.{tag}", expires + 3600),
            format!("42.0.{tag}"),
        ] {
            assert_eq!(
                verify(KEY, Purpose::Confirm, &forged, now()),
                Err(LinkError::Forged),
                "{forged}"
            );
        }
        let mut flipped = token.clone();
        let last = if flipped.ends_with('0') { "1" } else { "0" };
        flipped.replace_range(flipped.len() - 1.., last);
        assert_eq!(
            verify(KEY, Purpose::Confirm, &flipped, now()),
            Err(LinkError::Forged)
        );
    }

    #[test]
    fn an_old_confirmation_expires() {
        let token = confirm_token(42);
        let deadline = now() + Duration::hours(CONFIRM_HOURS);
        assert_eq!(
            verify(
                KEY,
                Purpose::Confirm,
                &token,
                deadline - Duration::seconds(1)
            ),
            Ok(42)
        );
        assert_eq!(
            verify(KEY, Purpose::Confirm, &token, deadline),
            Err(LinkError::Expired)
        );
        assert_eq!(
            LinkError::Expired.to_string(),
            "this link has expired; subscribe again to get a new one"
        );
    }

    #[test]
    fn garbage_is_malformed() {
        let token = confirm_token(42);
        let cut = &token[..token.len() - 3];
        for garbage in [
            "",
            "hello",
            "42",
            "42.0",
            "42.0.abc.def",
            "-42.0.00000000000000000000000000000000",
            "+42.0.00000000000000000000000000000000",
            "42.x.00000000000000000000000000000000",
            "42.0.zz000000000000000000000000000000",
            "99999999999999999999.0.00000000000000000000000000000000",
            cut,
        ] {
            assert_eq!(
                verify(KEY, Purpose::Confirm, garbage, now()),
                Err(LinkError::Malformed),
                "{garbage}"
            );
        }
        assert_eq!(
            LinkError::Malformed.to_string(),
            "this link is not complete; copy the whole link from the mail"
        );
    }
}
