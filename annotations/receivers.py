"""Receivers of newsroom's signals (connected in AnnotationsConfig.ready)."""
