//! Typed parameters of the fixed-point approximations, with CrypTen's defaults.
//!
//! Reference: CrypTen `crypten/config/default.yaml` (`functions.*`) and
//! `crypten/common/functions/approximations.py`. Every method is an enum variant carrying its own
//! parameters (`Exp::Limit { iterations: 8 }`); all structs deny unknown fields, so a misspelt key
//! in a scenario file is an error, not a silent default. [`FuncParams`] gathers them; its
//! `Default` is CrypTen 0.4.1's configuration. Validation ([`FuncParams::validate`]) happens at
//! the boundary (scenario loading); the functions themselves assume valid parameters and assert
//! only what would otherwise silently compute garbage.

use serde::{Deserialize, Serialize};

/// The exponential. CrypTen `exp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Exp {
    /// `(1 + x / 2^t)^(2^t)`: one local public division, then `t` sequential squarings.
    /// CrypTen default `t = 8` (`functions.exp_iterations`).
    Limit {
        /// Number of squarings `t`.
        iterations: u32,
    },
}

/// Parameters of [`crate::func::exp::exp_with`].
pub type ExpParams = Exp;

impl Default for Exp {
    fn default() -> Self {
        Exp::Limit { iterations: 8 }
    }
}

/// The initial guess of a Newton-Raphson iteration.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum NrInitial {
    /// The function's default data-dependent guess computed with an exponential (reciprocal:
    /// `3 exp(1 - 2x) + 0.003`; inverse square root: `2.2 exp(-(x/2 + 0.2)) + 0.2 - x/1024`).
    ExpGuess {
        /// The exponential used by the guess.
        exp: Exp,
    },
    /// A public constant guess: the first iteration then needs no communication (CrypTen's
    /// `reciprocal_initial` / `sqrt_nr_initial` set to a number).
    Public {
        /// The constant.
        value: f64,
    },
}

/// The reciprocal `1 / x`. CrypTen `reciprocal`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Reciprocal {
    /// Newton-Raphson `y <- 2y - x y^2` (square, then mul) from `initial`. CrypTen default:
    /// 10 iterations (`reciprocal_nr_iters`), initial `3 exp(1 - 2x) + 0.003` with `exp` t = 8.
    NewtonRaphson {
        /// Number of iterations.
        iterations: u32,
        /// Initial guess.
        initial: NrInitial,
    },
}

impl Default for Reciprocal {
    fn default() -> Self {
        Reciprocal::NewtonRaphson {
            iterations: 10,
            initial: NrInitial::ExpGuess {
                exp: Exp::default(),
            },
        }
    }
}

/// Parameters of [`crate::func::reciprocal::reciprocal_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReciprocalParams {
    /// The method for positive inputs.
    pub method: Reciprocal,
    /// Whether every input is known to be positive (`reciprocal_all_pos`): when `false`
    /// (CrypTen's default), the sign is computed with a comparison and multiplied in and out.
    pub all_pos: bool,
}

/// The inverse square root `1 / sqrt(x)`. CrypTen `inv_sqrt` (also used by `sqrt`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum InvSqrt {
    /// Newton-Raphson `y <- y (3 - x y^2) / 2` (square, mul, mul). CrypTen default: 3 iterations
    /// (`sqrt_nr_iters`), initial `2.2 exp(-(x/2 + 0.2)) + 0.2 - x/1024`.
    NewtonRaphson {
        /// Number of iterations.
        iterations: u32,
        /// Initial guess.
        initial: NrInitial,
    },
}

/// Parameters of [`crate::func::inv_sqrt::inv_sqrt_with`] and [`crate::func::sqrt::sqrt_with`].
pub type InvSqrtParams = InvSqrt;

impl Default for InvSqrt {
    fn default() -> Self {
        InvSqrt::NewtonRaphson {
            iterations: 3,
            initial: NrInitial::ExpGuess {
                exp: Exp::default(),
            },
        }
    }
}

