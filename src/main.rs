//! Command-line entry point (thin wrapper over the library: see `secp_tuning::cli`).

fn main() {
    std::process::exit(secp_tuning::cli::main_entry());
}
