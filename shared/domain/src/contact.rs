//! Contact addresses: what a plausible email address and an E.164 phone number look like.

/// The lower-cased domain of a plausible address: one `@`, a non-empty local part, a dotted domain.
pub fn email_domain(email: &str) -> Option<String> {
    let (local, domain) = email.split_once('@')?;
    let labels_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.contains(char::is_whitespace)
        && !local.contains('@')
        // An email is a username, and usernames are path ids (`/employees/{username}`), which
        // hold no slashes or control characters (see `http::checked_id`): such a person could
        // never be addressed.
        && !local.contains(|c: char| c.is_control() || c == '/' || c == '\\');
    (labels_ok && local_ok && email.len() <= 254).then(|| domain.to_ascii_lowercase())
}

/// Whether `phone` is E.164: `+`, then 8 to 15 digits, the first not 0.
pub fn is_e164(phone: &str) -> bool {
    phone.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_addresses_give_their_domain_in_lower_case() {
        assert_eq!(
            email_domain("Ram.Sharma@Example.COM").as_deref(),
            Some("example.com")
        );
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a b@example.com",
            "a@-x.com",
            "a@@x.com",
            "../../etc/x@example.com",
            "a\0b@example.com",
        ] {
            assert_eq!(email_domain(bad), None, "{bad}");
        }
    }

    #[test]
    fn phones_must_be_e164() {
        for good in ["+9779812345678", "+14155550123", "+12345678"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in [
            "9779812345678",
            "+0779812345678",
            "+1234567",
            "+1234567890123456",
            "+977 981 234 5678",
            "+977-9812345678",
            "",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
