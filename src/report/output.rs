//! Atomic output: every file is written to a temporary name in its final folder, then all are
//! renamed into place at once. On any error before the renames, the temporary files are removed
//! and no output file is touched: never a partial file, never a half-updated set.
//!
//! Output folders are checked first ([`prepare_dir`]): probed for write access (missing folders
//! are created for the probe and removed again), so an unwritable folder is refused with a clear
//! error before anything is computed, and a refusal or a later error leaves no folder behind.
//! [`Staging`] creates the folders it writes into and removes them again, with its temporary
//! files, unless it is committed.

use std::fmt;
use std::path::{Path, PathBuf};

/// An output error: the path and what went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputError {
    /// The file or folder at fault.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "output {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for OutputError {}

/// `dir` and those of its ancestors that do not exist yet, shallowest first.
fn missing_folders(dir: &Path) -> Vec<PathBuf> {
    let mut missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    missing
}

/// Removes the folders `created` (shallowest first) again, deepest first; a folder that is not
/// empty is kept.
fn remove_folders(created: &[PathBuf]) {
    for d in created.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// Creates `dir` and its missing ancestors; returns the folders it created (shallowest first).
fn create_folders(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let err = |m: String| OutputError {
        path: dir.to_path_buf(),
        message: m,
    };
    let missing = missing_folders(dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        remove_folders(&missing);
        return Err(err(format!("output folder cannot be created: {e}")));
    }
    if !dir.is_dir() {
        remove_folders(&missing);
        return Err(err("output path is not a folder".into()));
    }
    Ok(missing)
}

/// Checks that files can be created in `dir` (with a probe file removed at once). Folders that
/// did not exist are created for the probe and removed again: the check leaves nothing behind.
/// Errors name the folder.
pub fn prepare_dir(dir: &Path) -> Result<(), OutputError> {
    let created = create_folders(dir)?;
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    let r = std::fs::write(&probe, b"").map_err(|e| OutputError {
        path: dir.to_path_buf(),
        message: format!("output folder is not writable: {e}"),
    });
    let _ = std::fs::remove_file(&probe);
    remove_folders(&created);
    r
}

/// A set of files being written; nothing is visible under the final names until
/// [`Staging::commit`].
#[derive(Debug, Default)]
pub struct Staging {
    pending: Vec<(PathBuf, PathBuf)>,
    created: Vec<PathBuf>,
    committed: bool,
}

impl Staging {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `target` and returns the temporary path to write it to (same folder, hidden
    /// name, same extension so that encoders choosing the format by extension still work).
    /// Creates the folder if needed (removed again if the set is not committed).
    pub fn temp_path(&mut self, target: &Path) -> Result<PathBuf, OutputError> {
        let dir = target.parent().unwrap_or(Path::new("."));
        if !dir.as_os_str().is_empty() && !dir.is_dir() {
            let made = create_folders(dir)?;
            self.created.extend(made);
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = target
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}{ext}", std::process::id()));
        self.pending.push((tmp.clone(), target.to_path_buf()));
        Ok(tmp)
    }

    /// Writes `bytes` for `target` (to its temporary path).
    pub fn write(&mut self, target: &Path, bytes: &[u8]) -> Result<(), OutputError> {
        let tmp = self.temp_path(target)?;
        std::fs::write(&tmp, bytes).map_err(|e| OutputError {
            path: target.to_path_buf(),
            message: format!("cannot write: {e}"),
        })
    }

    /// Renames every temporary file to its final name; returns the final paths in order.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let mut done = Vec::new();
        for (tmp, target) in &self.pending {
            std::fs::rename(tmp, target).map_err(|e| OutputError {
                path: target.clone(),
                message: format!("cannot move the finished file into place: {e}"),
            })?;
            done.push(target.clone());
        }
        self.committed = true;
        Ok(done)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            for (tmp, _) in &self.pending {
                let _ = std::fs::remove_file(tmp);
            }
            remove_folders(&self.created);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_visible_until_commit_and_temps_removed_on_drop() {
        let dir = std::env::temp_dir().join(format!("secp-staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        prepare_dir(&dir.join("deep")).unwrap();
        assert!(!dir.exists(), "the check leaves no folder behind");
        let target = dir.join("deep/a.csv");
        {
            let mut s = Staging::new();
            s.write(&target, b"x").unwrap();
            assert!(!target.exists());
            assert!(dir.join("deep").is_dir());
        }
        assert!(!dir.exists(), "an uncommitted set leaves no folder behind");
        let mut s = Staging::new();
        s.write(&target, b"y").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"y");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_below_a_file_is_refused() {
        let file = std::env::temp_dir().join(format!("secp-notadir-{}", std::process::id()));
        std::fs::write(&file, b"").unwrap();
        let e = prepare_dir(&file.join("results")).unwrap_err();
        assert!(e.message.contains("cannot be created"), "{e}");
        std::fs::remove_file(&file).unwrap();
    }
}
