//! Units, the online ledger and the dealer's offline log, network and compute models, pricing.

pub mod ledger;
pub mod presets;
pub mod price;
pub mod units;

pub use ledger::{
    Correlation, DealerLog, DealerPolicy, DepthLevels, Ledger, OfflineTotals, Recipient,
    RoundEvent, RoundKind, Server, Totals,
};
pub use price::{ComputeProfile, Network, Timeline, price};
pub use units::{BitsPerSec, Bytes, Rounds, SimDuration};
