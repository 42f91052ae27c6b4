//! `hexaboard record`.

use crate::cli::RecordArgs;
use crate::common::Context;

pub(crate) fn run(_args: &RecordArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard record` is being built")
}
