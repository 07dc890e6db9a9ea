//! The model configuration: a typed, validated description of a RoBERTa/BERT-style encoder with a
//! classification head, and the named presets.
//!
//! Reference: RoBERTa-large (Liu et al. 2019; 24 layers, hidden 1024, 16 heads, FFN 4096,
//! vocabulary 50265), RoBERTa-base / BERT-base (12, 768, 12, 3072; vocabularies 50265 / 30522),
//! and config a of `crypten-autograd.md` (1 layer, hidden 64, 4 heads, FFN 256, 16 tokens,
//! 2 classes, 8 prompt tokens in its `prompt` variant). That reference describes only config a;
//! the two other small presets here (`tiny`, `tiny-wide`) are this project's exec-test sizes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A transformer encoder with a classification head on one token.
///
/// Token count seen by the encoder: `seq` for full fine-tuning, `prompt_tokens + seq` for the
/// prompt-based methods (the prompt is prepended); the head reads token index `prompt_tokens`
/// when a prompt is present, else token 0 (CrypTen reference: "linear H -> C on token index P").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Number of encoder layers L.
    pub layers: usize,
    /// Hidden width H.
    pub hidden: usize,
    /// Attention heads h (must divide `hidden`).
    pub heads: usize,
    /// FFN inner width F.
    pub ffn: usize,
    /// Input sequence length S (data tokens, without the prompt).
    pub seq: usize,
    /// Sequences per iteration (batch size).
    pub batch: usize,
    /// Output classes C (>= 2).
    pub classes: usize,
    /// Soft-prompt length P used by the prompt-based methods (0 = none).
    pub prompt_tokens: usize,
    /// Vocabulary size (used only when the embedding lookup runs under MPC).
    pub vocab: usize,
}

