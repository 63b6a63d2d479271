"""The reduced interface model: a population of voids on a 1-D strip of the metal-electrolyte interface, fed
by the vacancies of stripping, shaped by surface diffusion, closed by creep, coalescing and splitting, with the
contact-limited Butler-Volmer overpotential; the same case files and parameter sets as the finite-element
model, seconds per run, no DOLFINx (docs/reduced_model.md).

Modules: ``laws`` (the physical laws), ``capture`` (the vacancy partition between voids and bulk sinks),
``population`` (the voids and flaws), ``settings`` (SI parameters from a case), ``model`` (one interface
advanced in time), ``run`` (the protocol loop and the results folder).
"""
