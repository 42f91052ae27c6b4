//! `hexaboard send`.

use crate::cli::SendArgs;
use crate::common::Context;

pub(crate) fn run(_args: &SendArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard send` is being built")
}
