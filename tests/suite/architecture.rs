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
    &["sweep", "tournament", "audit"],
    // What is built on a sweep's points; the pages that draw every result (a sweep's headline
    // metrics are the sweep's).
    &["discover", "report"],
    // Runs, sweeps and tournaments in slices, merged.
    &["shard"],
    // Job scripts.
    &["slurm"],
    // The commands, as the binary and the Python package run them.
    &["cli"],
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

/// `(module, path, text)` of every library file (but lib.rs and the binary's main.rs).
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
            (!["main", "lib"].contains(&module.as_str())).then_some((module, p, text))
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

/// Every function of the files under `dir` longer than `limit` lines, as `file:line: n lines`.
fn long_functions(dir: &str, limit: usize) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(Path::new(dir), &mut files);
    let mut long = Vec::new();
    for p in files {
        let text = fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            let indent = l.len() - t.len();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(super) fn ",
                "pub(crate) fn ",
                "const fn ",
            ]
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
            if end + 1 > limit {
                long.push(format!("{}:{}: {} lines", p.display(), i + 1, end + 1));
            }
        }
    }
    long
}

/// No function in the library or the binary, tests beside the code included, is over 100 lines:
/// a longer one does several things, each of which deserves a name.
#[test]
fn no_function_is_over_100_lines() {
    let long = long_functions("src", 100);
    assert!(long.is_empty(), "{long:?}");
}

/// The CLI only glues: parse, load, run, write. A function that grows past 80 lines is doing the
/// library's work.
#[test]
fn no_cli_function_is_over_80_lines() {
    let long = long_functions("src/cli", 80);
    assert!(long.is_empty(), "{long:?}");
}

