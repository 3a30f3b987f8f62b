//! The format of a state folder. A change that leaves older local state unreadable bumps
//! [`CURRENT`]; a folder of another format is moved aside whole (never deleted: it may hold
//! something its owner wants) and the stack starts afresh, as after `rm -rf var/state`.
//!
//! 2: usernames are made by the local pool (UUIDs), as an email sign-in pool makes them; before,
//! the roster, invitations and leave were keyed by email.

use std::path::{Path, PathBuf};

/// The format this build writes.
pub const CURRENT: u32 = 2;

const MARKER: &str = "state-format";

/// Makes `state_dir` a folder of the current format: stamps a new or empty one, and moves one
/// of another format to `<state_dir>.format-<n>` (numbered if that exists) first. Returns where
/// older state went, if any.
pub fn ensure(state_dir: &Path) -> std::io::Result<Option<PathBuf>> {
    let marker = state_dir.join(MARKER);
    let found = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|t| t.trim().parse::<u32>().ok());
    let has_state = std::fs::read_dir(state_dir).is_ok_and(|mut d| d.next().is_some());
    let mut moved = None;
    if has_state && found != Some(CURRENT) {
        // Folders from before the marker are format 1.
        let old = found.unwrap_or(1);
        let name = state_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".into());
        let mut aside = state_dir.with_file_name(format!("{name}.format-{old}"));
        let mut n = 1;
        while aside.exists() {
            n += 1;
            aside = state_dir.with_file_name(format!("{name}.format-{old}.{n}"));
        }
        std::fs::rename(state_dir, &aside)?;
        moved = Some(aside);
    }
    std::fs::create_dir_all(state_dir)?;
    std::fs::write(&marker, CURRENT.to_string())?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_state_is_moved_aside_whole_and_current_state_stays() {
        let root = testkit::temp_dir("state-format");
        let state = root.join("state");
        // A fresh folder is stamped.
        assert_eq!(ensure(&state).unwrap(), None);
        std::fs::write(state.join("tables.sqlite3"), b"current").unwrap();
        assert_eq!(ensure(&state).unwrap(), None);
        assert_eq!(
            std::fs::read(state.join("tables.sqlite3")).unwrap(),
            b"current"
        );

        // A folder from before the marker (format 1) goes aside, twice without clobbering.
        for n in 1..=2 {
            std::fs::remove_file(state.join(MARKER)).unwrap();
            std::fs::write(state.join("directory.sqlite3"), b"emails").unwrap();
            let aside = ensure(&state).unwrap().expect("moved aside");
            let expected = match n {
                1 => root.join("state.format-1"),
                _ => root.join("state.format-1.2"),
            };
            assert_eq!(aside, expected);
            assert_eq!(
                std::fs::read(aside.join("directory.sqlite3")).unwrap(),
                b"emails"
            );
            assert!(!state.join("directory.sqlite3").exists());
            assert_eq!(
                std::fs::read_to_string(state.join(MARKER)).unwrap(),
                CURRENT.to_string()
            );
        }
    }
}
