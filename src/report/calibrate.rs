//! `calibrate`: least-squares fit of named device-profile constants to a reference table of
//! per-iteration times, with the residuals of every row (in the fit or left out).
//!
//! Model (see [`mod@crate::net::price`]): `seconds = rounds x latency + max_sent / bandwidth +
//! (ps_per_round x rounds + ps_per_opened_element x opened_elements + ps_per_mac x macs) / 10^12`.
//! The network part is fixed by the scenario; the chosen constants are fitted, the others keep the
//! scenario's values. Constants are picoseconds and cannot be negative: the fit is a
//! non-negative least squares (every subset of the fitted constants is tried; the best feasible
//! one wins). One set of constants for all rows; nothing is fitted per row.

use super::Results;
use crate::net::{ComputeProfile, price};

/// A device-profile constant that can be fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constant {
    /// `ps_per_round`.
    PsPerRound,
    /// `ps_per_opened_element`.
    PsPerOpenedElement,
    /// `ps_per_mac`.
    PsPerMac,
}

impl Constant {
    /// Every constant.
    pub const ALL: [Constant; 3] = [
        Constant::PsPerRound,
        Constant::PsPerOpenedElement,
        Constant::PsPerMac,
    ];

    /// Name as in the scenario's `[device]` table.
    pub fn name(self) -> &'static str {
        match self {
            Constant::PsPerRound => "ps_per_round",
            Constant::PsPerOpenedElement => "ps_per_opened_element",
            Constant::PsPerMac => "ps_per_mac",
        }
    }

    /// Parses a name.
    pub fn parse(s: &str) -> Result<Constant, String> {
        Constant::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown constant `{s}` (known: ps_per_round, ps_per_opened_element, ps_per_mac)"
                )
            })
    }

    fn get(self, p: &ComputeProfile) -> u64 {
        match self {
            Constant::PsPerRound => p.ps_per_round,
            Constant::PsPerOpenedElement => p.ps_per_opened_element,
            Constant::PsPerMac => p.ps_per_mac,
        }
    }

    fn set(self, p: &mut ComputeProfile, v: u64) {
        match self {
            Constant::PsPerRound => p.ps_per_round = v,
            Constant::PsPerOpenedElement => p.ps_per_opened_element = v,
            Constant::PsPerMac => p.ps_per_mac = v,
        }
    }
}

/// A reference time: `method@network` took `seconds` per iteration.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceRow {
    /// Method name.
    pub method: String,
    /// Network name.
    pub network: String,
    /// Reference seconds per iteration.
    pub seconds: f64,
}

impl ReferenceRow {
    /// `method@network`.
    pub fn key(&self) -> String {
        format!("{}@{}", self.method, self.network)
    }
}

/// One row of the calibration report.
#[derive(Clone, Debug, PartialEq)]
pub struct ResidualRow {
    /// The reference row.
    pub reference: ReferenceRow,
    /// Whether it was used in the fit.
    pub in_fit: bool,
    /// Simulated seconds with the fitted profile.
    pub simulated: f64,
}

/// The fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// The fitted profile (non-fitted constants as in the scenario).
    pub profile: ComputeProfile,
    /// Every reference row with its simulated time.
    pub rows: Vec<ResidualRow>,
}

/// Reads a reference table: CSV with columns `method,network,seconds` (others ignored).
pub fn read_reference(text: &str) -> Result<Vec<ReferenceRow>, String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().map_err(|e| e.to_string())?.clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .ok_or_else(|| format!("reference table: column `{n}` is missing"))
    };
    let (m, n, s) = (col("method")?, col("network")?, col("seconds")?);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("reference table row {}: {e}", i + 2))?;
        let seconds: f64 = rec[s].parse().map_err(|_| {
            format!(
                "reference table row {}: `seconds` is not a number: {}",
                i + 2,
                &rec[s]
            )
        })?;
        out.push(ReferenceRow {
            method: rec[m].to_string(),
            network: rec[n].to_string(),
            seconds,
        });
    }
    Ok(out)
}

/// The paper's rows as a reference table.
pub fn paper_reference() -> Vec<ReferenceRow> {
    super::paper::ROWS
        .iter()
        .map(|r| ReferenceRow {
            method: r.method.into(),
            network: r.network.into(),
            seconds: r.seconds,
        })
        .collect()
}

fn solve(a: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    // Normal equations (k <= 3) with Gaussian elimination and partial pivoting.
    let k = a.first()?.len();
    let mut m = vec![vec![0.0; k + 1]; k];
    for (row, &yy) in a.iter().zip(y) {
        for i in 0..k {
            for j in 0..k {
                m[i][j] += row[i] * row[j];
            }
            m[i][k] += row[i] * yy;
        }
    }
    for c in 0..k {
        let p = (c..k).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() < 1e-300 {
            return None;
        }
        m.swap(c, p);
        let pivot = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..k).map(|i| m[i][k] / m[i][i]).collect())
}

