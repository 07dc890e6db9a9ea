//! The f64 encoder: `y = LN2(FFN(a) + a)`, `a = LN1(Attn(x) + x)`, head on one token,
//! cross-entropy averaged over the batch; and its exact backward.
//!
//! Reference: the MPC model in [`crate::model::encoder`] (same structure, parameters in
//! [`crate::model::weights::param_specs`] order, matrices stored `in x out`). RFA here is the
//! same estimator with the same public projections (no fixed point, no approximations), so the
//! difference between the MPC RFA and this one is the protocol error alone; the difference
//! between this RFA and softmax attention is the random-feature error alone.

use crate::engine::RunSeed;
use crate::model::config::ModelConfig;
use crate::model::rfa::rfa_projection_f64;
use crate::model::weights::{init_values, param_specs};
use ndarray::{Array1, Array2, Axis, s};

const C1: f64 = 0.797_884_560_802_865_4;
const C3: f64 = 0.044_715;

/// Attention of the f64 model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlainAttention {
    /// Exact softmax attention.
    Softmax,
    /// Random feature attention with `features` per head and bandwidth `sigma` (None: d^(1/4)),
    /// projections from stream `rfa/layerNN` of `seed`.
    Rfa {
        /// Features M per head.
        features: usize,
        /// Bandwidth.
        sigma: Option<f64>,
        /// Seed of the projections.
        seed: RunSeed,
    },
}

/// The f64 model: configuration and parameter values (one vector per tensor, row-major).
/// Serialisable (e.g. `serde_json`) as a weight file; share it under MPC with
/// [`crate::model::weights::Weights::from_values`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlainModel {
    /// Configuration.
    pub cfg: ModelConfig,
    /// Parameter values in `param_specs` order.
    pub params: Vec<Vec<f64>>,
    /// LayerNorm epsilon.
    pub ln_eps: f64,
}

/// Gradients of the f64 model.
#[derive(Clone, Debug, PartialEq)]
pub struct PlainGrads {
    /// Loss (mean cross-entropy over the batch).
    pub loss: f64,
    /// Parameter gradients in `param_specs` order.
    pub params: Vec<Vec<f64>>,
    /// Gradient of the encoder input, row-major (B, T, H).
    pub input: Vec<f64>,
}

struct LayerCache {
    x: Array2<f64>,
    q: Array2<f64>,
    k: Array2<f64>,
    v: Array2<f64>,
    probs: Vec<Array2<f64>>,
    merged: Array2<f64>,
    ln1: LnCache,
    a: Array2<f64>,
    h1: Array2<f64>,
    g: Array2<f64>,
    ln2: LnCache,
}

struct LnCache {
    xhat: Array2<f64>,
    inv_std: Array1<f64>,
}

fn mat(v: &[f64], r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_vec((r, c), v.to_vec()).expect("shape")
}

fn vec1(v: &[f64]) -> Array1<f64> {
    Array1::from_vec(v.to_vec())
}

fn layer_norm(
    x: &Array2<f64>,
    g: &Array1<f64>,
    b: &Array1<f64>,
    eps: f64,
) -> (Array2<f64>, LnCache) {
    let h = x.ncols() as f64;
    let mean = x.sum_axis(Axis(1)) / h;
    let xc = x - &mean.clone().insert_axis(Axis(1));
    let var = xc.mapv(|v| v * v).sum_axis(Axis(1)) / h;
    let inv_std = var.mapv(|v| 1.0 / (v + eps).sqrt());
    let xhat = &xc * &inv_std.clone().insert_axis(Axis(1));
    let y = &xhat * g + b;
    (y, LnCache { xhat, inv_std })
}

fn layer_norm_bw(
    gy: &Array2<f64>,
    c: &LnCache,
    g: &Array1<f64>,
) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let h = gy.ncols() as f64;
    let dgamma = (gy * &c.xhat).sum_axis(Axis(0));
    let dbeta = gy.sum_axis(Axis(0));
    let dxhat = gy * g;
    let m1 = dxhat.sum_axis(Axis(1)) / h;
    let m2 = (&dxhat * &c.xhat).sum_axis(Axis(1)) / h;
    let dx = (&dxhat - &m1.insert_axis(Axis(1)) - &c.xhat * &m2.insert_axis(Axis(1)))
        * &c.inv_std.clone().insert_axis(Axis(1));
    (dx, dgamma, dbeta)
}

fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + (C1 * (x + C3 * x * x * x)).tanh())
}

fn gelu_grad(x: f64) -> f64 {
    let u = C1 * (x + C3 * x * x * x);
    let t = u.tanh();
    0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * C1 * (1.0 + 3.0 * C3 * x * x)
}

fn softmax_rows(s: &Array2<f64>) -> Array2<f64> {
    let mut p = s.clone();
    for mut row in p.rows_mut() {
        let m = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        row.mapv_inplace(|v| (v - m).exp());
        let z = row.sum();
        row.mapv_inplace(|v| v / z);
    }
    p
}

/// Random feature map of rows `x` (T, d) with projections `w` (d, M) and bandwidth `sigma`:
/// (T, 2M), sines then cosines.
pub fn rfa_features(x: &Array2<f64>, w: &Array2<f64>, sigma: f64) -> Array2<f64> {
    let m = w.ncols();
    let xs = x / sigma;
    let proj = xs.dot(w);
    let mut f = Array2::zeros((x.nrows(), 2 * m));
    for t in 0..x.nrows() {
        let n2: f64 = xs.row(t).iter().map(|v| v * v).sum();
        let e = (n2 / 2.0).exp() / (m as f64).sqrt();
        for i in 0..m {
            f[[t, i]] = e * proj[[t, i]].sin();
            f[[t, m + i]] = e * proj[[t, i]].cos();
        }
    }
    f
}

/// Random feature attention of one head: q, k (T, d), v (T, d_v).
pub fn rfa_head(
    q: &Array2<f64>,
    k: &Array2<f64>,
    v: &Array2<f64>,
    w: &Array2<f64>,
    sigma: f64,
) -> Array2<f64> {
    let pq = rfa_features(q, w, sigma);
    let pk = rfa_features(k, w, sigma);
    let kv = pk.t().dot(v);
    let z = pk.sum_axis(Axis(0));
    let num = pq.dot(&kv);
    let den = pq.dot(&z);
    num / &den.insert_axis(Axis(1))
}

/// Exact softmax attention of one head (scores scaled by 1/sqrt d).
pub fn softmax_head(q: &Array2<f64>, k: &Array2<f64>, v: &Array2<f64>) -> Array2<f64> {
    let d = q.ncols() as f64;
    softmax_rows(&(q.dot(&k.t()) / d.sqrt())).dot(v)
}

impl PlainModel {
    /// The model with the seeded initial weights (identical to `Weights::seeded`).
    pub fn seeded(cfg: &ModelConfig, seed: RunSeed) -> Self {
        let params = param_specs(cfg)
            .iter()
            .map(|s| {
                let n: usize = s.shape.iter().product();
                let mut f = init_values(seed, s);
                (0..n).map(&mut f).collect()
            })
            .collect();
        PlainModel {
            cfg: cfg.clone(),
            params,
            ln_eps: 1e-5,
        }
    }

    /// Check that the parameters match the configuration (count and sizes): for weight files.
    pub fn check(&self) -> Result<(), String> {
        self.cfg.validate().map_err(|e| e.to_string())?;
        let specs = param_specs(&self.cfg);
        if specs.len() != self.params.len() {
            return Err(format!(
                "weight file has {} tensors, the configuration needs {}",
                self.params.len(),
                specs.len()
            ));
        }
        for (s, p) in specs.iter().zip(&self.params) {
            let n: usize = s.shape.iter().product();
            if n != p.len() {
                return Err(format!("{} has {} values, expected {n}", s.name, p.len()));
            }
        }
        Ok(())
    }

    /// Plain SGD: `p -= lr g` for every parameter.
    pub fn sgd_step(&mut self, grads: &PlainGrads, lr: f64) {
        for (p, g) in self.params.iter_mut().zip(&grads.params) {
            for (a, b) in p.iter_mut().zip(g) {
                *a -= lr * b;
            }
        }
    }

    fn p(&self, l: usize, i: usize) -> &[f64] {
        &self.params[16 * l + i]
    }

    fn head_params(&self) -> (&[f64], &[f64]) {
        let n = self.params.len();
        (&self.params[n - 2], &self.params[n - 1])
    }

