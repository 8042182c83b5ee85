"""The policy: YAML with lines (source) → units, zones → typed model → load (located errors)."""
