"""Machinery for work done in batches (imports, reindexing, list exports): a second process that reads
ahead (`pipeline`), the garbage collector run per batch (`collection`) and query conditions for the many
ids or texts of a batch (`queries`). It imports no app, as `core` does not."""
