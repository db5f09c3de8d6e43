//! Free text typed by people: names, purposes, reasons.
//!
//! Rules shared by every text field: surrounding whitespace is trimmed, control
//! characters are refused (they break CSV exports and logs), invisible
//! formatting characters are refused (a right-to-left override, zero-width
//! spaces or a byte-order mark make look-alike names: "Ban Tổ chức" and
//! "Ban Tổ\u{200b} chức" would be two boards that read the same), and the
//! length is counted in characters, not bytes, so Vietnamese diacritics count
//! once.

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
    if let Some(c) = value.chars().find(|c| is_invisible(*c)) {
        return Err(ParseError::new(
            "invisible_character",
            format!(
                "{what} contains an invisible formatting character (U+{:04X}); retype it \
                 without copying from a formatted document.",
                u32::from(c)
            ),
        ));
    }
    Ok(value.to_owned())
}

/// Unicode format characters that change how text displays without showing
/// themselves: soft hyphen, Arabic letter mark, Mongolian vowel separator,
/// zero-width spaces and joiners, direction marks, embeddings, overrides
/// and isolates, invisible operators, the byte-order mark (zero-width
/// no-break space) and interlinear annotation marks. Vietnamese text needs
/// none of them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
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

    #[test]
    fn refuses_invisible_characters_that_make_look_alike_names() {
        for raw in [
            "Ban Tổ\u{200b} chức",
            "\u{202e}cứhc ổT naB",
            "\u{feff}Ban Tổ chức",
            "Ban Tổ\u{2060}chức",
            "Ban Tổ chức\u{00ad}",
        ] {
            let e = bounded("Name", raw, 1, 50).unwrap_err();
            assert_eq!(e.code, "invisible_character", "{raw:?}");
        }
        let e = bounded("Name", "a\u{202e}b", 1, 50).unwrap_err();
        assert!(e.message.contains("U+202E"), "{}", e.message);
        // Ordinary Vietnamese, in either composed or decomposed form, passes.
        assert!(bounded("Name", "Nguyễn Thị Hoa", 1, 50).is_ok());
        assert!(bounded("Name", "Nguye\u{302}\u{303}n", 1, 50).is_ok());
    }
}
