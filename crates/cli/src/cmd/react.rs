//! `hexaboard react`.

use crate::cli::ReactArgs;
use crate::common::Context;

pub(crate) fn run(_args: &ReactArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard react` is being built")
}
