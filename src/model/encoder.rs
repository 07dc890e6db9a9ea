//! The encoder under MPC: input (embedding, prompt, dropout), L layers (attention, residual,
//! LayerNorm, FFN with GeLU, residual, LayerNorm), the head and the loss; and the whole backward.
//!
//! Reference: `crypten-autograd.md` (the encoder of its figures, training-mode differences,
//! backward per layer: **42 rounds, 34 S H + 4 H^2 + 18 S F + 2 H F + 7 h S^2 + 14 S + 2 H**;
//! head + loss: 3 rounds, 3 H + 7), `secp-tuning-paper.md` (RFA for SecP-Tuning).
//!
//! Scope layout (the per-operation table of the reports aggregates it with
//! [`super::methods::op_of_scope`]): `embedding`, `dropout` (input), `layerNN/attn/{q,k,v,o}/
//! linear`, `layerNN/attn/attention_scores`, `layerNN/attn/softmax`, `layerNN/attn/rfa`,
//! `layerNN/attn/attention_values`, `layerNN/attn/dropout`, `layerNN/ln1/layernorm`,
//! `layerNN/ffn/{w1,w2}/linear`, `layerNN/ffn/gelu`, `layerNN/ffn/dropout`,
//! `layerNN/ln2/layernorm`, `head/linear`, `head/loss`; backward uses the same paths.

use super::attention::{AttnTape, merge_heads, qkv, softmax_attention, softmax_attention_bw};
use super::config::ModelConfig;
use super::dropout::{Mask, dropout_bw, dropout_public, dropout_secret};
use super::ffn::{GeluTape, gelu_erf, gelu_tanh, gelu_tanh_bw};
use super::grad::add_opt;
use super::head::{cross_entropy, cross_entropy_bw, head, head_bw, head_input};
use super::layer_norm::{LnTape, layer_norm, layer_norm_bw};
use super::linear::{linear, linear_bw};
use super::methods::{AttentionKind, DropoutPath, GeluVariant, MethodOptions, Profile};
use super::rfa::{rfa_attention, rfa_projection};
use super::weights::{LayerWeights, Weights};
use crate::engine::{AShare, Backend, Ctx, RunSeed};

/// Inference or training forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Inference: no dropout, single variance square.
    Eval,
    /// Training. `autograd = true` is CrypTen under autograd (double variance square with the
    /// crypten profile; public dropout masks on tensors that require grad); `false` is CrypTen's
    /// training mode without autograd (secret dropout masks everywhere, single square).
    Train {
        /// Whether CrypTen's autograd is on.
        autograd: bool,
    },
}

/// How one forward pass runs.
#[derive(Clone, Debug)]
pub struct ForwardSpec<'a> {
    /// Method options (profile, variants, dropout, RFA parameters).
    pub opts: &'a MethodOptions,
    /// Inference or training.
    pub mode: Mode,
    /// Softmax or random feature attention.
    pub attention: AttentionKind,
    /// Run seed (RFA projections, public dropout masks).
    pub seed: RunSeed,
    /// Whether the encoder input requires grad (a trainable prompt is part of it).
    pub input_requires_grad: bool,
    /// The token the head reads.
    pub head_token: usize,
}

impl ForwardSpec<'_> {
    fn dropout_on(&self) -> bool {
        self.opts.dropout > 0.0 && matches!(self.mode, Mode::Train { .. })
    }
    fn secret_masks(&self) -> bool {
        self.opts.dropout_path == DropoutPath::Secret
            || self.mode == (Mode::Train { autograd: false })
    }
    fn double_square(&self) -> bool {
        self.mode == (Mode::Train { autograd: true }) && self.opts.profile == Profile::Crypten
    }
}

/// Dropout at a site under scope `dropout`; `requires_grad` selects the public mask on the
/// autograd path.
fn site<B: Backend>(
    ctx: &mut Ctx<B>,
    spec: &ForwardSpec<'_>,
    x: &AShare<B>,
    requires_grad: bool,
    name: &str,
) -> Option<(AShare<B>, Mask<B>)> {
    if !spec.dropout_on() {
        return None;
    }
    let p = spec.opts.dropout;
    Some(ctx.scoped("dropout", |ctx| {
        if spec.secret_masks() || !requires_grad {
            dropout_secret(ctx, x, p)
        } else {
            dropout_public(ctx, x, p, spec.seed, name)
        }
    }))
}