    /// Logits (B x C, row-major) for the encoder input `x` (B, T, H row-major).
    pub fn logits(
        &self,
        x: &[f64],
        tokens: usize,
        head_token: usize,
        att: PlainAttention,
    ) -> Vec<f64> {
        let c = &self.cfg;
        let (h, cl) = (c.hidden, c.classes);
        let mut out = Vec::new();
        for b in 0..x.len() / (tokens * h) {
            let xb = mat(&x[b * tokens * h..(b + 1) * tokens * h], tokens, h);
            let (y, _) = self.encode(&xb, att);
            let (wc, bc) = self.head_params();
            let lg = y.row(head_token).dot(&mat(wc, h, cl)) + vec1(bc);
            out.extend(lg.iter());
        }
        out
    }

    fn encode(&self, x0: &Array2<f64>, att: PlainAttention) -> (Array2<f64>, Vec<LayerCache>) {
        let c = &self.cfg;
        let (h, f, nh) = (c.hidden, c.ffn, c.heads);
        let d = h / nh;
        let mut x = x0.clone();
        let mut caches = Vec::new();
        for l in 0..c.layers {
            let lin = |x: &Array2<f64>, wi: usize, r: usize, cc: usize| {
                x.dot(&mat(self.p(l, wi), r, cc)) + vec1(self.p(l, wi + 1))
            };
            let q = lin(&x, 0, h, h);
            let k = lin(&x, 2, h, h);
            let v = lin(&x, 4, h, h);
            let mut merged = Array2::zeros((x.nrows(), h));
            let mut probs = Vec::new();
            let wf = match att {
                PlainAttention::Rfa { features, seed, .. } => Some(rfa_projection_f64(
                    seed,
                    &format!("layer{l:02}"),
                    nh,
                    d,
                    features,
                )),
                PlainAttention::Softmax => None,
            };
            for hd in 0..nh {
                let cols = s![.., hd * d..(hd + 1) * d];
                let (qh, kh, vh) = (
                    q.slice(cols).to_owned(),
                    k.slice(cols).to_owned(),
                    v.slice(cols).to_owned(),
                );
                let o = match att {
                    PlainAttention::Softmax => {
                        let p = softmax_rows(&(qh.dot(&kh.t()) / (d as f64).sqrt()));
                        let o = p.dot(&vh);
                        probs.push(p);
                        o
                    }
                    PlainAttention::Rfa {
                        features, sigma, ..
                    } => {
                        let wv = wf.as_ref().expect("projections");
                        let m = features;
                        let w = mat(&wv[hd * d * m..(hd + 1) * d * m], d, m);
                        rfa_head(&qh, &kh, &vh, &w, sigma.unwrap_or((d as f64).powf(0.25)))
                    }
                };
                merged.slice_mut(cols).assign(&o);
            }
            let ao = lin(&merged, 6, h, h);
            let (a, ln1) = layer_norm(
                &(&ao + &x),
                &vec1(self.p(l, 8)),
                &vec1(self.p(l, 9)),
                self.ln_eps,
            );
            let h1 = lin(&a, 10, h, f);
            let g = h1.mapv(gelu);
            let h2 = lin(&g, 12, f, h);
            let (y, ln2) = layer_norm(
                &(&h2 + &a),
                &vec1(self.p(l, 14)),
                &vec1(self.p(l, 15)),
                self.ln_eps,
            );
            caches.push(LayerCache {
                x: x.clone(),
                q,
                k,
                v,
                probs,
                merged,
                ln1,
                a,
                h1,
                g,
                ln2,
            });
            x = y;
        }
        (x, caches)
    }

