//! The synthetic few-shot task: a pre-training task family and a related downstream task with
//! train / dev / test splits, built from the run seed (nothing is downloaded).
//!
//! **Tokens.** A vocabulary of `vocab` tokens: token 0 is `[CLS]`, tokens `1..vocab` are content
//! tokens. A sequence is `[CLS]` followed by `seq - 1` content tokens drawn uniformly (`seq - 1`
//! must be odd). The data owner embeds tokens in plaintext with a fixed table `E` (`vocab x
//! hidden`, `N(0, 1)`, stream `task/embedding`), as in the paper (the client holds the
//! embedding layer). The classification head reads the `[CLS]` position.
//!
//! **Pre-training tasks.** `tasks` binary tasks; task k splits the content tokens into two
//! halves with a sign `s_k(t) = +-1` (a random balanced partition, stream `task/partition/k`):
//! the label of a sequence under task k is `1` if `sum_t s_k(t) > 0` over its content tokens
//! (a majority vote of the sides; no ties since `seq - 1` is odd), else `0`. Labels of different
//! tasks are nearly independent, so a model that does not know the task is at chance. During
//! pre-training, each sequence is prefixed by its task's **task prompt** `T_k` (`prompt_tokens x
//! hidden`, `N(0, 1)`, stream `task/task_prompt/k`) in the prompt positions: the model learns to
//! read the task from the prompt (see [`super::pretrain`]).
//!
//! **Downstream task.** Task `downstream` *without* its task prompt: the data owner only has
//! `shots_per_class` labelled examples per class (train), `dev_per_class` (dev) and
//! `test_per_class` (test), from streams `task/train`, `task/dev`, `task/test`. It must find a
//! soft prompt that makes the frozen model solve its task from few examples, by querying
//! forward passes only: prompt tuning recovers a capability the pre-trained model has but was
//! not told to use (the premise of BBT: a low-dimensional prompt suffices to select it). The
//! untuned prompt (p0: embeddings of random content tokens) selects no task; the data owner
//! never sees `T_k`.

use super::cmaes::Normal;
use super::options::{OptionError, option_error};
use crate::engine::RunSeed;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The task's sizes and splits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TaskOptions {
    /// Vocabulary size including `[CLS]` (default 17: 16 content tokens).
    pub vocab: usize,
    /// Tokens per sequence including `[CLS]` (default 8; `seq - 1` must be odd).
    pub seq: usize,
    /// Pre-training tasks (default 4).
    pub tasks: usize,
    /// Which task is the downstream task (default 0).
    pub downstream: usize,
    /// Soft-prompt length P (default 4; BBT uses 50 with RoBERTa-large).
    pub prompt_tokens: usize,
    /// Training examples per class (default 16, as BBT).
    pub shots_per_class: usize,
    /// Development examples per class (default 16, as BBT).
    pub dev_per_class: usize,
    /// Test examples per class (default 100).
    pub test_per_class: usize,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            vocab: 17,
            seq: 8,
            tasks: 4,
            downstream: 0,
            prompt_tokens: 4,
            shots_per_class: 16,
            dev_per_class: 16,
            test_per_class: 100,
        }
    }
}

impl TaskOptions {
    /// Check the sizes: at least 2 content tokens, `seq - 1` odd, at least one task,
    /// `downstream < tasks`, `prompt_tokens >= 1`, no empty split.
    pub fn validate(&self) -> Result<(), OptionError> {
        if self.vocab < 3 {
            return Err(option_error(
                "task.vocab",
                format!(
                    "needs [CLS] and at least 2 content tokens (got {})",
                    self.vocab
                ),
            ));
        }
        if self.seq < 2 || (self.seq - 1) % 2 == 0 {
            return Err(option_error(
                "task.seq",
                format!(
                    "seq - 1 content tokens must be odd and positive (got seq = {})",
                    self.seq
                ),
            ));
        }
        if self.tasks == 0 {
            return Err(option_error("task.tasks", "must be at least 1 (got 0)"));
        }
        if self.downstream >= self.tasks {
            return Err(option_error(
                "task.downstream",
                format!(
                    "must be below tasks = {} (got {})",
                    self.tasks, self.downstream
                ),
            ));
        }
        if self.prompt_tokens == 0 {
            return Err(option_error(
                "task.prompt_tokens",
                "must be at least 1 (got 0)",
            ));
        }
        for (name, n) in [
            ("task.shots_per_class", self.shots_per_class),
            ("task.dev_per_class", self.dev_per_class),
            ("task.test_per_class", self.test_per_class),
        ] {
            if n == 0 {
                return Err(option_error(
                    name,
                    "the split is empty (0 examples per class)",
                ));
            }
        }
        Ok(())
    }
}

