//! `check`: compare recomputed protocol counts with a committed baseline (`ops.csv` format).
//!
//! Rows are keyed by `method,phase,op`; the count columns (rounds, depth, opened elements, bytes
//! sent, CrypTen counters, MACs, dealer requests, offline bytes) must match exactly. Provenance
//! columns (seed, scenario hash, version) are ignored, so that editing a comment in a scenario
//! or bumping the version does not fail CI, while any change of a protocol's cost does.

use super::tables::{OPS_KEY, ops_count_columns};
use std::collections::BTreeMap;

type Rows = BTreeMap<Vec<String>, Vec<(String, String)>>;

fn parse(text: &str, what: &str) -> Result<Rows, String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| format!("{what}: cannot read the CSV header: {e}"))?
        .clone();
    let idx = |name: &str| -> Result<usize, String> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{what}: column `{name}` is missing"))
    };
    let keys: Vec<usize> = OPS_KEY.iter().map(|k| idx(k)).collect::<Result<_, _>>()?;
    let counts: Vec<(String, usize)> = ops_count_columns()
        .iter()
        .map(|c| idx(c).map(|i| (c.to_string(), i)))
        .collect::<Result<_, _>>()?;
    let mut rows = Rows::new();
    for (line, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{what}: row {}: {e}", line + 2))?;
        let key: Vec<String> = keys.iter().map(|&i| rec[i].to_string()).collect();
        let vals = counts
            .iter()
            .map(|(c, i)| (c.clone(), rec[*i].to_string()))
            .collect();
        if rows.insert(key.clone(), vals).is_some() {
            return Err(format!(
                "{what}: row {} repeats {}",
                line + 2,
                key.join("/")
            ));
        }
    }
    Ok(rows)
}

/// The distinct values of the baseline's `scenario` column (empty when it has none or cannot be
/// read), in order of first appearance: to tell a user who compares with another scenario's
/// baseline.
pub fn baseline_scenarios(baseline: &str) -> Vec<String> {
    let mut rdr = csv::Reader::from_reader(baseline.as_bytes());
    let Some(i) = rdr
        .headers()
        .ok()
        .and_then(|h| h.iter().position(|c| c == "scenario"))
    else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    for rec in rdr.records().flatten() {
        if let Some(v) = rec.get(i)
            && !names.iter().any(|n| n == v)
        {
            names.push(v.to_string());
        }
    }
    names
}

/// Compares `current` with `baseline` (both `ops.csv` text). Returns the differences as
/// readable lines (empty when every count matches), or an error when a file is malformed.
pub fn compare(baseline: &str, current: &str) -> Result<Vec<String>, String> {
    let base = parse(baseline, "baseline")?;
    let cur = parse(current, "recomputed")?;
    let mut diff = Vec::new();
    for (k, bv) in &base {
        match cur.get(k) {
            None => diff.push(format!(
                "- {}: row missing from the recomputed counts",
                k.join("/")
            )),
            Some(cv) => {
                for ((col, b), (_, c)) in bv.iter().zip(cv) {
                    if b != c {
                        let delta = match (b.parse::<i128>(), c.parse::<i128>()) {
                            (Ok(x), Ok(y)) => format!(" ({:+})", y - x),
                            _ => String::new(),
                        };
                        diff.push(format!("~ {}: {col} {b} -> {c}{delta}", k.join("/")));
                    }
                }
            }
        }
    }
    for k in cur.keys().filter(|k| !base.contains_key(*k)) {
        diff.push(format!("+ {}: new row not in the baseline", k.join("/")));
    }
    Ok(diff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(rounds: u64) -> String {
        let h = super::super::tables::ops_header().join(",");
        format!(
            "{h}\ns,fot,forward_eval,softmax,{rounds},1,2,3,4,5,6,7,8,9,10,1,abc,0.1.0\n\
             s,fot,forward_eval,all,{rounds},1,2,3,4,5,6,7,8,9,10,1,abc,0.1.0\n"
        )
    }

    #[test]
    fn equal_counts_pass_changed_counts_are_listed() {
        assert!(compare(&csv(5), &csv(5)).unwrap().is_empty());
        let d = compare(&csv(5), &csv(7)).unwrap();
        assert_eq!(
            d,
            vec![
                "~ fot/forward_eval/all: rounds 5 -> 7 (+2)",
                "~ fot/forward_eval/softmax: rounds 5 -> 7 (+2)"
            ]
        );
    }

    #[test]
    fn baseline_scenarios_lists_the_scenario_column() {
        let text = "scenario,method\na,x\nb,y\na,z\n";
        assert_eq!(baseline_scenarios(text), vec!["a", "b"]);
        assert!(baseline_scenarios("method\nx\n").is_empty());
    }

    #[test]
    fn provenance_is_ignored() {
        let a = csv(5);
        let b = a.replace("abc", "def");
        assert!(compare(&a, &b).unwrap().is_empty());
    }
}
