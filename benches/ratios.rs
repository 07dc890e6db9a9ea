//! Prints every performance figure of issue 7 as a ratio to a reference measured in the same
//! run (see `secp_tuning::bench`). No criterion: one table on stdout.
//!
//! `cargo bench --bench ratios` (all figures, 5 repeats each);
//! `cargo bench --bench ratios -- --repeats 9` or `-- --quick` (tiny shapes, smoke run).

use secp_tuning::bench::{BenchOptions, format_table, run_bench};

fn main() {
    let mut opts = BenchOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => opts.quick = true,
            "--repeats" => {
                opts.repeats = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--repeats needs a positive integer")
            }
            _ => {} // cargo passes --bench; ignore anything else
        }
    }
    let figs = run_bench(&opts);
    print!("{}", format_table(&figs));
}
