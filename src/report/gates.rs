//! Report gates: `--fail-if 'dup_rate > 0.4'` makes `clean` exit with status 1 (after writing
//! every output) when the condition holds. A gate is `METRIC OP NUMBER`, OP one of
//! `> >= < <= == !=`. Metrics:
//!
//! | metric | meaning |
//! |---|---|
//! | `read`, `kept`, `dropped`, `invalid` | record counts |
//! | `kept_rate`, `dropped_rate`, `invalid_rate` | shares of the records read |
//! | `dup_rate` | share of valid records dropped as exact or near duplicates |
//! | `mean_quality` | mean quality of the kept records |
//! | `dropped.REASON` | share of the records read dropped for REASON (`dropped.low_quality`) |
//! | `dropped_count.REASON` | count of records dropped for REASON |
//! | `debris_lines` | removed debris lines and spans, all reasons |
//! | `clusters.largest` | size of the largest duplicate cluster |

use super::Report;
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl Op {
    fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
            Op::Lt => value < threshold,
            Op::Le => value <= threshold,
            Op::Eq => (value - threshold).abs() < 1e-12,
            Op::Ne => (value - threshold).abs() >= 1e-12,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

/// A parsed `--fail-if` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub metric: String,
    pub op: Op,
    pub threshold: f64,
}

/// The outcome of one gate, as recorded in `report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    pub expr: String,
    pub metric: String,
    pub op: Op,
    pub threshold: f64,
    pub value: f64,
    /// True when the failure condition holds: the run exits with status 1.
    pub failed: bool,
}

impl GateResult {
    /// One line for people: which gate failed and by how much.
    pub fn describe(&self) -> String {
        let verdict = if self.failed { "FAILED" } else { "passed" };
        format!(
            "gate {verdict}: {} ({} = {}, threshold {}, off by {})",
            self.expr,
            self.metric,
            fmt_num(self.value),
            fmt_num(self.threshold),
            fmt_num((self.value - self.threshold).abs())
        )
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

/// Parses `METRIC OP NUMBER`.
pub fn parse(expr: &str) -> Result<Gate> {
    let ops = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        (">", Op::Gt),
        ("<", Op::Lt),
    ];
    for (sym, op) in ops {
        if let Some((left, right)) = expr.split_once(sym) {
            let metric = left.trim().to_string();
            let threshold: f64 = right.trim().parse().map_err(|_| {
                anyhow::anyhow!("gate `{expr}`: `{}` is not a number", right.trim())
            })?;
            if !metric_is_known(&metric) {
                bail!("gate `{expr}`: unknown metric `{metric}` (see `copydesk clean --help`)");
            }
            return Ok(Gate {
                metric,
                op,
                threshold,
            });
        }
    }
    bail!("gate `{expr}`: expected METRIC OP NUMBER, e.g. `dup_rate > 0.4`")
}

fn metric_is_known(m: &str) -> bool {
    matches!(
        m,
        "read"
            | "kept"
            | "dropped"
            | "invalid"
            | "kept_rate"
            | "dropped_rate"
            | "invalid_rate"
            | "dup_rate"
            | "mean_quality"
            | "debris_lines"
            | "clusters.largest"
    ) || m.strip_prefix("dropped.").is_some_and(|r| !r.is_empty())
        || m.strip_prefix("dropped_count.")
            .is_some_and(|r| !r.is_empty())
}

/// The value of a metric in a report.
pub fn metric(report: &Report, name: &str) -> f64 {
    let c = &report.counts;
    let share = |n: u64| {
        if c.read == 0 {
            0.0
        } else {
            n as f64 / c.read as f64
        }
    };
    match name {
        "read" => c.read as f64,
        "kept" => c.kept as f64,
        "dropped" => c.dropped as f64,
        "invalid" => c.invalid as f64,
        "kept_rate" => share(c.kept),
        "dropped_rate" => share(c.dropped),
        "invalid_rate" => share(c.invalid),
        "dup_rate" => report.clusters.dup_rate,
        "mean_quality" => report.quality.mean_kept,
        "debris_lines" => report.debris.removed_by_reason.values().sum::<u64>() as f64,
        "clusters.largest" => report.clusters.largest as f64,
        other => {
            if let Some(reason) = other.strip_prefix("dropped_count.") {
                c.dropped_by_reason.get(reason).copied().unwrap_or(0) as f64
            } else if let Some(reason) = other.strip_prefix("dropped.") {
                share(c.dropped_by_reason.get(reason).copied().unwrap_or(0))
            } else {
                0.0
            }
        }
    }
}

/// Evaluates every gate against a report.
pub fn evaluate(report: &Report, gates: &[(String, Gate)]) -> Vec<GateResult> {
    gates
        .iter()
        .map(|(expr, g)| {
            let value = metric(report, &g.metric);
            GateResult {
                expr: format!("{} {} {}", g.metric, g.op.symbol(), fmt_num(g.threshold)),
                metric: g.metric.clone(),
                op: g.op,
                threshold: g.threshold,
                value: crate::quality::round4(value),
                failed: g.op.holds(value, g.threshold),
            }
            .with_expr(expr)
        })
        .collect()
}

impl GateResult {
    fn with_expr(mut self, expr: &str) -> Self {
        self.expr = expr.trim().to_string();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_operator_and_rejects_nonsense() {
        assert_eq!(parse("dup_rate > 0.4").expect("ok").op, Op::Gt);
        assert_eq!(parse("mean_quality<=0.6").expect("ok").op, Op::Le);
        assert_eq!(parse("invalid != 0").expect("ok").threshold, 0.0);
        assert_eq!(
            parse("dropped.low_quality >= 0.2").expect("ok").metric,
            "dropped.low_quality"
        );
        assert!(parse("dup_rate > lots").is_err());
        assert!(parse("nonsense > 1").is_err());
        assert!(parse("dup_rate").is_err());
    }

    #[test]
    fn operators_hold_as_written() {
        assert!(Op::Gt.holds(0.5, 0.4) && !Op::Gt.holds(0.4, 0.4));
        assert!(Op::Ge.holds(0.4, 0.4) && Op::Lt.holds(0.1, 0.2) && Op::Ne.holds(1.0, 0.0));
    }
}