/// A configuration error; `Display` names the offending field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// A field that must be positive is zero.
    Zero(&'static str),
    /// `heads` does not divide `hidden`.
    HeadsDivideHidden {
        /// Heads.
        heads: usize,
        /// Hidden width.
        hidden: usize,
    },
    /// Fewer than two classes.
    Classes(usize),
    /// An unknown preset name.
    UnknownPreset(String),
    /// A field exceeds the simulator's supported range (sizes must fit the ledger's u64 counts).
    TooLarge {
        /// Field name.
        field: &'static str,
        /// Value.
        value: usize,
        /// Largest supported value.
        max: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Zero(field) => write!(f, "{field} must be at least 1"),
            ConfigError::HeadsDivideHidden { heads, hidden } => {
                write!(f, "heads ({heads}) must divide hidden ({hidden})")
            }
            ConfigError::Classes(c) => write!(f, "classes ({c}) must be at least 2"),
            ConfigError::UnknownPreset(name) => write!(
                f,
                "unknown model preset {name:?} (known: {})",
                ModelConfig::PRESETS.join(", ")
            ),
            ConfigError::TooLarge { field, value, max } => {
                write!(f, "{field} ({value}) must be at most {max}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Upper bound on every size field: keeps every element count of one iteration far inside u64.
const MAX_DIM: usize = 1 << 20;

impl ModelConfig {
    /// Names accepted by [`ModelConfig::preset`].
    pub const PRESETS: &[&str] = &[
        "roberta-large",
        "roberta-base",
        "bert-base",
        "crypten-a",
        "tiny",
        "tiny-wide",
    ];

    /// A named preset.
    ///
    /// - `roberta-large`: 24 layers, 1024 hidden, 16 heads, FFN 4096, 512 tokens, batch 1,
    ///   2 classes, 50 prompt tokens (BBT's default), vocabulary 50265 (the paper's setting).
    /// - `roberta-base`: 12, 768, 12, 3072, vocabulary 50265; `bert-base`: same sizes, vocabulary
    ///   30522; both 512 tokens, batch 1, 2 classes, 50 prompt tokens.
    /// - `crypten-a`: config a of `crypten-autograd.md`: 1 layer, 64 hidden, 4 heads, FFN 256,
    ///   16 tokens, 2 classes, 8 prompt tokens, batch 1.
    /// - `tiny`: 1 layer, 16 hidden, 2 heads, FFN 32, 6 tokens, 2 classes, 2 prompt tokens,
    ///   batch 2, vocabulary 32 (fast exec tests).
    /// - `tiny-wide`: 2 layers, 32 hidden, 4 heads, FFN 64, 8 tokens, 3 classes, 4 prompt
    ///   tokens, batch 1, vocabulary 64.
    pub fn preset(name: &str) -> Result<ModelConfig, ConfigError> {
        let c =
            |layers, hidden, heads, ffn, seq, batch, classes, prompt_tokens, vocab| ModelConfig {
                layers,
                hidden,
                heads,
                ffn,
                seq,
                batch,
                classes,
                prompt_tokens,
                vocab,
            };
        Ok(match name {
            "roberta-large" => c(24, 1024, 16, 4096, 512, 1, 2, 50, 50265),
            "roberta-base" => c(12, 768, 12, 3072, 512, 1, 2, 50, 50265),
            "bert-base" => c(12, 768, 12, 3072, 512, 1, 2, 50, 30522),
            "crypten-a" => c(1, 64, 4, 256, 16, 1, 2, 8, 1000),
            "tiny" => c(1, 16, 2, 32, 6, 2, 2, 2, 32),
            "tiny-wide" => c(2, 32, 4, 64, 8, 1, 3, 4, 64),
            other => return Err(ConfigError::UnknownPreset(other.to_string())),
        })
    }

    /// Check every field: positive sizes (`prompt_tokens` may be 0), `heads` divides `hidden`,
    /// at least 2 classes, every size at most 2^20.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fields: [(&'static str, usize); 8] = [
            ("layers", self.layers),
            ("hidden", self.hidden),
            ("heads", self.heads),
            ("ffn", self.ffn),
            ("seq", self.seq),
            ("batch", self.batch),
            ("classes", self.classes),
            ("vocab", self.vocab),
        ];
        for (field, v) in fields {
            if v == 0 {
                return Err(ConfigError::Zero(field));
            }
        }
        for (field, value) in fields
            .into_iter()
            .chain([("prompt_tokens", self.prompt_tokens)])
        {
            if value > MAX_DIM {
                return Err(ConfigError::TooLarge {
                    field,
                    value,
                    max: MAX_DIM,
                });
            }
        }
        if self.hidden % self.heads != 0 {
            return Err(ConfigError::HeadsDivideHidden {
                heads: self.heads,
                hidden: self.hidden,
            });
        }
        if self.classes < 2 {
            return Err(ConfigError::Classes(self.classes));
        }
        Ok(())
    }

    /// Per-head width d = hidden / heads.
    pub fn head_dim(&self) -> usize {
        self.hidden / self.heads
    }

    /// Tokens the encoder sees: `seq`, plus `prompt_tokens` when `with_prompt`.
    pub fn tokens(&self, with_prompt: bool) -> usize {
        if with_prompt {
            self.seq + self.prompt_tokens
        } else {
            self.seq
        }
    }

    /// The token the classification head reads: `prompt_tokens` with a prompt, else 0.
    pub fn head_token(&self, with_prompt: bool) -> usize {
        if with_prompt { self.prompt_tokens } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid() {
        for p in ModelConfig::PRESETS {
            ModelConfig::preset(p).unwrap().validate().unwrap();
        }
        assert!(ModelConfig::preset("gpt-7").is_err());
    }

    #[test]
    fn errors_name_the_field() {
        let mut c = ModelConfig::preset("roberta-large").unwrap();
        c.hidden = 1000;
        assert_eq!(
            c.validate().unwrap_err().to_string(),
            "heads (16) must divide hidden (1000)"
        );
        c.hidden = 1024;
        c.layers = 0;
        assert_eq!(
            c.validate().unwrap_err().to_string(),
            "layers must be at least 1"
        );
        c.layers = 1;
        c.classes = 1;
        assert!(c.validate().unwrap_err().to_string().contains("classes"));
    }
}