/// The natural logarithm. CrypTen `log`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Log {
    /// Householder iterations `y <- y - sum_{k=1..order} h^k / k` with `h = 1 - x exp(-y)`, from
    /// the initial `x/120 - 20 exp(-2x - 1) + 3`. CrypTen default: 2 iterations
    /// (`log_iterations`), `exp` t = 8 (`log_exp_iterations`), order 8 (`log_order`).
    Householder {
        /// Number of Householder iterations.
        iterations: u32,
        /// Squarings of every exponential (initial guess and iterations).
        exp_iterations: u32,
        /// Number of polynomial terms.
        order: u32,
    },
}

/// Parameters of [`crate::func::log::log_with`].
pub type LogParams = Log;

impl Default for Log {
    fn default() -> Self {
        Log::Householder {
            iterations: 2,
            exp_iterations: 8,
            order: 8,
        }
    }
}

/// The logistic sigmoid (and `tanh = 2 sigmoid(2x) - 1`). CrypTen `sigmoid`, `tanh`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Sigmoid {
    /// CrypTen's `reciprocal` method: `s = ltz(x)`, `|x| = x (1 - 2s)`, `d = 1 + exp(-|x|)`,
    /// `p = 1/d` by Newton-Raphson from a public initial value, then `where(s, 1 - p, p)`.
    /// CrypTen default: exp t = 8 (its override to 9 is applied after the exponential is
    /// computed, so it has no effect), 3 iterations, initial 0.75.
    Reciprocal {
        /// Squarings of the exponential.
        exp_iterations: u32,
        /// Newton-Raphson iterations (the first is local: the initial value is public).
        nr_iterations: u32,
        /// Public initial value of the reciprocal.
        nr_initial: f64,
    },
}

/// Parameters of [`crate::func::sigmoid::sigmoid_with`] and [`crate::func::sigmoid::tanh_with`].
pub type SigmoidParams = Sigmoid;

impl Default for Sigmoid {
    fn default() -> Self {
        Sigmoid::Reciprocal {
            exp_iterations: 8,
            nr_iterations: 3,
            nr_initial: 0.75,
        }
    }
}

/// Cosine and sine by CrypTen's method. CrypTen `cos`, `sin`, `cossin` (`_eix`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Trig {
    /// `e^{ix} = (1 + ix/2^t)^(2^t)`: one square (the real part starts public), then `t - 1`
    /// steps of (square re, square im, mul re im). CrypTen default `t = 10`
    /// (`trig_iterations`).
    Limit {
        /// Number of complex squarings `t`.
        iterations: u32,
    },
}

/// Parameters of [`crate::func::trig::cossin_with`].
pub type TrigParams = Trig;

impl Default for Trig {
    fn default() -> Self {
        Trig::Limit { iterations: 10 }
    }
}

/// The error function. CrypTen `erf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Erf {
    /// Maclaurin series `2/sqrt(pi) sum_{k=0..terms} (-1)^k x^(2k+1) / (k! (2k+1))`, every power
    /// by an integer power of `x` (sequential). CrypTen default: 8 terms (`erf_iterations`).
    Taylor {
        /// Number of terms after `x`.
        terms: u32,
    },
}

/// Parameters of [`crate::func::erf::erf_with`].
pub type ErfParams = Erf;

impl Default for Erf {
    fn default() -> Self {
        Erf::Taylor { terms: 8 }
    }
}

/// How [`crate::func::layer_norm::layer_norm`] forms `1 / sqrt(var + eps)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerNormForm {
    /// One inverse square root (CrypTen composition; the measured `layernorm` row).
    #[default]
    InvSqrt,
    /// A square root, then a positive reciprocal (`x / sqrt(var + eps)` written as in PyTorch).
    SqrtReciprocal,
}

/// All approximation parameters of a run, defaulting to CrypTen 0.4.1's configuration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FuncParams {
    /// Exponential.
    pub exp: Exp,
    /// Reciprocal.
    pub reciprocal: ReciprocalParams,
    /// Inverse square root (and square root).
    pub inv_sqrt: InvSqrt,
    /// Logarithm.
    pub log: Log,
    /// Sigmoid and tanh.
    pub sigmoid: Sigmoid,
    /// CrypTen cosine and sine.
    pub trig: Trig,
    /// Error function.
    pub erf: Erf,
}

