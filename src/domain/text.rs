//! Free text typed by people: names, purposes, reasons.
//!
//! Rules shared by every text field: surrounding whitespace is trimmed, control
//! characters are refused (they break CSV exports and logs), and the length is
//! counted in characters, not bytes, so Vietnamese diacritics count once.

use super::ParseError;

/// Trims `raw` and checks it holds between `min` and `max` characters with no
/// control characters. `what` names the field in the message ("Full name").
pub fn bounded(what: &str, raw: &str, min: usize, max: usize) -> Result<String, ParseError> {
    let value = raw.trim();
    let len = value.chars().count();
    if len < min {
        return Err(if min == 1 {
            ParseError::new("required", format!("{what} must not be empty."))
        } else {
            ParseError::new(
                "too_short",
                format!("{what} must be at least {min} characters long."),
            )
        });
    }
    if len > max {
        return Err(ParseError::new(
            "too_long",
            format!("{what} must be at most {max} characters long (it has {len})."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ParseError::new(
            "control_character",
            format!("{what} must not contain line breaks, tabs or other control characters."),
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_counts_characters_not_bytes() {
        // "Ban Tổ chức" is 11 characters but 15 bytes in UTF-8.
        assert_eq!(
            bounded("Name", "  Ban Tổ chức ", 1, 11).unwrap(),
            "Ban Tổ chức"
        );
        assert_eq!(
            bounded("Name", "Ban Tổ chức", 1, 10).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn refuses_empty_and_control_characters() {
        assert_eq!(bounded("Name", "   ", 1, 10).unwrap_err().code, "required");
        assert_eq!(
            bounded("Name", "a\nb", 1, 10).unwrap_err().code,
            "control_character"
        );
        assert_eq!(
            bounded("Password", "abc", 10, 99).unwrap_err().code,
            "too_short"
        );
    }
}