/// A file's module path from `src/`: `src/engine/mod.rs` is `engine`, `src/engine/clock.rs` is
/// `engine::clock`, `src/lib.rs` and `src/main.rs` the crate roots (the empty path).
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix("src").unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !["mod", "lib", "main"].contains(&stem) {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without comments and without its test module (`#[cfg(test)]` and what
/// follows), whose `use super::*` is the file itself.
fn code(text: &str) -> String {
    let body = text.split("#[cfg(test)]").next().unwrap();
    body.lines()
        .map(|l| match l.find("//") {
            Some(k) => &l[..k],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments of every path that starts at `prefix` (`super::`, `crate::`, `self::` or a
/// child module's name), groups `{a, b::c}` expanded: `["engine", "clock"]`, `["Engine"]`, ...
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    fn ident(s: &str) -> (&str, &str) {
        let n = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        (&s[..n], &s[n..])
    }
    // Segments of one path at the start of `s`, expanding a group into several paths.
    fn parse(s: &str, head: Vec<String>, out: &mut Vec<Vec<String>>) {
        let s = s.trim_start();
        if let Some(rest) = s.strip_prefix('{') {
            // Split the group at its top-level commas.
            let (mut depth, mut start) = (0, 0);
            for (k, c) in rest.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        parse(&rest[start..k], head.clone(), out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        parse(&rest[start..k], head.clone(), out);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let (name, rest) = ident(s);
        if name.is_empty() {
            if !head.is_empty() {
                out.push(head);
            }
            return;
        }
        let mut head = head;
        head.push(name.to_string());
        match rest.strip_prefix("::") {
            Some(more) => parse(more, head, out),
            None => out.push(head),
        }
    }
    let mut out = Vec::new();
    for (k, _) in code.match_indices(prefix) {
        let before = code[..k].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        parse(&code[k + prefix.len()..], Vec::new(), &mut out);
    }
    out
}

/// Every file's imports of other files of the crate it belongs to (the library, or the binary's
/// `main.rs`), as edges between module paths.
fn file_graph() -> Vec<(Vec<String>, Vec<String>)> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let modules: Vec<(Vec<String>, bool, String)> = files
        .iter()
        .map(|f| {
            let root = f.ends_with("main.rs");
            (module_path(f), root, code(&fs::read_to_string(f).unwrap()))
        })
        .collect();
    let exists = |p: &[String], bin: bool| {
        modules
            .iter()
            .any(|(m, b, _)| m.as_slice() == p && *b == bin)
    };
    // The file a path names: its longest prefix that is a module of the same crate.
    let resolve = |path: &[String], bin: bool| -> Option<Vec<String>> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| exists(p, bin))
    };
    let mut edges = Vec::new();
    for (me, bin, text) in &modules {
        let is_dir = files.iter().any(|f| {
            module_path(f) == *me
                && ["mod.rs", "lib.rs", "main.rs"]
                    .iter()
                    .any(|m| f.ends_with(m))
        });
        // `super` of a folder's mod.rs is the folder's parent; of a file, its folder.
        let parent: Vec<String> = if is_dir {
            me[..me.len().saturating_sub(1)].to_vec()
        } else {
            me[..me.len() - 1].to_vec()
        };
        let here: Vec<String> = if is_dir { me.clone() } else { parent.clone() };
        let mut targets = Vec::new();
        for p in paths_after(text, "super::") {
            targets.push([parent.clone(), p].concat());
        }
        for p in paths_after(text, "crate::") {
            targets.push(p);
        }
        for p in paths_after(text, "self::") {
            targets.push([me.clone(), p].concat());
        }
        // A child module named bare (`clock::run`, `use clock::Ender`).
        for line in text.lines() {
            if let Some(name) = line
                .trim()
                .strip_prefix("mod ")
                .or_else(|| line.trim().strip_prefix("pub mod "))
                .and_then(|r| r.strip_suffix(';'))
            {
                for p in paths_after(text, &format!("{name}::")) {
                    targets.push([here.clone(), vec![name.to_string()], p].concat());
                }
            }
        }
        for t in targets {
            if let Some(to) = resolve(&t, *bin)
                && to != *me
                && !edges.contains(&(me.clone(), to.clone()))
            {
                edges.push((me.clone(), to));
            }
        }
    }
    edges
}

/// The circles of a graph of edges between module paths, each as the names around it.
fn circles(edges: &[(Vec<String>, Vec<String>)]) -> Vec<String> {
    let mut nodes: Vec<Vec<String>> = edges
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    nodes.sort();
    nodes.dedup();
    let name = |p: &Vec<String>| {
        if p.is_empty() {
            "crate".to_string()
        } else {
            p.join("::")
        }
    };
    // Depth-first search for back edges; each closes a circle.
    fn visit(
        k: usize,
        nodes: &[Vec<String>],
        edges: &[(Vec<String>, Vec<String>)],
        state: &mut [u8],
        stack: &mut Vec<usize>,
        found: &mut Vec<Vec<usize>>,
    ) {
        state[k] = 1;
        stack.push(k);
        for (_, to) in edges.iter().filter(|(a, _)| *a == nodes[k]) {
            let j = nodes.iter().position(|n| n == to).unwrap();
            match state[j] {
                0 => visit(j, nodes, edges, state, stack, found),
                1 => {
                    let from = stack.iter().position(|&s| s == j).unwrap();
                    found.push(stack[from..].to_vec());
                }
                _ => {}
            }
        }
        stack.pop();
        state[k] = 2;
    }
    let mut found = Vec::new();
    let mut state = vec![0u8; nodes.len()];
    for k in 0..nodes.len() {
        if state[k] == 0 {
            visit(k, &nodes, edges, &mut state, &mut Vec::new(), &mut found);
        }
    }
    found
        .iter()
        .map(|c| {
            let mut names: Vec<String> = c.iter().map(|&k| name(&nodes[k])).collect();
            names.push(names[0].clone());
            names.join(" -> ")
        })
        .collect()
}

/// No file imports from a file that imports from it, directly or around a circle: within a
/// folder too (a folder's `mod.rs` re-exports its files' items, so those files must not reach back
/// into it), so that every file can be read knowing only the files below it.
#[test]
fn no_import_circle_between_files() {
    let found = circles(&file_graph());
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

/// The search finds a circle where there is one (around three files, and a file and its
/// folder's mod.rs).
#[test]
fn the_circle_search_finds_circles() {
    let p = |s: &str| s.split("::").map(String::from).collect::<Vec<String>>();
    let edges = vec![
        (p("a::x"), p("a::y")),
        (p("a::y"), p("a::z")),
        (p("a::z"), p("a::x")),
    ];
    assert_eq!(circles(&edges), vec!["a::x -> a::y -> a::z -> a::x"]);
    let edges = vec![(p("a"), p("a::x")), (p("a::x"), p("a")), (p("a"), p("b"))];
    assert_eq!(circles(&edges).len(), 1);
    assert!(circles(&[(p("a"), p("b"))]).is_empty());
}

/// The graph the test above reads is the one it should: a file's imports of its folder's files
/// and of its folder's `mod.rs` are both seen.
#[test]
fn the_file_graph_sees_imports_within_a_folder() {
    let edges = file_graph();
    let has = |a: &str, b: &str| {
        let split = |s: &str| -> Vec<String> {
            if s.is_empty() {
                vec![]
            } else {
                s.split("::").map(String::from).collect()
            }
        };
        edges.contains(&(split(a), split(b)))
    };
    assert!(has(
        "strategy::equilibrium::continuous",
        "strategy::equilibrium::hold"
    ));
    assert!(has("strategy::equilibrium", "strategy::equilibrium::plan"));
    assert!(has("engine", "model"));
    assert!(has("engine::event_loop", "engine::setup"));
    assert!(has("engine::event_loop", "engine::shadow"));
}
