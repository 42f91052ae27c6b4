//! `hexaboard check`.

use crate::cli::CheckArgs;
use crate::common::Context;

pub(crate) fn run(_args: &CheckArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard check` is being built")
}
