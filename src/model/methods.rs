//! The four tuning methods (and the cosine ablation) as workloads: their options, the phases of
//! one iteration, the per-phase ledgers, and the rows of the `cost` command.
//!
//! Reference: `secp-tuning-paper.md` (what one iteration of each method is) and
//! `crypten-autograd.md` (what CrypTen's forward, backward and optimizer cost).
//!
//! | method | phases of one iteration | total |
//! |---|---|---|
//! | `sft` | forward_eval (report only), forward (training mode, with loss), backward, optimizer | forward + backward + optimizer |
//! | `prompt_tuning` | same, with `prompt_tokens` trainable prompt vectors prepended | same |
//! | `fot` | forward_eval (inference forward, softmax attention) **including** the reveal of the logits to the data owner (scope `reveal`) | forward_eval |
//! | `secp_tuning` | forward_eval with random feature attention and the one-round cosine, including the reveal | forward_eval |
//! | `secp_tuning_crypten_cos` | as `secp_tuning` with CrypTen's 28-round cosine (ablation) | forward_eval |
//!
//! For the gradient methods, `forward_eval` is the inference-mode forward **with** the loss (the
//! figure `crypten-autograd.md` lists as "forward, inference mode"); the forward-only methods have
//! no loss under MPC (the data owner computes it in plaintext from the revealed logits).

use super::config::ModelConfig;
use crate::engine::RunSeed;
use crate::net::{DealerLog, DealerPolicy, Ledger, OfflineTotals, Totals};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A tuning method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Full fine-tuning: every weight trained with backward and optimizer under MPC.
    Sft,
    /// Gradient prompt tuning: trainable prompt vectors prepended, frozen model.
    PromptTuning,
    /// Forward-only tuning with softmax attention: one MPC forward per query, logits revealed to
    /// the data owner.
    Fot,
    /// SecP-Tuning: forward-only tuning with random feature attention and the one-round cosine.
    SecpTuning,
    /// Ablation: SecP-Tuning with CrypTen's 28-round cosine instead of the one-round protocol.
    SecpTuningCryptenCos,
}

impl Method {
    /// Every method, in the paper's order.
    pub fn all() -> &'static [Method] {
        &[
            Method::Sft,
            Method::PromptTuning,
            Method::Fot,
            Method::SecpTuning,
            Method::SecpTuningCryptenCos,
        ]
    }

    /// The snake_case name (as in scenario files and the CLI).
    pub fn name(&self) -> &'static str {
        match self {
            Method::Sft => "sft",
            Method::PromptTuning => "prompt_tuning",
            Method::Fot => "fot",
            Method::SecpTuning => "secp_tuning",
            Method::SecpTuningCryptenCos => "secp_tuning_crypten_cos",
        }
    }

    /// Whether the method runs backward and an optimizer under MPC.
    pub fn is_gradient(&self) -> bool {
        match self {
            Method::Sft | Method::PromptTuning => true,
            Method::Fot | Method::SecpTuning | Method::SecpTuningCryptenCos => false,
        }
    }

    /// Whether a soft prompt is prepended to the input.
    pub fn uses_prompt(&self) -> bool {
        match self {
            Method::Sft => false,
            Method::PromptTuning
            | Method::Fot
            | Method::SecpTuning
            | Method::SecpTuningCryptenCos => true,
        }
    }

    /// The attention the method uses.
    pub fn attention(&self) -> AttentionKind {
        match self {
            Method::Sft | Method::PromptTuning | Method::Fot => AttentionKind::Softmax,
            Method::SecpTuning => AttentionKind::Rfa(CosineKind::OneRound),
            Method::SecpTuningCryptenCos => AttentionKind::Rfa(CosineKind::Crypten),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown method name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownMethod(pub String);

impl fmt::Display for UnknownMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Method::all().iter().map(|m| m.name()).collect();
        write!(
            f,
            "unknown method {:?} (known: {})",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownMethod {}

impl FromStr for Method {
    type Err = UnknownMethod;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::all()
            .iter()
            .copied()
            .find(|m| m.name() == s)
            .ok_or_else(|| UnknownMethod(s.to_string()))
    }
}

/// Which attention an encoder runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttentionKind {
    /// Scaled dot-product attention with CrypTen's softmax.
    Softmax,
    /// Random feature attention (the paper's privacy-preserving RFA) with the given cosine.
    Rfa(CosineKind),
}

/// How RFA computes its sines and cosines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CosineKind {
    /// The paper's one-round protocol (1 round, n elements for sine and cosine together).
    OneRound,
    /// CrypTen's `cos`/`sin` via `e^{ix}` (28 rounds, 37 n, for sine and cosine together).
    Crypten,
}