/// Fits `constants` on the rows whose `method@network` is in `fit_rows`; reports all rows.
pub fn calibrate(
    results: &Results,
    reference: &[ReferenceRow],
    constants: &[Constant],
    fit_rows: &[String],
) -> Result<Calibration, String> {
    let net = |name: &str| results.loaded.networks.iter().find(|n| n.name == name);
    let mut usable = Vec::new();
    for r in reference {
        if let (Some(m), Some(n)) = (results.method(&r.method), net(&r.network)) {
            usable.push((r.clone(), m, n));
        }
    }
    for f in fit_rows {
        if !usable.iter().any(|(r, _, _)| &r.key() == f) {
            return Err(format!(
                "fit row `{f}` is not both in the reference table and in the scenario"
            ));
        }
    }
    if constants.is_empty() {
        return Err("no constant to fit".into());
    }
    let mut base = results.loaded.compute.clone();
    for c in constants {
        c.set(&mut base, 0);
    }
    // y (ps) = reference - network part - non-fitted compute; features per fitted constant.
    let mut a = Vec::new();
    let mut y = Vec::new();
    for (r, m, n) in usable
        .iter()
        .filter(|(r, _, _)| fit_rows.contains(&r.key()))
    {
        let fixed = price(&m.total().online, n, &base).total.as_secs_f64();
        let t = &m.total().online;
        let x = |c: Constant| match c {
            Constant::PsPerRound => t.rounds.0 as f64,
            Constant::PsPerOpenedElement => t.opened_elements as f64,
            Constant::PsPerMac => t.macs as f64,
        };
        a.push(constants.iter().map(|&c| x(c)).collect::<Vec<f64>>());
        y.push((r.seconds - fixed) * 1e12);
    }
    // Non-negative least squares by enumerating the active sets.
    let k = constants.len();
    let mut best: Option<(f64, Vec<f64>)> = None;
    for mask in 0u32..(1 << k) {
        let idx: Vec<usize> = (0..k).filter(|i| mask & (1 << i) != 0).collect();
        let mut p = vec![0.0; k];
        if !idx.is_empty() {
            let sub: Vec<Vec<f64>> = a
                .iter()
                .map(|row| idx.iter().map(|&i| row[i]).collect())
                .collect();
            let Some(sol) = solve(&sub, &y) else { continue };
            if sol.iter().any(|v| !v.is_finite() || *v < 0.0) {
                continue;
            }
            for (j, &i) in idx.iter().enumerate() {
                p[i] = sol[j];
            }
        }
        let sse: f64 = a
            .iter()
            .zip(&y)
            .map(|(row, yy)| {
                let f: f64 = row.iter().zip(&p).map(|(x, q)| x * q).sum();
                (f - yy).powi(2)
            })
            .sum();
        if best.as_ref().is_none_or(|(b, _)| sse < *b) {
            best = Some((sse, p));
        }
    }
    let (_, p) = best.ok_or("no feasible fit")?;
    let mut profile = base;
    for (c, v) in constants.iter().zip(&p) {
        c.set(&mut profile, v.round() as u64);
    }
    profile.name = format!("{}-fit", results.loaded.compute.name);
    let rows = usable
        .iter()
        .map(|(r, m, n)| ResidualRow {
            in_fit: fit_rows.contains(&r.key()),
            simulated: price(&m.total().online, n, &profile).total.as_secs_f64(),
            reference: r.clone(),
        })
        .collect();
    Ok(Calibration { profile, rows })
}

impl Calibration {
    /// A readable report: the fitted constants as a `[device]` snippet, then every row.
    pub fn render(&self, constants: &[Constant]) -> String {
        let mut s = String::from("[device]\n");
        s.push_str(&format!("name = \"{}\"\n", self.profile.name));
        for c in Constant::ALL {
            let tag = if constants.contains(&c) {
                "  # fitted"
            } else {
                ""
            };
            s.push_str(&format!("{} = {}{tag}\n", c.name(), c.get(&self.profile)));
        }
        s.push_str(
            "\nrow                          role        reference s   simulated s   residual\n",
        );
        for r in &self.rows {
            s.push_str(&format!(
                "{:<28} {:<11} {:>11.2} {:>13.2} {:>+9.1}%\n",
                r.reference.key(),
                if r.in_fit { "in_fit" } else { "left_out" },
                r.reference.seconds,
                r.simulated,
                (r.simulated / r.reference.seconds - 1.0) * 100.0
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_an_exact_two_parameter_system() {
        let a = vec![vec![1.0, 2.0], vec![3.0, 1.0]];
        let y = vec![5.0, 5.0];
        let p = solve(&a, &y).unwrap();
        assert!((p[0] - 1.0).abs() < 1e-9 && (p[1] - 2.0).abs() < 1e-9);
    }

    #[test]
    fn constant_names_round_trip() {
        for c in Constant::ALL {
            assert_eq!(Constant::parse(c.name()).unwrap(), c);
        }
        assert!(Constant::parse("ps_per_flop").is_err());
    }
}
