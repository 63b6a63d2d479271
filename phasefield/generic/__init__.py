"""Generic phase-field building blocks used by the battery sub-models and usable on their own on any
DOLFINx mesh: free-energy functions (``free_energy``), Cahn-Hilliard (``cahn_hilliard``) and
Allen-Cahn (``allen_cahn``) models with adaptive BDF time stepping (``evolution``), and a
model-independent error-controlled step controller (``time_step``). See docs/generic_phase_field.md."""
