//! The scenario reference documents every field the parser accepts. The field names come from the
//! parser itself: an unknown key makes serde list every field that table accepts.

use impasse::scenario::load_str;

const BASE: &str = r#"
[parties.a]
stake = 1
strategy = "never"
[parties.b]
stake = 1
strategy = "never"
[simulation]
horizon = 1
"#;

/// The names serde lists in the error for `probe` (appended to, or replacing part of, BASE).
fn accepted(text: &str) -> Vec<String> {
    let err = load_str("probe.toml", text, &[])
        .expect_err("the probe is invalid")
        .to_string();
    if err.ends_with("there are no fields") {
        return Vec::new();
    }
    let (_, expected) = err
        .split_once("expected")
        .unwrap_or_else(|| panic!("{err}"));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

#[test]
fn every_field_the_parser_accepts_is_in_the_scenario_reference() {
    let doc = std::fs::read_to_string("docs/scenario-reference.md").unwrap();
    let with = |from: &str, to: &str| BASE.replacen(from, to, 1);
    let mut probes = vec![
        format!("zzz = 1\n{BASE}"),
        with("stake = 1\n", "stake = 1\nzzz = 1\n"),
        with("stake = 1\n", "stake = 1\npressure = { zzz = 1 }\n"),
        with(
            "stake = 1\n",
            "stake = 1\ndeadline = { at = 1, action = \"zzz\" }\n",
        ),
        with("stake = 1\n", "stake = 1\ndeadline = { zzz = 1 }\n"),
        with(
            "stake = 1\n",
            "stake = 1\nresolve = { distribution = \"zzz\" }\n",
        ),
        with("\"never\"", "{ kind = \"zzz\" }"),
        with("horizon = 1", "horizon = 1\nzzz = 1"),
        format!("deadline = {{ at = 1, zzz = 1 }}\n{BASE}"),
        format!("talks = {{ every = 1, zzz = 1 }}\n{BASE}"),
        format!("simultaneous = \"zzz\"\n{BASE}"),
        format!("{BASE}\n[breakdown]\nzzz = 1\n"),
        format!("{BASE}\n[[event]]\nname = \"e\"\nzzz = 1\n"),
        format!("{BASE}\n[sweep]\nzzz = 1\n"),
        format!("{BASE}\n[tournament]\nzzz = 1\n"),
        format!("{BASE}\n[audit]\nzzz = 1\n"),
    ];
    // Each strategy's and each distribution's own fields.
    for kind in accepted(&probes[6]) {
        probes.push(with(
            "\"never\"",
            &format!("{{ kind = \"{kind}\", zzz = 1 }}"),
        ));
    }
    for dist in accepted(&probes[5]) {
        probes.push(with(
            "stake = 1\n",
            &format!("stake = 1\nresolve = {{ distribution = \"{dist}\", zzz = 1 }}\n"),
        ));
    }
    let mut missing = Vec::new();
    for p in &probes {
        for name in accepted(p) {
            let quoted = [format!("`{name}`"), format!("`\"{name}\"`")];
            if !quoted.iter().any(|q| doc.contains(q.as_str())) {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/scenario-reference.md lacks {missing:?}"
    );
}

/// The strategy kinds the parser accepts.
fn strategy_kinds() -> Vec<String> {
    accepted(&BASE.replacen("\"never\"", "{ kind = \"zzz\" }", 1))
}

#[test]
fn every_strategy_kind_has_a_catalogue_entry_and_documentation() {
    let kinds = strategy_kinds();
    assert!(kinds.len() >= 9, "{kinds:?}");
    let mut catalogued: Vec<&str> = impasse::model::CATALOG.iter().map(|s| s.name).collect();
    catalogued.sort();
    let mut parsed: Vec<&str> = kinds.iter().map(String::as_str).collect();
    parsed.sort();
    assert_eq!(catalogued, parsed, "CATALOG and the parser disagree");
    let model = std::fs::read_to_string("docs/model.md").unwrap();
    let reference = std::fs::read_to_string("docs/scenario-reference.md").unwrap();
    for k in &kinds {
        assert!(
            model.contains(&format!("| `{k}")),
            "docs/model.md's strategy table lacks `{k}`"
        );
        assert!(
            reference.contains(&format!("| `\"{k}\"`")),
            "docs/scenario-reference.md's strategy table lacks `{k}`"
        );
    }
}

/// `impasse check` shows every field that changes results: every field a party table or the top
/// level accepts is named in its output (with a value only the field could have put there), and
/// nothing is printed in Rust's debug form.
#[test]
fn check_prints_every_field_that_changes_results() {
    let text = r#"
simultaneous = "status_quo"
talks = { every = 0.25, first = 0.5 }
[parties.a]
label = "Side A"
stake = 1.5
demand = 0.8
discount_rate = 0.03
pressure = { initial = 0.11, growth = 0.012 }
leverage = 0.13
breakdown_cost = 0.14
audience_cost = { initial = 0.15, growth = -0.016 }
status_quo = 0.17
deadline = { at = 7.5, action = "walk_out" }
resolve = { distribution = "uniform", low = 0.8, high = 1.2 }
belief = { distribution = "gamma", shape = 2, scale = 0.75 }
strategy = { kind = "hazard", rate = 0.21, growth = 0.022 }
[parties.b]
stake = 1
strategy = { kind = "time_dependent", e = 0.5, reservation = 0.3, by = 6 }
[breakdown]
hazard = { initial = 0.031, growth = 0.0032 }
[deadline]
at = 9
breakdown_probability = 0.41
[[event]]
name = "package"
rate = 0.51
max = 3
party = "a"
effects = ["pressure += 0.052", "belief *= 1.2"]
[simulation]
rounds = 1234
seed = 77
horizon = 8.5
bins = 13
"#;
    let shown = crate::common::check(text);
    for needle in [
        "status_quo (two concessions",
        "talks every 0.25, first at 0.5",
        "Side A",
        "stake 1.5",
        "demand 0.8",
        "discount_rate 0.03",
        "pressure 0.11 + 0.012 t",
        "leverage 0.13",
        "breakdown_cost 0.14",
        "audience_cost 0.15 - 0.016 t",
        "status_quo 0.17",
        "deadline at 7.5: walks out",
        "uniform(0.8, 1.2)",
        "belief about b: gamma(2, 0.75) (mean 1.5)",
        "hazard (rate 0.21, growth 0.022)",
        "time_dependent (e 0.5, reservation 0.3, by 6)",
        "breakdown hazard 0.031 + 0.0032 t",
        "deadline at 9 (breakdown probability 0.41)",
        "event \"package\" at rate 0.51 (at most 3 times) on a: pressure += 0.052, belief *= 1.2",
        "1234 rounds, seed 77, horizon 8.5, 13 bins",
    ] {
        assert!(
            shown.contains(needle),
            "check does not show `{needle}`:\n{shown}"
        );
    }
    for debug in [
        "Some(",
        "None",
        " {",
        "Hazard",
        "Poisson",
        "Equilibrium",
        "TimeDependent",
    ] {
        assert!(
            !shown.contains(debug),
            "check prints a debug form `{debug}`:\n{shown}"
        );
    }
    // Every field of a party table and of the top level is named.
    let party_fields = accepted(&BASE.replacen("stake = 1\n", "stake = 1\nzzz = 1\n", 1));
    let top_fields = accepted(&format!("zzz = 1\n{BASE}"));
    let ignored = [
        "title",
        "description",
        "parties",
        "sweep",
        "tournament",
        "audit",
        "manifest",
        "event",
    ];
    for f in party_fields.iter().chain(&top_fields) {
        let word = f.replace('_', " ");
        if ignored.contains(&f.as_str()) || f == "label" {
            continue;
        }
        assert!(
            shown.contains(f.as_str()) || shown.contains(&word),
            "check does not name `{f}`:\n{shown}"
        );
    }
}

/// Every identifier defined in `src/` and `tests/` (functions, types, traits, constants, modules,
/// enum variants, fields) or named in an attribute (`deny_unknown_fields`).
fn defined_in_code() -> std::collections::HashSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut texts = Vec::new();
    walk(std::path::Path::new("src"), &mut texts);
    walk(std::path::Path::new("tests"), &mut texts);
    let mut names = std::collections::HashSet::new();
    for text in &texts {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        for w in words.windows(2) {
            if [
                "fn", "struct", "enum", "trait", "const", "type", "mod", "static",
            ]
            .contains(&w[0])
            {
                names.insert(w[1].to_string());
            }
        }
        // Enum variants and fields: a capitalised or lower-case name at the start of a line,
        // followed by `,`, `(`, `{` or `:`.
        for line in text.lines() {
            if line.trim_start().starts_with("#[") {
                let words = line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
                names.extend(words.filter(|w| !w.is_empty()).map(String::from));
            }
            let t = line
                .trim_start()
                .trim_start_matches("pub(super) ")
                .trim_start_matches("pub ");
            let name: String = t
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let rest = &t[name.len()..];
            if !name.is_empty() && [",", "(", " {", ":"].iter().any(|s| rest.starts_with(s)) {
                names.insert(name);
            }
        }
    }
    names
}

/// docs/extending.md names files and code: every path it names exists, and every identifier it
/// names (in backticks: `Setup`, `PartyClock::compile`, `terms`, ...) is defined in `src/`, so it
/// cannot drift from the code unnoticed.
#[test]
fn every_path_and_identifier_extending_md_names_exists() {
    let doc = std::fs::read_to_string("docs/extending.md").unwrap();
    let defined = defined_in_code();
    let mut missing = Vec::new();
    for (k, code) in doc.split('`').enumerate() {
        if k % 2 == 0 || code.contains(' ') || code.is_empty() {
            continue;
        }
        if code.contains('/') || code.ends_with(".rs") || code.ends_with(".md") {
            // A file or folder, from the top of the repository or (a bare file name) in src/.
            let path = code.trim_end_matches('/');
            let found = std::path::Path::new(path).exists()
                || [
                    "src/engine/",
                    "src/strategy/equilibrium/",
                    "src/model/",
                    "src/",
                ]
                .iter()
                .any(|d| std::path::Path::new(&format!("{d}{path}")).exists());
            if !found {
                missing.push(format!("file {code}"));
            }
            continue;
        }
        let ident = code.trim_end_matches("()");
        if !ident
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        {
            continue;
        }
        // `a::b::c`: every segment is something the code defines (a module, type or item), or a
        // scenario word (a strategy's name, a field).
        for seg in ident.split("::") {
            if !defined.contains(seg) && !is_strategy_or_field(seg) {
                missing.push(format!("`{code}` ({seg})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/extending.md names what src/ does not have: {missing:?}"
    );
}

/// Scenario words the docs name in backticks that are strategy names or scenario fields rather
/// than code (`time_dependent`, `breakdown_cost`).
fn is_strategy_or_field(word: &str) -> bool {
    impasse::model::CATALOG.iter().any(|s| s.name == word)
        || std::fs::read_to_string("docs/scenario-reference.md")
            .unwrap()
            .contains(&format!("`{word}`"))
}

/// Every test docs/model.md and README.md cite (`module::test_name` in backticks, a module of
/// tests/suite/) exists: a figure said to be measured by a test is measured by one.
#[test]
fn every_test_the_docs_cite_exists() {
    let suite = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite");
    let mut cited = 0;
    for doc in ["docs/model.md", "README.md"] {
        let text =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc))
                .unwrap();
        for quoted in text.split('`').skip(1).step_by(2) {
            let Some((module, name)) = quoted.split_once("::") else {
                continue;
            };
            let file = suite.join(format!("{module}.rs"));
            let is_test_name = name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if !file.is_file() || !is_test_name {
                continue;
            }
            cited += 1;
            let source = std::fs::read_to_string(&file).unwrap();
            assert!(
                source.contains(&format!("fn {name}(")),
                "{doc} cites `{quoted}`, which tests/suite/{module}.rs does not define"
            );
        }
    }
    assert!(cited >= 2, "the docs cite {cited} tests");
}
