"""Usage statistics: raw usage events counted by the COUNTER Code of Practice R5 rules (docs/stats.md)."""