/// A labelled batch, embedded by the data owner.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// Token ids, one row of `seq` per sequence.
    pub tokens: Vec<Vec<usize>>,
    /// Labels (0 or 1).
    pub labels: Vec<usize>,
    /// Embedded input, row-major (batch, seq, hidden).
    pub embedded: Vec<f64>,
}

impl Batch {
    /// Number of sequences.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// The task family of one run seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// The options it was built from.
    pub opts: TaskOptions,
    /// Hidden width.
    pub hidden: usize,
    /// Embedding table, row-major (vocab, hidden).
    pub embedding: Vec<f64>,
    /// `signs[k][t]`: the side of token t under task k (0 for `[CLS]`).
    pub signs: Vec<Vec<i8>>,
    /// Task prompts, each row-major (prompt_tokens, hidden).
    pub task_prompts: Vec<Vec<f64>>,
    seed: RunSeed,
}

impl Task {
    /// Build the task family of `seed` (options validated by the caller).
    pub fn new(opts: &TaskOptions, hidden: usize, seed: RunSeed) -> Self {
        let mut n = Normal::new(seed.stream("task/embedding"));
        let embedding = (0..opts.vocab * hidden).map(|_| n.sample()).collect();
        let signs = (0..opts.tasks)
            .map(|k| {
                let mut rng = seed.stream(&format!("task/partition/{k}"));
                let c = opts.vocab - 1;
                let mut perm: Vec<usize> = (0..c).collect();
                for i in (1..c).rev() {
                    let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                    perm.swap(i, j);
                }
                let mut s = vec![0i8; opts.vocab];
                for (rank, &t) in perm.iter().enumerate() {
                    s[t + 1] = if rank < c / 2 { 1 } else { -1 };
                }
                s
            })
            .collect();
        let task_prompts = (0..opts.tasks)
            .map(|k| {
                let mut n = Normal::new(seed.stream(&format!("task/task_prompt/{k}")));
                (0..opts.prompt_tokens * hidden)
                    .map(|_| n.sample())
                    .collect()
            })
            .collect();
        Task {
            opts: opts.clone(),
            hidden,
            embedding,
            signs,
            task_prompts,
            seed,
        }
    }

    /// The label of `tokens` under task `k`.
    pub fn label(&self, k: usize, tokens: &[usize]) -> usize {
        let s: i32 = tokens.iter().map(|&t| self.signs[k][t] as i32).sum();
        usize::from(s > 0)
    }

    /// A random sequence (`[CLS]` then uniform content tokens).
    pub fn sample_tokens(&self, rng: &mut impl Rng) -> Vec<usize> {
        let c = (self.opts.vocab - 1) as u64;
        std::iter::once(0)
            .chain((1..self.opts.seq).map(|_| 1 + (rng.next_u64() % c) as usize))
            .collect()
    }

    /// The data owner's embedding of token rows: row-major (batch, seq, hidden).
    pub fn embed(&self, tokens: &[Vec<usize>]) -> Vec<f64> {
        let h = self.hidden;
        tokens
            .iter()
            .flat_map(|row| {
                row.iter()
                    .flat_map(|&t| &self.embedding[t * h..(t + 1) * h])
            })
            .copied()
            .collect()
    }