    /// Loss and exact gradients (softmax attention) for input `x` (B, T, H) and labels.
    pub fn gradients(
        &self,
        x: &[f64],
        tokens: usize,
        head_token: usize,
        labels: &[usize],
    ) -> PlainGrads {
        let c = &self.cfg;
        let (h, f, nh, cl) = (c.hidden, c.ffn, c.heads, c.classes);
        let d = h / nh;
        let nb = labels.len();
        let mut grads: Vec<Vec<f64>> = self.params.iter().map(|p| vec![0.0; p.len()]).collect();
        let mut gin = Vec::with_capacity(x.len());
        let mut loss = 0.0;
        let np = self.params.len();
        let (wc, bc) = self.head_params();
        let wcm = mat(wc, h, cl);
        let add = |g: &mut Vec<f64>, v: &Array2<f64>| {
            for (a, b) in g.iter_mut().zip(v.iter()) {
                *a += b;
            }
        };
        let add1 = |g: &mut Vec<f64>, v: &Array1<f64>| {
            for (a, b) in g.iter_mut().zip(v.iter()) {
                *a += b;
            }
        };
        for b in 0..nb {
            let xb = mat(&x[b * tokens * h..(b + 1) * tokens * h], tokens, h);
            let (y, caches) = self.encode(&xb, PlainAttention::Softmax);
            let row = y.row(head_token).to_owned();
            let lg = row.dot(&wcm) + vec1(bc);
            let mx = lg.fold(f64::NEG_INFINITY, |a, &v| a.max(v));
            let e = lg.mapv(|v| (v - mx).exp());
            let p = &e / e.sum();
            loss -= p[labels[b]].ln() / nb as f64;
            let mut dlg = p.clone();
            dlg[labels[b]] -= 1.0;
            dlg /= nb as f64;
            // head
            let dwc = row
                .clone()
                .insert_axis(Axis(1))
                .dot(&dlg.clone().insert_axis(Axis(0)));
            add(&mut grads[np - 2], &dwc);
            add1(&mut grads[np - 1], &dlg);
            let mut gy = Array2::zeros((tokens, h));
            gy.row_mut(head_token).assign(&wcm.dot(&dlg));
            for l in (0..c.layers).rev() {
                let cc = &caches[l];
                let w = |i: usize, r: usize, k: usize| mat(self.p(l, i), r, k);
                let (dr2, dg2, db2) = layer_norm_bw(&gy, &cc.ln2, &vec1(self.p(l, 14)));
                add1(&mut grads[16 * l + 14], &dg2);
                add1(&mut grads[16 * l + 15], &db2);
                // FFN
                add(&mut grads[16 * l + 12], &cc.g.t().dot(&dr2));
                add1(&mut grads[16 * l + 13], &dr2.sum_axis(Axis(0)));
                let dg = dr2.dot(&w(12, f, h).t());
                let dh1 = &dg * &cc.h1.mapv(gelu_grad);
                add(&mut grads[16 * l + 10], &cc.a.t().dot(&dh1));
                add1(&mut grads[16 * l + 11], &dh1.sum_axis(Axis(0)));
                let da = &dr2 + &dh1.dot(&w(10, h, f).t());
                let (dr1, dg1, db1) = layer_norm_bw(&da, &cc.ln1, &vec1(self.p(l, 8)));
                add1(&mut grads[16 * l + 8], &dg1);
                add1(&mut grads[16 * l + 9], &db1);
                // attention output
                add(&mut grads[16 * l + 6], &cc.merged.t().dot(&dr1));
                add1(&mut grads[16 * l + 7], &dr1.sum_axis(Axis(0)));
                let dm = dr1.dot(&w(6, h, h).t());
                let mut dq = Array2::zeros((tokens, h));
                let mut dk = Array2::zeros((tokens, h));
                let mut dv = Array2::zeros((tokens, h));
                for hd in 0..nh {
                    let cols = s![.., hd * d..(hd + 1) * d];
                    let p = &cc.probs[hd];
                    let dmo = dm.slice(cols).to_owned();
                    let vh = cc.v.slice(cols).to_owned();
                    dv.slice_mut(cols).assign(&p.t().dot(&dmo));
                    let dp = dmo.dot(&vh.t());
                    let sum = (&dp * p).sum_axis(Axis(1)).insert_axis(Axis(1));
                    let ds = (&dp - &sum) * p / (d as f64).sqrt();
                    dq.slice_mut(cols).assign(&ds.dot(&cc.k.slice(cols)));
                    dk.slice_mut(cols).assign(&ds.t().dot(&cc.q.slice(cols)));
                }
                let mut dx = dr1.clone();
                for (i, dd) in [(0usize, &dq), (2, &dk), (4, &dv)] {
                    add(&mut grads[16 * l + i], &cc.x.t().dot(dd));
                    add1(&mut grads[16 * l + i + 1], &dd.sum_axis(Axis(0)));
                    dx = dx + dd.dot(&w(i, h, h).t());
                }
                gy = dx;
            }
            gin.extend(gy.iter());
        }
        PlainGrads {
            loss,
            params: grads,
            input: gin,
        }
    }
}
