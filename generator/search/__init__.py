"""Search: one analyzer, two engines (Whoosh for the CLI, a sharded script index for the browser)."""