    fn balanced(&self, stream: &str, per_class: usize) -> Batch {
        let mut rng = self.seed.stream(stream);
        let k = self.opts.downstream;
        let mut count = [0usize; 2];
        let (mut tokens, mut labels) = (Vec::new(), Vec::new());
        while count[0] < per_class || count[1] < per_class {
            let t = self.sample_tokens(&mut rng);
            let y = self.label(k, &t);
            if count[y] < per_class {
                count[y] += 1;
                tokens.push(t);
                labels.push(y);
            }
        }
        let embedded = self.embed(&tokens);
        Batch {
            tokens,
            labels,
            embedded,
        }
    }

    /// The downstream training split (`shots_per_class` per class, stream `task/train`).
    pub fn train(&self) -> Batch {
        self.balanced("task/train", self.opts.shots_per_class)
    }

    /// The downstream development split (stream `task/dev`).
    pub fn dev(&self) -> Batch {
        self.balanced("task/dev", self.opts.dev_per_class)
    }

    /// The downstream test split (stream `task/test`).
    pub fn test(&self) -> Batch {
        self.balanced("task/test", self.opts.test_per_class)
    }

    /// The data owner's untuned prompt offset p0 under [`super::options::PromptInit::Vocab`]:
    /// the embeddings of `prompt_tokens` content tokens from stream `tuning/p0`.
    pub fn vocab_prompt(&self) -> Vec<f64> {
        let mut rng = self.seed.stream("tuning/p0");
        let c = (self.opts.vocab - 1) as u64;
        let toks: Vec<usize> = (0..self.opts.prompt_tokens)
            .map(|_| 1 + (rng.next_u64() % c) as usize)
            .collect();
        self.embed(&[toks])
    }

    /// Standard deviation of the embedding table (BBT's sigma_hat).
    pub fn embedding_std(&self) -> f64 {
        let n = self.embedding.len() as f64;
        let m = self.embedding.iter().sum::<f64>() / n;
        (self
            .embedding
            .iter()
            .map(|v| (v - m) * (v - m))
            .sum::<f64>()
            / n)
            .sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_balanced_labelled_and_disjoint_streams() {
        let o = TaskOptions::default();
        let t = Task::new(&o, 16, RunSeed(3));
        let tr = t.train();
        assert_eq!(tr.len(), 32);
        assert_eq!(tr.labels.iter().filter(|&&y| y == 1).count(), 16);
        assert_eq!(tr.embedded.len(), 32 * 8 * 16);
        for (row, &y) in tr.tokens.iter().zip(&tr.labels) {
            assert_eq!(row[0], 0);
            assert_eq!(t.label(0, row), y);
        }
        assert_ne!(t.train(), t.dev());
        assert_eq!(t.test().len(), 200);
        assert_eq!(t, Task::new(&o, 16, RunSeed(3)));
    }

    #[test]
    fn tasks_are_nearly_independent() {
        // Agreement of task 0's labels with task k's on 2000 random sequences: about 1/2.
        let t = Task::new(&TaskOptions::default(), 16, RunSeed(1));
        let mut rng = RunSeed(1).stream("test");
        let seqs: Vec<Vec<usize>> = (0..2000).map(|_| t.sample_tokens(&mut rng)).collect();
        for k in 1..4 {
            let agree = seqs
                .iter()
                .filter(|s| t.label(0, s) == t.label(k, s))
                .count();
            let f = agree as f64 / 2000.0;
            assert!((0.3..0.7).contains(&f), "task {k}: agreement {f}");
        }
    }

    #[test]
    fn bad_sizes_are_rejected() {
        let mut o = TaskOptions {
            shots_per_class: 0,
            ..TaskOptions::default()
        };
        assert_eq!(
            o.validate().unwrap_err().to_string(),
            "invalid tuning option task.shots_per_class: the split is empty (0 examples per class)"
        );
        o.shots_per_class = 1;
        o.seq = 7;
        assert!(o.validate().unwrap_err().to_string().contains("task.seq"));
    }
}
