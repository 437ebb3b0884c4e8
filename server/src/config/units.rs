//! Sizes and intervals as settings write them (`4M`, `15m`).

use std::time::Duration;

/// Parses sizes like `4M`, `512K` or `1048576` (bytes): at least 1 KiB, at most 1 GiB.
pub fn parse_size(value: &str) -> Result<u64, String> {
    let text = value.trim();
    let invalid = || format!("'{value}' is not a size like 4M, 512K or 1048576");
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let unit: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "k" | "KiB" => 1024,
        "M" | "m" | "MiB" => 1024 * 1024,
        _ => return Err(invalid()),
    };
    let bytes = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(invalid)?;
    match bytes {
        b if b < 1024 => Err(format!("'{value}' is under 1K")),
        b if b > 1024 * 1024 * 1024 => Err(format!("'{value}' is over 1 GiB")),
        b => Ok(b),
    }
}

/// Parses intervals like `90s`, `15m`, `1h30m` or `1d`: at least one second, at most a week.
pub fn parse_interval(value: &str) -> Result<Duration, String> {
    let invalid = || format!("'{value}' is not an interval like 30s, 15m, 1h or 1h30m");
    let text = value.trim();
    if text.is_empty() {
        return Err(invalid());
    }
    let mut seconds: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(invalid()),
        };
        let amount: u64 = digits.parse().map_err(|_| invalid())?;
        seconds = amount
            .checked_mul(unit)
            .and_then(|s| seconds.checked_add(s))
            .ok_or_else(invalid)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(invalid());
    }
    match seconds {
        0 => Err(format!(
            "'{value}' is zero; the interval must be at least 1s"
        )),
        s if s > 7 * 86_400 => Err(format!("'{value}' is longer than a week")),
        s => Ok(Duration::from_secs(s)),
    }
}
