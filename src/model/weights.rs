//! Model weights: the parameter list (names, shapes, initialisers) shared by the MPC model and
//! the f64 reference, and the secret-shared weights of the model owner.
//!
//! Initial values come from the named stream `weights/<name>` of the run seed (one stream per
//! tensor), so the cost backend, which never evaluates them, consumes nothing, and the f64
//! reference ([`crate::plain`]) draws exactly the same numbers. Matrices are `N(0, 1/fan_in)`
//! (unit-scale activations, friendly to 16-bit fixed point), biases `N(0, 0.02^2)`, LayerNorm
//! gamma `1 + N(0, 0.1^2)` and beta `N(0, 0.1^2)` (not exactly 1 and 0, so that tests see their
//! gradients). Parameter order (CrypTen's `model.parameters()` order of the reference encoder):
//! per layer `wq bq wk bk wv bv wo bo ln1_g ln1_b w1 b1 w2 b2 ln2_g ln2_b`, then `wc bc`
//! (18 tensors for one layer). Matrices are stored `in x out` (`y = x W + b`).

use super::config::ModelConfig;
use crate::engine::{AShare, Backend, Ctx, RunSeed};
use crate::ring::Shape;
use rand::RngExt;
use rand_chacha::ChaCha20Rng;

/// How a parameter is initialised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// `mean + N(0, std^2)`.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
}

/// One parameter tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    /// Name, e.g. `layer00.wq` or `head.wc`.
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// Initialiser.
    pub init: Init,
}

/// Per-layer parameter names, in order.
pub const LAYER_PARAMS: [&str; 16] = [
    "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo", "ln1_g", "ln1_b", "w1", "b1", "w2", "b2",
    "ln2_g", "ln2_b",
];

/// The model's parameter tensors in order (without the embedding table and the prompt).
pub fn param_specs(cfg: &ModelConfig) -> Vec<ParamSpec> {
    let (h, f, c) = (cfg.hidden, cfg.ffn, cfg.classes);
    let mat = |i: usize| Init::Normal {
        mean: 0.0,
        std: 1.0 / (i as f64).sqrt(),
    };
    let bias = Init::Normal {
        mean: 0.0,
        std: 0.02,
    };
    let gamma = Init::Normal {
        mean: 1.0,
        std: 0.1,
    };
    let beta = Init::Normal {
        mean: 0.0,
        std: 0.1,
    };
    let mut v = Vec::new();
    for l in 0..cfg.layers {
        for &p in &LAYER_PARAMS {
            let (shape, init) = match p {
                "wq" | "wk" | "wv" | "wo" => (vec![h, h], mat(h)),
                "w1" => (vec![h, f], mat(h)),
                "w2" => (vec![f, h], mat(f)),
                "b1" => (vec![f], bias),
                "ln1_g" | "ln2_g" => (vec![h], gamma),
                "ln1_b" | "ln2_b" => (vec![h], beta),
                _ => (vec![h], bias),
            };
            v.push(ParamSpec {
                name: format!("layer{l:02}.{p}"),
                shape,
                init,
            });
        }
    }
    v.push(ParamSpec {
        name: "head.wc".into(),
        shape: vec![h, c],
        init: mat(h),
    });
    v.push(ParamSpec {
        name: "head.bc".into(),
        shape: vec![c],
        init: bias,
    });
    v
}

/// The embedding table spec (`V x H`, `N(0, 1)`), used when the lookup runs under MPC.
pub fn embedding_spec(cfg: &ModelConfig) -> ParamSpec {
    ParamSpec {
        name: "embedding.table".into(),
        shape: vec![cfg.vocab, cfg.hidden],
        init: Init::Normal {
            mean: 0.0,
            std: 1.0,
        },
    }
}