/// The optimizer of the gradient methods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Optimizer {
    /// Adam from CrypTen operations: square, sqrt, private division (58 rounds, 97 n).
    #[default]
    Adam,
    /// Plain SGD `p -= lr g`: a public-scalar multiply, free.
    Sgd,
}

/// Whether Adam runs once per parameter tensor or once on all parameters concatenated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdamScope {
    /// One Adam call per parameter tensor (58 rounds each): what a torch-style optimizer loop
    /// over `model.parameters()` does in CrypTen. Default because it is the straightforward
    /// implementation the paper's baselines would use.
    #[default]
    PerTensor,
    /// All parameters concatenated into one vector: 58 rounds in total, same bytes.
    Fused,
}

/// The training-cost profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// CrypTen's autograd, reproduced exactly (`crypten-autograd.md`): gradients of every
    /// encrypted operand, wasted Beaver muls for public constants, double squaring in the
    /// training-mode variance, no batching.
    #[default]
    Crypten,
    /// Skips what is not needed: gradients of operands that need none (frozen weights, the raw
    /// input), the wasted constant muls, the second variance square; and opens the two
    /// independent products of one backward step (`G B^T`, `A^T G`; `G y`, `G x`) in one round.
    /// Same forward otherwise.
    Lean,
}

/// Which tensors dropout is applied on when the method trains with dropout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropoutPath {
    /// CrypTen under autograd: a public mask (free) on tensors that require grad; a secret mask
    /// (10 rounds, 45 n) on the raw embedded input when it does not require grad.
    #[default]
    Autograd,
    /// Secret masks at every site (10 rounds, 45 n each), as CrypTen does in training mode
    /// without autograd; backward through a secret mask costs one Beaver mul. (The reference's
    /// whole "training mode without autograd" forward, which also squares the variance only
    /// once, is `encoder::Mode::Train { autograd: false }`.)
    Secret,
}

/// Who computes the token embedding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Embedding {
    /// The data owner embeds its tokens in plaintext and shares the embedded input (the paper's
    /// and CrypTen reference's setting): free.
    #[default]
    DataOwner,
    /// Lookup under MPC as a one-hot (B S x V) times embedding-table (V x H) Beaver matmul; the
    /// data owner shares one-hot rows. Costs 1 round and B S V + V H elements.
    Mpc,
}

/// LayerNorm composition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerNormVariant {
    /// `gamma (x - mean) reciprocal(sqrt(var + eps)) + beta`: what CrypTen's autograd must use
    /// (59 rounds in inference, 60 in training). Default.
    #[default]
    SqrtReciprocal,
    /// `gamma (x - mean) inv_sqrt(var + eps) + beta` (CrypTen's inference composite: 20 rounds).
    /// Forward-only methods only.
    InvSqrt,
}

/// GeLU form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeluVariant {
    /// `0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))`: pow3 + tanh + mul, 26 rounds. Default
    /// (the CrypTen reference's form).
    #[default]
    Tanh,
    /// `0.5 x (1 + erf(x / sqrt 2))` with CrypTen's erf (forward-only methods only).
    Erf,
}