/// One layer's saved values.
#[derive(Clone, Debug)]
pub struct LayerTape<B: Backend> {
    attn: AttnTape<B>,
    attn_mask: Option<Mask<B>>,
    ln1: LnTape<B>,
    a: AShare<B>,
    gelu: GeluTape<B>,
    g: AShare<B>,
    ffn_mask: Option<Mask<B>>,
    ln2: LnTape<B>,
}

/// The forward's saved values (training with the `sqrt_reciprocal` LayerNorm and tanh GeLU).
#[derive(Clone, Debug)]
pub struct Tape<B: Backend> {
    input_mask: Option<Mask<B>>,
    layers: Vec<LayerTape<B>>,
    head_x: AShare<B>,
    tokens: usize,
    head_token: usize,
    probs: Option<AShare<B>>,
}

/// The result of a forward pass.
#[derive(Clone, Debug)]
pub struct ForwardOut<B: Backend> {
    /// Logits (B, C).
    pub logits: AShare<B>,
    /// Loss (shape (1)) when a target was given.
    pub loss: Option<AShare<B>>,
    /// Saved values for backward (softmax attention, tanh GeLU, sqrt_reciprocal LayerNorm).
    pub tape: Option<Tape<B>>,
}

/// Forward pass over the encoder input `x` (B, T, H) (embedding and prompt already applied),
/// with the loss when `target` (B, C one-hot) is given.
pub fn forward<B: Backend>(
    ctx: &mut Ctx<B>,
    cfg: &ModelConfig,
    w: &Weights<B>,
    x: &AShare<B>,
    target: Option<&AShare<B>>,
    spec: &ForwardSpec<'_>,
) -> ForwardOut<B> {
    let mut taping = true;
    let (mut x, input_mask) = match site(ctx, spec, x, spec.input_requires_grad, "input") {
        Some((y, m)) => (y, Some(m)),
        None => (x.clone(), None),
    };
    let mut layers = Vec::with_capacity(cfg.layers);
    for (l, lw) in w.layers.iter().enumerate() {
        let name = format!("layer{l:02}");
        let (y, lt) = ctx.scoped(&name, |ctx| layer_forward(ctx, cfg, lw, &x, spec, &name));
        x = y;
        match lt {
            Some(t) => layers.push(t),
            None => taping = false,
        }
    }
    let tokens = x.shape().dims()[1];
    let (logits, loss, head_x, probs) = ctx.scoped("head", |ctx| {
        let xh = head_input(&x, spec.head_token);
        let logits = head(ctx, &xh, &w.wc, &w.bc);
        match target {
            Some(t) => {
                let (loss, p) = cross_entropy(ctx, &logits, t);
                (logits, Some(loss), xh, Some(p))
            }
            None => (logits, None, xh, None),
        }
    });
    let tape = taping.then_some(Tape {
        input_mask,
        layers,
        head_x,
        tokens,
        head_token: spec.head_token,
        probs,
    });
    ForwardOut { logits, loss, tape }
}

