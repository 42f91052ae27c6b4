//! `hexaboard plot`.

use crate::cli::PlotArgs;
use crate::common::Context;

pub(crate) fn run(_args: &PlotArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard plot` is being built")
}
