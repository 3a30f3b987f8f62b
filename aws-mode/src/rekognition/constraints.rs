//! The constraints Rekognition's API model declares on request members (Rekognition API
//! reference, each operation's "Request Parameters"), checked before anything else as AWS's
//! request layer checks them: every broken one listed in one `ValidationException`, worded as
//! that layer words it ("1 validation error detected: Value 'x' at 'collectionId' failed to
//! satisfy constraint: ...").

use super::refusals::Refusal;

/// `Image.Bytes` at most: 5 MB, the product's own limit too.
pub const MAX_IMAGE_BYTES: usize = domain::ports::MAX_IMAGE_BYTES;

/// The pattern the model gives an id.
#[derive(Clone, Copy)]
pub enum IdPattern {
    /// `CollectionId`: `[a-zA-Z0-9_.\-]+`, 1 to 255 characters.
    Collection,
    /// `ExternalImageId`: `[a-zA-Z0-9_.\-:]+`, 1 to 255 characters.
    ExternalImage,
    /// `FaceId`: `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`.
    Face,
}

impl IdPattern {
    fn text(self) -> &'static str {
        match self {
            IdPattern::Collection => r"[a-zA-Z0-9_.\-]+",
            IdPattern::ExternalImage => r"[a-zA-Z0-9_.\-:]+",
            IdPattern::Face => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        }
    }

    fn matches(self, value: &str) -> bool {
        let word = |extra: &str| {
            !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c) || extra.contains(c))
        };
        match self {
            IdPattern::Collection => word(""),
            IdPattern::ExternalImage => word(":"),
            IdPattern::Face => {
                let groups: Vec<&str> = value.split('-').collect();
                groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                    && groups
                        .iter()
                        .all(|g| g.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')))
            }
        }
    }

    /// The model's length bounds for the pattern's strings, if it declares any.
    fn lengths(self) -> Option<(usize, usize)> {
        match self {
            IdPattern::Collection | IdPattern::ExternalImage => Some((1, 255)),
            IdPattern::Face => None,
        }
    }
}

/// The broken constraints of one request, gathered member by member.
#[derive(Default)]
pub struct Violations(Vec<String>);

impl Violations {
    fn broke(&mut self, value: &str, member: &str, constraint: String) {
        self.0.push(format!(
            "Value {value} at '{member}' failed to satisfy constraint: Member must {constraint}"
        ));
    }

    /// A required member is present; returns it.
    pub fn required<'a, T>(&mut self, member: &str, value: &'a Option<T>) -> Option<&'a T> {
        if value.is_none() {
            self.broke("null", member, "not be null".into());
        }
        value.as_ref()
    }

    /// A string member keeps to its pattern and lengths.
    pub fn text(&mut self, member: &str, value: &str, pattern: IdPattern) {
        let quoted = format!("'{value}'");
        if let Some((min, max)) = pattern.lengths() {
            let length = value.chars().count();
            if length < min {
                self.broke(
                    &quoted,
                    member,
                    format!("have length greater than or equal to {min}"),
                );
            }
            if length > max {
                self.broke(
                    &quoted,
                    member,
                    format!("have length less than or equal to {max}"),
                );
            }
        }
        if !pattern.matches(value) {
            self.broke(
                &quoted,
                member,
                format!("satisfy regular expression pattern: {}", pattern.text()),
            );
        }
    }

    /// A list of strings has `min..=max` items, each keeping to `pattern`.
    pub fn list(
        &mut self,
        member: &str,
        items: &[String],
        (min, max): (usize, usize),
        pattern: IdPattern,
    ) {
        let shown = format!("'[{}]'", items.join(", "));
        if items.len() < min {
            self.broke(
                &shown,
                member,
                format!("have length greater than or equal to {min}"),
            );
        }
        if items.len() > max {
            self.broke(
                &shown,
                member,
                format!("have length less than or equal to {max}"),
            );
        }
        if items.iter().any(|i| !pattern.matches(i)) {
            self.broke(
                &shown,
                member,
                format!(
                    "satisfy constraint: [Member must satisfy regular expression pattern: {}]",
                    pattern.text()
                ),
            );
        }
    }

    /// A number lies in `min..=max` (`None`: unbounded on that side).
    pub fn range(&mut self, member: &str, value: f64, min: Option<f64>, max: Option<f64>) {
        let shown = format!("'{value}'");
        if let Some(min) = min.filter(|m| value < *m) {
            self.broke(
                &shown,
                member,
                format!("have value greater than or equal to {min}"),
            );
        }
        if let Some(max) = max.filter(|m| value > *m) {
            self.broke(
                &shown,
                member,
                format!("have value less than or equal to {max}"),
            );
        }
    }

    /// A string is one of the model's enum values.
    pub fn one_of(&mut self, member: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.broke(
                &format!("'{value}'"),
                member,
                format!("satisfy enum value set: [{}]", allowed.join(", ")),
            );
        }
    }

    /// Image bytes fit the model's 1 byte to 5 MB (`Image.Bytes`: "Length Constraints: Minimum
    /// length of 1. Maximum length of 5242880"), shown as the service's Java runtime shows them.
    pub fn image_bytes(&mut self, member: &str, length: usize) {
        let shown = format!("'java.nio.HeapByteBuffer[pos=0 lim={length} cap={length}]'");
        if length < 1 {
            self.broke(
                &shown,
                member,
                "have length greater than or equal to 1".into(),
            );
        }
        if length > MAX_IMAGE_BYTES {
            self.broke(
                &shown,
                member,
                format!("have length less than or equal to {MAX_IMAGE_BYTES}"),
            );
        }
    }

    /// `Ok` if nothing broke, else the one `ValidationException` listing it all.
    pub fn finish(self) -> Result<(), Refusal> {
        match self.0.len() {
            0 => Ok(()),
            n => Err(Refusal::new(
                "ValidationException",
                format!(
                    "{n} validation error{} detected: {}",
                    if n == 1 { "" } else { "s" },
                    self.0.join("; ")
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_the_models() {
        assert!(IdPattern::Collection.matches("genese-dev-acme_1.x"));
        assert!(!IdPattern::Collection.matches("acme corp"));
        assert!(!IdPattern::Collection.matches("a:b"));
        assert!(IdPattern::ExternalImage.matches("a:b"));
        assert!(!IdPattern::ExternalImage.matches("ravi@acme.test"));
        assert!(IdPattern::Face.matches("f5817d37-94f6-4335-bfee-6cf79a3d806e"));
        assert!(!IdPattern::Face.matches("F5817D37-94F6-4335-BFEE-6CF79A3D806E"));
        assert!(!IdPattern::Face.matches("f5817d37"));
    }

    #[test]
    fn every_broken_constraint_is_listed_in_one_refusal() {
        let mut v = Violations::default();
        v.text("collectionId", "a b", IdPattern::Collection);
        v.range("maxFaces", 0.0, Some(1.0), None);
        let refused = v.finish().unwrap_err();
        assert_eq!(refused.code, "ValidationException");
        assert!(
            refused
                .message
                .starts_with("2 validation errors detected: Value 'a b' at 'collectionId'"),
            "{}",
            refused.message
        );
        assert!(Violations::default().finish().is_ok());
    }
}
