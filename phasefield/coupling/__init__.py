"""Time stepping and coupling: the protocol, the per-step order of sub-models, the run loop."""