/// How RFA divides by its normaliser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RfaDivide {
    /// CrypTen's default private division (sign-aware reciprocal, 39 rounds): safe when the
    /// random-feature estimate of the normaliser is negative (small M). Default.
    #[default]
    Signed,
    /// Positive-only reciprocal (29 rounds): assumes the estimate is positive.
    AllPositive,
}

/// Every implementation choice the paper leaves open, each with its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MethodOptions {
    /// Optimizer of the gradient methods (default `adam`: the paper's baselines train with Adam).
    pub optimizer: Optimizer,
    /// Adam per tensor or fused (default `per_tensor`).
    pub adam_scope: AdamScope,
    /// Training-cost profile (default `crypten`: reproduces CrypTen exactly).
    pub profile: Profile,
    /// Random features M per head for RFA (default 64: the paper does not publish M).
    pub features: usize,
    /// RFA kernel bandwidth sigma: the features estimate `exp(q.k / sigma^2)`. Default `None` =
    /// `d^(1/4)`, so that the kernel equals softmax attention's `exp(q.k / sqrt d)`.
    pub sigma: Option<f64>,
    /// How RFA divides by the normaliser (default `signed`).
    pub rfa_divide: RfaDivide,
    /// Whether RFA computes the query's `exp(|q|^2 / 2 sigma^2)` factor (default `true`, as the
    /// paper's feature map). It cancels exactly between the numerator and the normaliser, so
    /// `false` gives the same attention for 10 fewer rounds per layer.
    pub rfa_query_factor: bool,
    /// Dropout probability at the four sites of the CrypTen reference (input embedding,
    /// attention probabilities, after the attention output dense, after the FFN output dense).
    /// Default 0: no dropout (inference-style training, as the paper's cost figures).
    pub dropout: f64,
    /// Secret or public dropout masks (default `autograd`, CrypTen's behaviour).
    pub dropout_path: DropoutPath,
    /// Who embeds the tokens (default `data_owner`, as the paper).
    pub embedding: Embedding,
    /// LayerNorm composition (default `sqrt_reciprocal`, CrypTen's autograd form).
    pub layer_norm: LayerNormVariant,
    /// GeLU form (default `tanh`, as the CrypTen reference).
    pub gelu: GeluVariant,
    /// Learning rate (default 1e-3); affects values only, never costs.
    pub learning_rate: f64,
    /// Adam's beta1 (default 0.9).
    pub beta1: f64,
    /// Adam's beta2 (default 0.999).
    pub beta2: f64,
    /// Adam's epsilon (default 1e-8; note it encodes to 0 at 16 fractional bits, as in CrypTen).
    pub adam_eps: f64,
    /// LayerNorm epsilon (default 1e-5; encodes to 0 at 16 fractional bits, as in CrypTen).
    pub ln_eps: f64,
}

impl Default for MethodOptions {
    fn default() -> Self {
        MethodOptions {
            optimizer: Optimizer::Adam,
            adam_scope: AdamScope::PerTensor,
            profile: Profile::Crypten,
            features: 64,
            sigma: None,
            rfa_divide: RfaDivide::Signed,
            rfa_query_factor: true,
            dropout: 0.0,
            dropout_path: DropoutPath::Autograd,
            embedding: Embedding::DataOwner,
            layer_norm: LayerNormVariant::SqrtReciprocal,
            gelu: GeluVariant::Tanh,
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            adam_eps: 1e-8,
            ln_eps: 1e-5,
        }
    }
}

/// An invalid option combination; `Display` names the option.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionsError(pub String);

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionsError {}

