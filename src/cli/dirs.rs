//! The result directories the commands write: refusing a foreign one (`refuse_foreign`),
//! holding one for a single command at a time (`lock`), and reading which command wrote one
//! (`written_by`).

use super::*;

/// Refuse to write into a directory that holds anything but impasse's own results: its files
/// would be overwritten (`-o .` over a project's own summary.csv or figures/). impasse's own:
/// a manifest.toml naming a command, a sweep's unfinished `.sweep/`, shards' `part-*` folders,
/// and the folders other commands write by default inside a run's (`sweep/`, `audit/`, …).
pub(super) fn refuse_foreign(dir: &Path) -> Result<()> {
    if written_by(dir).is_some() {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(()); // not there yet: created empty
    };
    let own = |name: &str| {
        [".sweep", "sweep", "audit", "tournament", "discover"].contains(&name)
            || name.starts_with("part-")
            || name.contains(".tmp-")
    };
    let mut foreign: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !own(n))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let shown = foreign
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if foreign.len() > 3 { ", …" } else { "" };
    bail!(Usage(format!(
        "{} is not empty and does not hold impasse's results (it has {shown}{more}); impasse \
         writes only into a new or empty directory or over its own results: choose another --out",
        dir.display()
    )))
}

/// Hold `dir` (created if need be) for this command alone until the returned handle is dropped:
/// an advisory lock on the folder itself (no file is added to the results), which the system
/// releases when the process ends, however it ends. A second command writing into the same
/// folder at the same time is refused instead of interleaving its results with the first's.
pub(super) fn lock(dir: &Path) -> Result<Option<std::fs::File>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let Ok(handle) = std::fs::File::open(dir) else {
        return Ok(None);
    };
    match handle.try_lock() {
        Ok(()) => Ok(Some(handle)),
        Err(std::fs::TryLockError::WouldBlock) => bail!(Usage(format!(
            "{} is being written by another impasse command right now; wait for it to finish, \
             or choose another --out",
            dir.display()
        ))),
        // A file system without locks: go on unlocked, as before there were locks.
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// The command whose results `dir` holds, from its manifest.toml.
pub(super) fn written_by(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("manifest.toml")).ok()?;
    let doc: toml::Table = text.parse().ok()?;
    let command = doc.get("manifest")?.get("command")?.as_str()?;
    Some(command.to_string())
}