/// Largest iteration count accepted for the limit methods (`2^t` must stay a valid public
/// divisor and `x / 2^t` must keep some fractional bits).
pub const MAX_LIMIT_ITERATIONS: u32 = 30;

fn check_exp(e: &Exp, what: &str) -> Result<(), String> {
    match *e {
        Exp::Limit { iterations } => {
            if iterations == 0 || iterations > MAX_LIMIT_ITERATIONS {
                return Err(format!(
                    "{what}: exp iterations must be in 1..={MAX_LIMIT_ITERATIONS}, got {iterations}"
                ));
            }
        }
    }
    Ok(())
}

fn check_initial(i: &NrInitial, what: &str) -> Result<(), String> {
    match i {
        NrInitial::ExpGuess { exp } => check_exp(exp, what),
        NrInitial::Public { value } => {
            if value.is_finite() {
                Ok(())
            } else {
                Err(format!("{what}: public initial value must be finite"))
            }
        }
    }
}

impl FuncParams {
    /// Checks every parameter; the message names the offending field.
    pub fn validate(&self) -> Result<(), String> {
        check_exp(&self.exp, "exp")?;
        match &self.reciprocal.method {
            Reciprocal::NewtonRaphson { initial, .. } => check_initial(initial, "reciprocal")?,
        }
        match &self.inv_sqrt {
            InvSqrt::NewtonRaphson { initial, .. } => check_initial(initial, "inv_sqrt")?,
        }
        match self.log {
            Log::Householder {
                exp_iterations,
                order,
                ..
            } => {
                check_exp(
                    &Exp::Limit {
                        iterations: exp_iterations,
                    },
                    "log",
                )?;
                if order == 0 {
                    return Err("log: order must be at least 1".into());
                }
            }
        }
        match self.sigmoid {
            Sigmoid::Reciprocal {
                exp_iterations,
                nr_initial,
                ..
            } => {
                check_exp(
                    &Exp::Limit {
                        iterations: exp_iterations,
                    },
                    "sigmoid",
                )?;
                if !nr_initial.is_finite() {
                    return Err("sigmoid: nr_initial must be finite".into());
                }
            }
        }
        match self.trig {
            Trig::Limit { iterations } => {
                if iterations == 0 || iterations > MAX_LIMIT_ITERATIONS {
                    return Err(format!(
                        "trig: iterations must be in 1..={MAX_LIMIT_ITERATIONS}, got {iterations}"
                    ));
                }
            }
        }
        match self.erf {
            Erf::Taylor { terms } => {
                if terms > 20 {
                    return Err(format!("erf: at most 20 terms, got {terms}"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_crypten_and_valid() {
        let p = FuncParams::default();
        assert_eq!(p.exp, Exp::Limit { iterations: 8 });
        assert_eq!(p.trig, Trig::Limit { iterations: 10 });
        assert!(!p.reciprocal.all_pos);
        p.validate().unwrap();
    }

    #[test]
    fn serde_round_trip_and_unknown_fields_rejected() {
        let p = FuncParams::default();
        let s = serde_json::to_string(&p).unwrap();
        let q: FuncParams = serde_json::from_str(&s).unwrap();
        assert_eq!(p, q);
        let e: Exp = serde_json::from_str(r#"{"limit":{"iterations":9}}"#).unwrap();
        assert_eq!(e, Exp::Limit { iterations: 9 });
        assert!(serde_json::from_str::<Exp>(r#"{"limit":{"iterations":9,"x":1}}"#).is_err());
        assert!(
            serde_json::from_str::<FuncParams>(r#"{"expp":{"limit":{"iterations":9}}}"#).is_err()
        );
        let partial: FuncParams =
            serde_json::from_str(r#"{"trig":{"limit":{"iterations":12}}}"#).unwrap();
        assert_eq!(partial.trig, Trig::Limit { iterations: 12 });
        assert_eq!(partial.exp, Exp::default());
    }

    #[test]
    fn validation_rejects_bad_values() {
        let p = FuncParams {
            exp: Exp::Limit { iterations: 0 },
            ..FuncParams::default()
        };
        assert!(p.validate().unwrap_err().contains("exp"));
    }
}
