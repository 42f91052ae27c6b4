//! The `hexaboard` command.

fn main() {
    println!("hexaboard {}", env!("CARGO_PKG_VERSION"));
}
