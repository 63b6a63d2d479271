"""Physical sub-models, one module per law. Each exposes residual forms and parameters only."""
