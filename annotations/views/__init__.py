"""Pages of the editorial work, one module per area (articles, flags, dashboard)."""
