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
