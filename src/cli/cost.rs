//! `cost` (one iteration of one method, no scenario file) and `ops` (one protocol operation).

use super::{CliError, CostArgs, OpsArgs};
use crate::model::methods::{CostRow, Method, cost_rows, iteration_cost};
use crate::ops::{OpRow, Provider, elementwise_ops, run_op};
use crate::ring::Shape;
use crate::scenario::ModelSpec;
use crate::scenario::workload::{method_options, model_config};
use std::io::Write;

/// `cost`.
pub fn cost(a: &CostArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let method: Method = a.method.parse().map_err(CliError::input)?;
    let provider: Provider = a.provider.parse().map_err(CliError::input)?;
    let preset = match &a.preset {
        Some(p) => p.clone(),
        None => {
            if a.layers.is_none() || a.hidden.is_none() || a.heads.is_none() || a.ffn.is_none() {
                return Err(CliError::input(
                    "give --preset NAME, or all of --layers --hidden --heads --ffn",
                ));
            }
            // Sizes all given: start from a preset for the remaining fields (classes, vocab).
            "roberta-large".into()
        }
    };
    let spec = ModelSpec {
        preset,
        layers: a.layers,
        hidden: a.hidden,
        heads: a.heads,
        ffn: a.ffn,
        seq: Some(a.seq),
        batch: a.batch,
        classes: None,
        prompt_tokens: a.prompt_tokens,
        vocab: None,
        weights: None,
    };
    let config = model_config(&spec).map_err(|e| {
        CliError::input(format!(
            "--{}: {}",
            e.field.trim_start_matches("model.").replace('_', "-"),
            e.message
        ))
    })?;
    let mut t = toml::Table::new();
    let snake = |s: &str| s.replace('-', "_");
    if let Some(o) = &a.optimizer {
        t.insert("optimizer".into(), toml::Value::String(snake(o)));
    }
    if let Some(o) = &a.adam {
        t.insert("adam_scope".into(), toml::Value::String(snake(o)));
    }
    if let Some(o) = &a.profile {
        t.insert("profile".into(), toml::Value::String(snake(o)));
    }
    if let Some(f) = a.features {
        t.insert("features".into(), toml::Value::Integer(f as i64));
    }
    if let Some(d) = a.dropout {
        t.insert("dropout".into(), toml::Value::Float(d));
    }
    let opts = method_options(&t).map_err(|e| CliError::input(e.message))?;
    opts.validate_for(method, &config)
        .map_err(CliError::input)?;
    let cost = iteration_cost(method, &config, &opts, crate::engine::RunSeed(0));
    let _ = writeln!(out, "{}", CostRow::HEADER);
    for r in cost_rows(&cost, provider.policy()) {
        let _ = writeln!(out, "{}", r.to_csv());
    }
    Ok(())
}

/// `ops`.
pub fn ops(a: &OpsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let provider: Provider = a.provider.parse().map_err(CliError::input)?;
    let shape = if a.shape.is_empty() {
        Shape::new(vec![a.n])
    } else {
        Shape::new(a.shape.clone())
    };
    let rhs = (!a.rhs.is_empty()).then(|| Shape::new(a.rhs.clone()));
    let names: Vec<&str> = match &a.op {
        Some(op) => vec![op.as_str()],
        None => elementwise_ops(),
    };
    let mut rows: Vec<OpRow> = Vec::new();
    for name in names {
        rows.extend(run_op(name, &shape, rhs.as_ref(), provider).map_err(CliError::input)?);
    }
    let _ = writeln!(out, "{}", OpRow::csv_header());
    for r in rows {
        let _ = writeln!(out, "{}", r.to_csv_record());
    }
    Ok(())
}
