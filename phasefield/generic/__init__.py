"""Generic phase-field building blocks (free-energy functions, Cahn-Hilliard and Allen-Cahn forms)
used by the battery sub-models and usable on their own on any DOLFINx mesh."""
