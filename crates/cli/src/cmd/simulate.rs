//! `hexaboard simulate`.

use crate::cli::SimulateArgs;
use crate::common::Context;

pub(crate) fn run(_args: &SimulateArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard simulate` is being built")
}