fn layer_forward<B: Backend>(
    ctx: &mut Ctx<B>,
    cfg: &ModelConfig,
    lw: &LayerWeights<B>,
    x: &AShare<B>,
    spec: &ForwardSpec<'_>,
    name: &str,
) -> (AShare<B>, Option<LayerTape<B>>) {
    let o = spec.opts;
    let (attn_out, attn_tape) = ctx.scoped("attn", |ctx| match spec.attention {
        AttentionKind::Softmax => {
            let mut drop = |ctx: &mut Ctx<B>, p: &AShare<B>| {
                site(ctx, spec, p, true, &format!("{name}/probs"))
            };
            let (out, tape) = softmax_attention(ctx, x, lw, cfg.heads, &mut drop);
            (out, Some(tape))
        }
        AttentionKind::Rfa(cosine) => {
            let (q, k, v) = qkv(ctx, x, lw, cfg.heads);
            let d = cfg.head_dim();
            let wf = rfa_projection(ctx, spec.seed, name, cfg.heads, d, o.features);
            let sigma = o.sigma.unwrap_or((d as f64).powf(0.25));
            let c = rfa_attention(
                ctx,
                &q,
                &k,
                &v,
                &wf,
                sigma,
                cosine,
                o.rfa_divide,
                o.rfa_query_factor,
            );
            let merged = merge_heads(&c);
            let out = ctx.scoped("o", |ctx| linear(ctx, &merged, &lw.wo, &lw.bo));
            (out, None)
        }
    });
    let (attn_out, attn_mask) = ctx.scoped("attn", |ctx| {
        match site(ctx, spec, &attn_out, true, &format!("{name}/attn_out")) {
            Some((y, m)) => (y, Some(m)),
            None => (attn_out, None),
        }
    });
    let ds = spec.double_square();
    let (a, ln1) = ctx.scoped("ln1", |ctx| {
        layer_norm(
            ctx,
            &attn_out.add(x),
            &lw.ln1_g,
            &lw.ln1_b,
            o.layer_norm,
            ds,
            o.ln_eps,
        )
    });
    let (h2, gelu, g, ffn_mask) = ctx.scoped("ffn", |ctx| {
        let h1 = ctx.scoped("w1", |ctx| linear(ctx, &a, &lw.w1, &lw.b1));
        let (g, gt) = match o.gelu {
            GeluVariant::Tanh => {
                let (g, t) = gelu_tanh(ctx, &h1);
                (g, Some(t))
            }
            GeluVariant::Erf => (gelu_erf(ctx, &h1), None),
        };
        let h2 = ctx.scoped("w2", |ctx| linear(ctx, &g, &lw.w2, &lw.b2));
        match site(ctx, spec, &h2, true, &format!("{name}/ffn_out")) {
            Some((y, m)) => (y, gt, g, Some(m)),
            None => (h2, gt, g, None),
        }
    });
    let (out, ln2) = ctx.scoped("ln2", |ctx| {
        layer_norm(
            ctx,
            &h2.add(&a),
            &lw.ln2_g,
            &lw.ln2_b,
            o.layer_norm,
            ds,
            o.ln_eps,
        )
    });
    let tape = match (attn_tape, ln1, gelu, ln2) {
        (Some(attn), Some(ln1), Some(gelu), Some(ln2)) => Some(LayerTape {
            attn,
            attn_mask,
            ln1,
            a,
            gelu,
            g,
            ffn_mask,
            ln2,
        }),
        _ => None,
    };
    (out, tape)
}

/// Gradients of one backward pass.
#[derive(Clone, Debug)]
pub struct Grads<B: Backend> {
    /// Weight gradients (all of them under the crypten profile; `None` under lean when the
    /// weights are frozen).
    pub weights: Option<Weights<B>>,
    /// Gradient of the encoder input (B, T, H) (`None` under lean when nothing needs it).
    pub input: Option<AShare<B>>,
}

/// Backward from the loss through the whole model. `train_weights`: the weights need gradients
/// (SFT); `input_requires_grad` (a trainable prompt is part of the input).
/// Under the crypten profile every gradient is computed whatever these say (CrypTen rule 1).
pub fn backward<B: Backend>(
    ctx: &mut Ctx<B>,
    w: &Weights<B>,
    tape: &Tape<B>,
    target: &AShare<B>,
    profile: Profile,
    train_weights: bool,
    input_requires_grad: bool,
) -> Grads<B> {
    let all = profile == Profile::Crypten;
    let keep_w = all || train_weights;
    let probs = tape.probs.as_ref().expect("backward needs the loss");
    let (dx, dwc, dbc) = ctx.scoped("head", |ctx| {
        let dlogits = cross_entropy_bw(ctx, probs, target);
        head_bw(
            ctx,
            profile,
            &dlogits,
            &tape.head_x,
            &w.wc,
            &w.bc,
            tape.tokens,
            tape.head_token,
            (true, train_weights),
        )
    });
    let mut g = dx.expect("head input gradient");
    let nl = tape.layers.len();
    let mut layer_grads: Vec<Option<Vec<AShare<B>>>> = vec![None; nl];
    for l in (0..nl).rev() {
        let name = format!("layer{l:02}");
        let need_x = l > 0 || input_requires_grad;
        let (dx, lg) = ctx.scoped(&name, |ctx| {
            layer_backward(
                ctx,
                profile,
                &g,
                &tape.layers[l],
                &w.layers[l],
                need_x,
                train_weights,
            )
        });
        layer_grads[l] = lg;
        match dx {
            Some(d) => g = d,
            None => {
                g = AShare::zeros(g.shape().clone());
            }
        }
    }
    let input = if all || input_requires_grad {
        let mut gi = g;
        if let Some(m) = &tape.input_mask {
            if input_requires_grad || matches!(m, Mask::Public(_)) {
                gi = ctx.scoped("dropout", |ctx| dropout_bw(ctx, &gi, m));
            }
        }
        Some(gi)
    } else {
        None
    };
    let weights = if keep_w {
        let mut t: Vec<AShare<B>> = Vec::new();
        for lg in layer_grads {
            t.extend(lg.expect("layer weight gradients"));
        }
        t.push(dwc.expect("dwc"));
        t.push(dbc.expect("dbc"));
        Some(Weights::from_tensors(nl, t))
    } else {
        None
    };
    Grads { weights, input }
}

