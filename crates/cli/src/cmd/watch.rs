//! `hexaboard watch`.

use crate::cli::WatchArgs;
use crate::common::Context;

pub(crate) fn run(_args: &WatchArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard watch` is being built")
}
