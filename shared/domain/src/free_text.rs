//! The rule for short free text people write to each other (a leave reason, a decision's
//! comment, why extra time was granted): trimmed, bounded, no control characters but line
//! breaks.

use crate::refusal::Refusal;

/// `text` (already trimmed) if it has 1 to `max` characters and no control character other
/// than a line break; else refused naming `field`, the detail calling it `what`.
pub fn free_text(field: &str, what: &str, text: &str, max: usize) -> Result<String, Refusal> {
    let len = text.chars().count();
    if len == 0 || len > max {
        return Err(Refusal::invalid(
            field,
            format!("the {what} must have 1 to {max} characters"),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Refusal::invalid(
            field,
            format!("the {what} must not contain control characters other than line breaks"),
        ));
    }
    Ok(text.to_string())
}
