//! An applicant's CV: where it is kept, how large it may be, and what became of an upload.
//! The bytes go straight from the browser to the blob store through a presigned PUT, so what
//! arrived is judged afterwards, from its first bytes.

use crate::ports::{BlobError, BlobHead, BlobStore};
use crate::refusal::Refusal;

/// The one media type a CV is uploaded as.
pub const RESUME_CONTENT_TYPE: &str = "application/pdf";

/// Largest CV accepted, in bytes (5 MiB).
pub const MAX_RESUME_BYTES: u64 = 5 * 1024 * 1024;

/// The bytes every PDF starts with.
pub const PDF_MAGIC: &[u8] = b"%PDF-";

/// The blob key of an applicant's CV: one fixed name under their own prefix, so a new upload
/// replaces the old one and nobody can aim at another applicant's.
pub fn resume_key(uid: &str) -> String {
    format!("resumes/{uid}/cv.pdf")
}

/// `size` if a CV of that many bytes may be uploaded, else the refusal naming `size`.
pub fn check_resume_size(size: u64) -> Result<u64, Refusal> {
    if (1..=MAX_RESUME_BYTES).contains(&size) {
        Ok(size)
    } else {
        Err(Refusal::invalid(
            "size",
            format!("a CV is 1 to {MAX_RESUME_BYTES} bytes (5 MiB)"),
        ))
    }
}

/// What became of an applicant's CV upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResumeState {
    /// No upload was ever asked for.
    NotRequested,
    /// An upload URL was issued, but nothing arrived.
    Missing,
    /// What arrived is not a PDF; it is never handed out.
    Rejected,
    /// A PDF of `size` bytes.
    Uploaded { size: u64 },
}

impl ResumeState {
    /// Judges a stored blob by its head (at least [`PDF_MAGIC`]'s length of it).
    pub fn judge(head: Option<&BlobHead>) -> ResumeState {
        match head {
            None => ResumeState::Missing,
            Some(h) if h.bytes.starts_with(PDF_MAGIC) => ResumeState::Uploaded { size: h.size },
            Some(_) => ResumeState::Rejected,
        }
    }

    /// The state of the CV under `key` (none if no upload was asked for), reading only its head.
    pub async fn inspect(
        blobs: &dyn BlobStore,
        key: Option<&str>,
    ) -> Result<ResumeState, BlobError> {
        match key {
            None => Ok(ResumeState::NotRequested),
            Some(key) => Ok(Self::judge(
                blobs.peek(key, PDF_MAGIC.len()).await?.as_ref(),
            )),
        }
    }

    /// The name clients see: `none`, `missing`, `rejected` or `uploaded`.
    pub fn status(self) -> &'static str {
        match self {
            ResumeState::NotRequested => "none",
            ResumeState::Missing => "missing",
            ResumeState::Rejected => "rejected",
            ResumeState::Uploaded { .. } => "uploaded",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalKind;

    fn head(bytes: &[u8], size: u64) -> BlobHead {
        BlobHead {
            bytes: bytes.to_vec(),
            size,
            content_type: RESUME_CONTENT_TYPE.into(),
        }
    }

    #[test]
    fn only_a_blob_starting_like_a_pdf_counts_as_uploaded() {
        assert_eq!(
            ResumeState::judge(Some(&head(b"%PDF-", 48_213))),
            ResumeState::Uploaded { size: 48_213 }
        );
        for bad in [&b"MZ\x90\x00\x03"[..], b"%PDF", b"", b"<html"] {
            assert_eq!(
                ResumeState::judge(Some(&head(bad, 5))),
                ResumeState::Rejected
            );
        }
        assert_eq!(ResumeState::judge(None), ResumeState::Missing);
    }

    #[test]
    fn sizes_outside_one_byte_to_five_mib_are_refused_by_name() {
        assert!(check_resume_size(MAX_RESUME_BYTES).is_ok());
        for bad in [0, MAX_RESUME_BYTES + 1] {
            let e = check_resume_size(bad).unwrap_err();
            assert_eq!(
                (e.kind, e.field.as_deref()),
                (RefusalKind::Invalid, Some("size"))
            );
        }
        assert_eq!(resume_key("u-1"), "resumes/u-1/cv.pdf");
    }
}