impl MethodOptions {
    /// Check the options for `method`: dropout in [0, 1), features >= 1, sigma > 0, and the
    /// forward-only variants (`inv_sqrt` LayerNorm, `erf` GeLU) not used with a gradient method.
    pub fn validate(&self, method: Method) -> Result<(), OptionsError> {
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(OptionsError(format!(
                "dropout ({}) must be in [0, 1)",
                self.dropout
            )));
        }
        if self.features == 0 {
            return Err(OptionsError("features must be at least 1".into()));
        }
        if let Some(s) = self.sigma
            && !(s > 0.0 && s.is_finite())
        {
            return Err(OptionsError(format!("sigma ({s}) must be positive")));
        }
        if method.is_gradient() && self.layer_norm == LayerNormVariant::InvSqrt {
            return Err(OptionsError(format!(
                "layer_norm = inv_sqrt has no backward here; method {method} needs sqrt_reciprocal"
            )));
        }
        if method.is_gradient() && self.gelu == GeluVariant::Erf {
            return Err(OptionsError(format!(
                "gelu = erf has no backward here; method {method} needs tanh"
            )));
        }
        Ok(())
    }
}

impl MethodOptions {
    /// Everything [`iteration_cost`] requires: a valid model, valid options for `method`, and a
    /// prompt (`prompt_tokens >= 1`) for `prompt_tuning`. Errors name the field.
    pub fn validate_for(&self, method: Method, model: &ModelConfig) -> Result<(), OptionsError> {
        model.validate().map_err(|e| OptionsError(e.to_string()))?;
        self.validate(method)?;
        if method == Method::PromptTuning && model.prompt_tokens == 0 {
            return Err(OptionsError(
                "prompt_tokens must be at least 1 for prompt_tuning".into(),
            ));
        }
        Ok(())
    }
}

/// A phase of one iteration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Inference-mode forward (for forward-only methods: the whole query, reveal included).
    ForwardEval,
    /// Training-mode forward with the loss.
    Forward,
    /// Backward.
    Backward,
    /// Optimizer step.
    Optimizer,
}

impl Phase {
    /// Name in reports: `forward_eval`, `forward`, `backward`, `optimizer`.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::ForwardEval => "forward_eval",
            Phase::Forward => "forward",
            Phase::Backward => "backward",
            Phase::Optimizer => "optimizer",
        }
    }
}

/// The ledgers of one phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhaseCost {
    /// The phase.
    pub phase: Phase,
    /// Online ledger of the phase (scopes start at `layerNN`, `head`, `embedding`, ...).
    pub ledger: Ledger,
    /// Dealer requests of the phase.
    pub dealer: DealerLog,
}

/// The per-phase ledgers of one iteration of a method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IterationCost {
    /// The method.
    pub method: Method,
    /// Its phases, in execution order.
    pub phases: Vec<PhaseCost>,
}

impl IterationCost {
    /// The phases that make up one iteration's total: forward + backward + optimizer for the
    /// gradient methods, forward_eval (reveal included) for the forward-only methods.
    pub fn total_phases(&self) -> impl Iterator<Item = &PhaseCost> {
        let grad = self.method.is_gradient();
        self.phases
            .iter()
            .filter(move |p| (p.phase == Phase::ForwardEval) != grad)
    }

    /// Totals of one iteration (see [`IterationCost::total_phases`]). Depth is the largest
    /// dependency depth over those phases (distinct dependency levels, see
    /// [`crate::net::DepthLevels`]).
    pub fn total(&self) -> Totals {
        let mut t = Totals::default();
        for p in self.total_phases() {
            t.merge(&p.ledger.totals());
        }
        t
    }

    /// The phase `phase`, if the method has it.
    pub fn phase(&self, phase: Phase) -> Option<&PhaseCost> {
        self.phases.iter().find(|p| p.phase == phase)
    }
}

/// Operation names of the per-operation breakdown, in report order.
pub const OPS: &[&str] = &[
    "embedding",
    "linear",
    "attention_scores",
    "softmax",
    "rfa",
    "attention_values",
    "layernorm",
    "gelu",
    "dropout",
    "loss",
    "optimizer",
    "reveal",
    "other",
];

