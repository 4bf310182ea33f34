//! The architecture a newcomer can walk through, checked: the library's modules form layers,
//! each importing only from layers below it (so there is no cycle), no source file grows past
//! 800 lines, and no command function of the CLI past 80.

use std::fs;
use std::path::{Path, PathBuf};

/// The library's modules from the ground floor up. A module may use `crate::X` only for an X
/// on a lower floor.
const LAYERS: &[&[&str]] = &[
    // Numbers and streams: the per-round generator, rates and their integrals.
    &["rng", "rate", "numeric"],
    // What a scenario means.
    &["model"],
    // Reading scenarios, the strategies' mathematics, streaming statistics.
    &["scenario", "strategy", "aggregate"],
    // One round.
    &["engine"],
    // Many rounds; the closed forms (which ask the engine for its rates).
    &["runner", "predict"],
    // Files and tables.
    &["output"],
    // What is built on runs.
    &["sweep", "tournament", "audit", "discover", "report"],
    // Runs, sweeps and tournaments in slices, merged.
    &["shard"],
    // Job scripts.
    &["slurm"],
];

fn floor(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `(module, path, text)` of every library file (the CLI is the binary's, above them all).
fn library() -> Vec<(String, PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix("src").unwrap();
            let first = rel.components().next()?.as_os_str().to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            let text = fs::read_to_string(&p).unwrap();
            (!["cli", "main", "lib"].contains(&module.as_str())).then_some((module, p, text))
        })
        .collect()
}

#[test]
fn every_module_has_a_floor_and_imports_only_from_below() {
    let mut wrong = Vec::new();
    for (module, path, text) in library() {
        let Some(own) = floor(&module) else {
            wrong.push(format!(
                "{}: module `{module}` is on no floor",
                path.display()
            ));
            continue;
        };
        for (k, _) in text.match_indices("crate::") {
            let used: String = text[k + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if used == module {
                continue;
            }
            match floor(&used) {
                Some(f) if f < own => {}
                _ => wrong.push(format!(
                    "{}: `{module}` (floor {own}) uses crate::{used} (floor {:?})",
                    path.display(),
                    floor(&used)
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that run the wrong way:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_source_file_is_over_800_lines() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|p| (p, fs::read_to_string(p).unwrap().lines().count()))
        .filter(|(_, n)| *n > 800)
        .map(|(p, n)| format!("{}: {n} lines", p.display()))
        .collect();
    assert!(long.is_empty(), "{long:?}");
}

/// The CLI only glues: parse, load, run, write. A function that grows past 80 lines is doing the
/// library's work.
#[test]
fn no_cli_function_is_over_80_lines() {
    let mut files = Vec::new();
    rust_files(Path::new("src/cli"), &mut files);
    let mut long = Vec::new();
    for p in files {
        let text = fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            let indent = l.len() - t.len();
            let is_fn = ["fn ", "pub fn ", "pub(super) fn ", "pub(crate) fn "]
                .iter()
                .any(|p| t.starts_with(p));
            if !is_fn || t.ends_with(';') {
                continue;
            }
            // The function ends at the first closing brace at its own indentation.
            let close = format!("{}}}", " ".repeat(indent));
            let end = lines[i..]
                .iter()
                .position(|x| *x == close)
                .unwrap_or(lines.len() - i);
            if end + 1 > 80 {
                long.push(format!("{}:{}: {} lines", p.display(), i + 1, end + 1));
            }
        }
    }
    assert!(long.is_empty(), "{long:?}");
}