/// A standard normal draw (Box-Muller on two uniforms of `rng`).
pub fn std_normal(rng: &mut ChaCha20Rng) -> f64 {
    let u1: f64 = rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    let u1 = if u1 <= f64::MIN_POSITIVE {
        f64::MIN_POSITIVE
    } else {
        u1
    };
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The value generator of parameter `spec` under `seed`: call it for indices 0, 1, 2, .. in
/// row-major order (stream `weights/<name>`).
pub fn init_values(seed: RunSeed, spec: &ParamSpec) -> impl FnMut(usize) -> f64 + use<> {
    let mut rng = seed.stream(&format!("weights/{}", spec.name));
    let init = spec.init;
    move |_i| match init {
        Init::Normal { mean, std } => mean + std * std_normal(&mut rng),
    }
}

/// The secret-shared weights of one encoder layer.
#[derive(Clone, Debug)]
pub struct LayerWeights<B: Backend> {
    /// Query projection `H x H`.
    pub wq: AShare<B>,
    /// Query bias `H`.
    pub bq: AShare<B>,
    /// Key projection.
    pub wk: AShare<B>,
    /// Key bias.
    pub bk: AShare<B>,
    /// Value projection.
    pub wv: AShare<B>,
    /// Value bias.
    pub bv: AShare<B>,
    /// Attention output projection.
    pub wo: AShare<B>,
    /// Attention output bias.
    pub bo: AShare<B>,
    /// First LayerNorm gamma.
    pub ln1_g: AShare<B>,
    /// First LayerNorm beta.
    pub ln1_b: AShare<B>,
    /// FFN input projection `H x F`.
    pub w1: AShare<B>,
    /// FFN input bias `F`.
    pub b1: AShare<B>,
    /// FFN output projection `F x H`.
    pub w2: AShare<B>,
    /// FFN output bias.
    pub b2: AShare<B>,
    /// Second LayerNorm gamma.
    pub ln2_g: AShare<B>,
    /// Second LayerNorm beta.
    pub ln2_b: AShare<B>,
}

/// The model owner's secret-shared weights (also used as the container of weight gradients).
#[derive(Clone, Debug)]
pub struct Weights<B: Backend> {
    /// Encoder layers.
    pub layers: Vec<LayerWeights<B>>,
    /// Classification head `H x C`.
    pub wc: AShare<B>,
    /// Head bias `C`.
    pub bc: AShare<B>,
}

impl<B: Backend> LayerWeights<B> {
    fn from_vec(mut v: std::vec::IntoIter<AShare<B>>) -> Self {
        let mut n = || v.next().expect("16 layer tensors");
        LayerWeights {
            wq: n(),
            bq: n(),
            wk: n(),
            bk: n(),
            wv: n(),
            bv: n(),
            wo: n(),
            bo: n(),
            ln1_g: n(),
            ln1_b: n(),
            w1: n(),
            b1: n(),
            w2: n(),
            b2: n(),
            ln2_g: n(),
            ln2_b: n(),
        }
    }

    fn tensors(&self) -> [&AShare<B>; 16] {
        [
            &self.wq,
            &self.bq,
            &self.wk,
            &self.bk,
            &self.wv,
            &self.bv,
            &self.wo,
            &self.bo,
            &self.ln1_g,
            &self.ln1_b,
            &self.w1,
            &self.b1,
            &self.w2,
            &self.b2,
            &self.ln2_g,
            &self.ln2_b,
        ]
    }
}

impl<B: Backend> Weights<B> {
    /// Build from tensors in [`param_specs`] order.
    pub fn from_tensors(layers: usize, tensors: Vec<AShare<B>>) -> Self {
        assert_eq!(tensors.len(), 16 * layers + 2, "parameter count");
        let mut it = tensors.into_iter();
        let mut ls = Vec::with_capacity(layers);
        for _ in 0..layers {
            let chunk: Vec<AShare<B>> = it.by_ref().take(16).collect();
            ls.push(LayerWeights::from_vec(chunk.into_iter()));
        }
        let wc = it.next().expect("wc");
        let bc = it.next().expect("bc");
        Weights { layers: ls, wc, bc }
    }

    /// The tensors in [`param_specs`] order.
    pub fn tensors(&self) -> Vec<&AShare<B>> {
        let mut v: Vec<&AShare<B>> = self.layers.iter().flat_map(|l| l.tensors()).collect();
        v.push(&self.wc);
        v.push(&self.bc);
        v
    }

    /// Weights shared by the model owner from the seeded initialiser (free: input sharing).
    /// The cost backend never evaluates the initialiser.
    pub fn seeded(ctx: &mut Ctx<B>, cfg: &ModelConfig, seed: RunSeed) -> Self {
        let tensors = param_specs(cfg)
            .iter()
            .map(|s| ctx.share_f64(Shape::new(s.shape.clone()), init_values(seed, s)))
            .collect();
        Weights::from_tensors(cfg.layers, tensors)
    }

    /// Weights shared from explicit plaintext values, one `Vec<f64>` per tensor in
    /// [`param_specs`] order (e.g. weights trained with the f64 reference).
    pub fn from_values(ctx: &mut Ctx<B>, cfg: &ModelConfig, values: &[Vec<f64>]) -> Self {
        let specs = param_specs(cfg);
        assert_eq!(values.len(), specs.len(), "one value vector per parameter");
        let tensors = specs
            .iter()
            .zip(values)
            .map(|(s, v)| {
                let shape = Shape::new(s.shape.clone());
                assert_eq!(shape.numel(), v.len(), "values of {}", s.name);
                ctx.share_f64(shape, |i| v[i])
            })
            .collect();
        Weights::from_tensors(cfg.layers, tensors)
    }

    /// A new container with `f` applied to every tensor (same order).
    pub fn map(&self, mut f: impl FnMut(&AShare<B>) -> AShare<B>) -> Self {
        let t: Vec<AShare<B>> = self.tensors().into_iter().map(&mut f).collect();
        Weights::from_tensors(self.layers.len(), t)
    }
}