/// The operation a ledger scope path belongs to: the first path component (from the root) that
/// is one of [`OPS`]; `other` when none is. E.g. `layer03/attn/softmax/max/ltz` -> `softmax`,
/// `head/loss/softmax/exp` -> `loss`, `layer00/ffn/w1/linear` -> `linear`.
pub fn op_of_scope(scope: &str) -> &'static str {
    for part in scope.split('/') {
        if let Some(op) = OPS.iter().find(|&&o| o == part && o != "other") {
            return op;
        }
    }
    "other"
}

/// One row of the `cost` command's CSV
/// (`method,phase,op,rounds,depth,opened_elements,bytes_sent_p0,bytes_sent_p1,crypten_bytes_p0,crypten_bytes_p1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CostRow {
    /// Method name.
    pub method: &'static str,
    /// `forward_eval`, `forward`, `backward`, `optimizer` or `total`.
    pub phase: &'static str,
    /// An operation of [`OPS`] or `all`.
    pub op: &'static str,
    /// Sequential rounds.
    pub rounds: u64,
    /// Dependency depth: the distinct dependency levels of the row's rounds (for `total`, the
    /// longest chain; for a phase or an operation, the rounds it would need if perfectly batched).
    pub depth: u32,
    /// Ring elements opened.
    pub opened_elements: u64,
    /// Bytes party 0 sent.
    pub bytes_sent_p0: u64,
    /// Bytes party 1 sent.
    pub bytes_sent_p1: u64,
    /// CrypTen's counter of party 0 (sent + received).
    pub crypten_bytes_p0: u64,
    /// CrypTen's counter of party 1.
    pub crypten_bytes_p1: u64,
}

impl CostRow {
    /// The CSV header of the `cost` command.
    pub const HEADER: &str = "method,phase,op,rounds,depth,opened_elements,bytes_sent_p0,bytes_sent_p1,crypten_bytes_p0,crypten_bytes_p1";

    /// A row from online totals `t` and the dealer's traffic `dealer` received by each party
    /// (added to CrypTen's counters, which count it; zero under the TFP provider).
    fn new(
        method: Method,
        phase: &'static str,
        op: &'static str,
        t: &Totals,
        dealer: &OfflineTotals,
    ) -> Self {
        CostRow {
            method: method.name(),
            phase,
            op,
            rounds: t.rounds.0,
            depth: t.depth(),
            opened_elements: t.opened_elements,
            bytes_sent_p0: t.sent[0].0,
            bytes_sent_p1: t.sent[1].0,
            crypten_bytes_p0: t.crypten_bytes[0].0 + dealer.received[0].0,
            crypten_bytes_p1: t.crypten_bytes[1].0 + dealer.received[1].0,
        }
    }

    /// The row as one CSV line (no trailing newline), fields in [`CostRow::HEADER`] order.
    pub fn to_csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{}",
            self.method,
            self.phase,
            self.op,
            self.rounds,
            self.depth,
            self.opened_elements,
            self.bytes_sent_p0,
            self.bytes_sent_p1,
            self.crypten_bytes_p0,
            self.crypten_bytes_p1
        )
    }
}

fn op_totals(p: &PhaseCost, op: &str, dealer: DealerPolicy) -> (Totals, OfflineTotals) {
    let keep = |s: &str| op_of_scope(s) == op;
    (
        p.ledger.totals_where(keep),
        p.dealer.totals_where(dealer, keep),
    )
}