/// One layer's backward: `(dx, weight gradients in LAYER_PARAMS order)`.
fn layer_backward<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    t: &LayerTape<B>,
    lw: &LayerWeights<B>,
    need_x: bool,
    train_weights: bool,
) -> (Option<AShare<B>>, Option<Vec<AShare<B>>>) {
    let (dr2, dg2, db2) = ctx.scoped("ln2", |ctx| {
        layer_norm_bw(ctx, profile, g, &t.ln2, &lw.ln2_g, train_weights)
    });
    // r2 = h2 + a: the gradient flows to both.
    let (da_ffn, ffn_w) = ctx.scoped("ffn", |ctx| {
        let mut dh2 = dr2.clone();
        if let Some(m) = &t.ffn_mask {
            dh2 = ctx.scoped("dropout", |ctx| dropout_bw(ctx, &dh2, m));
        }
        let (dg, dw2, db2b) = ctx.scoped("w2", |ctx| {
            linear_bw(
                ctx,
                profile,
                &dh2,
                &t.g,
                &lw.w2,
                lw.b2.shape(),
                (true, train_weights),
            )
        });
        let dh1 = gelu_tanh_bw(ctx, profile, &dg.expect("dg"), &t.gelu);
        let (da, dw1, db1) = ctx.scoped("w1", |ctx| {
            linear_bw(
                ctx,
                profile,
                &dh1,
                &t.a,
                &lw.w1,
                lw.b1.shape(),
                (true, train_weights),
            )
        });
        (da, [dw1, db1, dw2, db2b])
    });
    let da = dr2.add(&da_ffn.expect("da"));
    let (dr1, dg1, db1) = ctx.scoped("ln1", |ctx| {
        layer_norm_bw(ctx, profile, &da, &t.ln1, &lw.ln1_g, train_weights)
    });
    // r1 = attn_out + x.
    let (dx_attn, attn_w) = ctx.scoped("attn", |ctx| {
        let mut dout = dr1.clone();
        if let Some(m) = &t.attn_mask {
            dout = ctx.scoped("dropout", |ctx| dropout_bw(ctx, &dout, m));
        }
        softmax_attention_bw(ctx, profile, &dout, &t.attn, lw, (need_x, train_weights))
    });
    let dx = if need_x || profile == Profile::Crypten {
        add_opt(Some(dr1), dx_attn)
    } else {
        None
    };
    let grads = if train_weights || profile == Profile::Crypten {
        let [q, k, v, o] = attn_w;
        let (q, k, v, o) = (q.expect("q"), k.expect("k"), v.expect("v"), o.expect("o"));
        let [dw1, db1f, dw2, db2f] = ffn_w;
        Some(vec![
            q.0,
            q.1,
            k.0,
            k.1,
            v.0,
            v.1,
            o.0,
            o.1,
            dg1.expect("dg1"),
            db1.expect("db1"),
            dw1.expect("dw1"),
            db1f.expect("db1f"),
            dw2.expect("dw2"),
            db2f.expect("db2f"),
            dg2.expect("dg2"),
            db2.expect("db2"),
        ])
    } else {
        None
    };
    (dx, grads)
}
