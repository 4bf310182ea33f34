//! Entrants: the strategies entered for each party, as specs (`hazard:rate=0.1`) or strategy
//! tables, and which list each party gets (the scenario's `[tournament]` table, `--entrants`
//! replacing a party's list, and the party's own strategy where it has none).

use crate::scenario::Loaded;

/// One strategy entered for one party.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entrant {
    /// How it is named in the CSV files: the spec as given (`hazard:rate=0.1`).
    pub name: String,
    /// The strategy as a TOML value, for `parties.<id>.strategy`.
    pub toml: String,
}

fn number_text(v: &str, spec: &str) -> Result<String, String> {
    let x: f64 = v
        .trim()
        .parse()
        .map_err(|_| format!("entrant `{spec}`: `{}` is not a number", v.trim()))?;
    if !x.is_finite() {
        return Err(format!(
            "entrant `{spec}`: `{}` is not a finite number",
            v.trim()
        ));
    }
    Ok(crate::output::csv::float(x))
}

impl Entrant {
    /// `name` or `kind:param=value:param=value`.
    pub fn parse(spec: &str) -> Result<Entrant, String> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err("an empty entrant spec".into());
        }
        let mut parts = spec.split(':');
        let kind = parts.next().unwrap_or_default().trim();
        if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("entrant `{spec}`: `{kind}` is not a strategy name"));
        }
        let mut fields = vec![format!("kind = \"{kind}\"")];
        for p in parts {
            let (k, v) = p.split_once('=').ok_or_else(|| {
                format!("entrant `{spec}`: `{p}` is not param=value (e.g. hazard:rate=0.1)")
            })?;
            let k = k.trim();
            if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("entrant `{spec}`: `{k}` is not a parameter name"));
            }
            fields.push(format!("{k} = {}", number_text(v, spec)?));
        }
        Ok(Entrant {
            name: spec.to_string(),
            toml: format!("{{ {} }}", fields.join(", ")),
        })
    }

    /// An entrant written in a scenario's `[tournament]` table: a spec string or a strategy table.
    pub fn from_toml(v: &toml::Value) -> Result<Entrant, String> {
        match v {
            toml::Value::String(s) => Entrant::parse(s),
            toml::Value::Table(t) => {
                let kind = t
                    .get("kind")
                    .and_then(toml::Value::as_str)
                    .ok_or_else(|| format!("entrant {v}: a strategy table needs `kind`"))?;
                let mut name = kind.to_string();
                for (k, x) in t.iter().filter(|(k, _)| *k != "kind") {
                    name.push_str(&format!(":{k}={x}"));
                }
                Ok(Entrant {
                    name,
                    toml: inline(t),
                })
            }
            other => Err(format!(
                "entrant {other}: expected a spec string or a strategy table"
            )),
        }
    }
}

fn inline(t: &toml::Table) -> String {
    let fields: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{ {} }}", fields.join(", "))
}

/// The entrants of each party: the `[tournament]` table's, with each `--entrants PARTY=SPEC,...`
/// in `flags` replacing a party's list; a party with none enters the strategy its scenario gives
/// it. The error is the message for the user.
pub fn resolve_entrants(loaded: &Loaded, flags: &[String]) -> Result<[Vec<Entrant>; 2], String> {
    let ids = [
        &loaded.scenario.parties[0].id,
        &loaded.scenario.parties[1].id,
    ];
    let position = |id: &str, from: &str| {
        ids.iter().position(|x| x.as_str() == id).ok_or_else(|| {
            format!(
                "{from}: there is no party `{id}` (parties: {}, {})",
                ids[0], ids[1]
            )
        })
    };
    let mut lists: [Vec<Entrant>; 2] = [Vec::new(), Vec::new()];
    if let Some(t) = &loaded.tournament {
        for (id, specs) in &t.entrants {
            let i = position(id, "[tournament] entrants")?;
            lists[i] = specs
                .iter()
                .map(Entrant::from_toml)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("[tournament] entrants.{id}: {e}"))?;
        }
    }
    for f in flags {
        let (id, specs) = f
            .split_once('=')
            .ok_or_else(|| format!("--entrants {f}: expected PARTY=SPEC,SPEC,..."))?;
        let i = position(id.trim(), &format!("--entrants {f}"))?;
        lists[i] = specs
            .split(',')
            .map(Entrant::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("--entrants {f}: {e}"))?;
    }
    let doc: toml::Table = loaded
        .resolved
        .parse()
        .map_err(|e| format!("re-reading the scenario: {e}"))?;
    for (i, list) in lists.iter_mut().enumerate() {
        if list.is_empty() {
            let own = &doc["parties"][ids[i].as_str()]["strategy"];
            list.push(Entrant::from_toml(own)?);
        }
    }
    Ok(lists)
}
