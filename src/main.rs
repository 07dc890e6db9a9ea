//! Command-line entry point (thin wrapper over the library).

fn main() {
    println!("secp-tuning {}", env!("CARGO_PKG_VERSION"));
}
