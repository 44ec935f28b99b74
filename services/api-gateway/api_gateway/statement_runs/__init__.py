"""Statement runs: every party of a group its own statement, in one action."""
