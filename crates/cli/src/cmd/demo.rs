//! `hexaboard demo`.

use crate::cli::DemoArgs;
use crate::common::Context;

pub(crate) fn run(_args: &DemoArgs, _context: &Context) -> anyhow::Result<()> {
    anyhow::bail!("`hexaboard demo` is being built")
}