/// The rows of the `cost` command for one iteration: per phase an `all` row then one row per
/// operation with at least one round, in [`OPS`] order; then `total` rows the same way, over the
/// phases of [`IterationCost::total_phases`]. Under `dealer` = [`DealerPolicy::SeededCorrection`]
/// (CrypTen's TTP provider) the CrypTen counters include the dealer's corrections each party
/// receives (8 bytes per element, as CrypTen counts them; its Python object overhead is not
/// payload and is left out); every other column is online only. [`DealerPolicy::Free`]: online
/// only.
pub fn cost_rows(cost: &IterationCost, dealer: DealerPolicy) -> Vec<CostRow> {
    let mut rows = Vec::new();
    for p in &cost.phases {
        rows.push(CostRow::new(
            cost.method,
            p.phase.name(),
            "all",
            &p.ledger.totals(),
            &p.dealer.totals(dealer),
        ));
        for &op in OPS {
            let (t, o) = op_totals(p, op, dealer);
            if t.rounds.0 > 0 {
                rows.push(CostRow::new(cost.method, p.phase.name(), op, &t, &o));
            }
        }
    }
    let mut dealer_total = OfflineTotals::default();
    for p in cost.total_phases() {
        dealer_total.merge(&p.dealer.totals(dealer));
    }
    rows.push(CostRow::new(
        cost.method,
        "total",
        "all",
        &cost.total(),
        &dealer_total,
    ));
    for &op in OPS {
        let (mut t, mut o) = (Totals::default(), OfflineTotals::default());
        for p in cost.total_phases() {
            let (pt, po) = op_totals(p, op, dealer);
            t.merge(&pt);
            o.merge(&po);
        }
        if t.rounds.0 > 0 {
            rows.push(CostRow::new(cost.method, "total", op, &t, &o));
        }
    }
    rows
}

/// One iteration of `method` on `model` in the cost backend (shapes only): fast at any size.
/// Panics if `model` or `opts` are invalid (check [`MethodOptions::validate_for`] first).
pub fn iteration_cost(
    method: Method,
    model: &ModelConfig,
    opts: &MethodOptions,
    seed: RunSeed,
) -> IterationCost {
    super::iteration::run_iteration::<crate::engine::Cost>(
        method,
        model,
        opts,
        seed,
        &super::iteration::InputData::Synthetic,
    )
    .cost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for m in Method::all() {
            assert_eq!(m.name().parse::<Method>().unwrap(), *m);
        }
        assert!("bogus".parse::<Method>().is_err());
    }

    #[test]
    fn scopes_map_to_ops() {
        assert_eq!(op_of_scope("layer03/attn/softmax/max/ltz/a2b"), "softmax");
        assert_eq!(op_of_scope("head/loss/softmax/exp"), "loss");
        assert_eq!(op_of_scope("layer00/ffn/w1/linear"), "linear");
        assert_eq!(op_of_scope("reveal"), "reveal");
        assert_eq!(op_of_scope("layer00/misc"), "other");
    }

    #[test]
    fn validate_for_names_the_problem() {
        let mut m = ModelConfig::preset("crypten-a").unwrap();
        let o = MethodOptions::default();
        assert!(o.validate_for(Method::PromptTuning, &m).is_ok());
        m.prompt_tokens = 0;
        let e = o.validate_for(Method::PromptTuning, &m).unwrap_err();
        assert!(e.to_string().contains("prompt_tokens"));
        assert!(o.validate_for(Method::Sft, &m).is_ok());
        let bad = MethodOptions {
            dropout: 1.5,
            ..MethodOptions::default()
        };
        assert!(
            bad.validate_for(Method::Sft, &m)
                .unwrap_err()
                .to_string()
                .contains("dropout")
        );
        let erf = MethodOptions {
            gelu: GeluVariant::Erf,
            ..MethodOptions::default()
        };
        assert!(erf.validate_for(Method::Sft, &m).is_err());
        assert!(erf.validate_for(Method::SecpTuning, &m).is_ok());
        assert_eq!(
            serde_json::to_string(&Method::SecpTuningCryptenCos).unwrap(),
            "\"secp_tuning_crypten_cos\""
        );
    }

    #[test]
    fn options_reject_unknown_fields() {
        let e = toml::from_str::<MethodOptions>("featurez = 3").unwrap_err();
        assert!(e.to_string().contains("featurez"));
        let o: MethodOptions = toml::from_str("features = 16\noptimizer = \"sgd\"").unwrap();
        assert_eq!(o.features, 16);
        assert_eq!(o.optimizer, Optimizer::Sgd);
    }
}
