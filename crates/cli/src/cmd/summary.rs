//! `hexaboard summary`.

use crate::cli::SummaryArgs;
use crate::common::Context;

pub(crate) fn run(_args: &SummaryArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard summary` is being built")
}
