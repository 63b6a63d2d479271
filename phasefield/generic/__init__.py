"""A standalone phase-field library on any DOLFINx mesh: free-energy functions (``free_energy``),
Cahn-Hilliard (``cahn_hilliard``) and Allen-Cahn (``allen_cahn``) models with adaptive BDF time
stepping (``evolution``), and a model-independent error-controlled step controller (``time_step``).

Of these, the battery model uses only ``free_energy`` (the vacancy-void model,
:mod:`phasefield.physics.voids`, and its coupling); its sub-models have their own residuals and time
stepping. ``CahnHilliard`` and ``AllenCahn`` serve the ``phasefield verify`` studies, the CH-S1
benchmark (``benchmarks/ch_s1``) and scripts of their own. Who uses what: README.md in this folder;
equations and verification: docs/generic_phase_field.md."""
