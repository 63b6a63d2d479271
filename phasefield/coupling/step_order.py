"""The order in which the sub-models are solved within one time step: the single place that knows it.

:func:`coupled_step` takes the state at the start of the step to its end, in this order:

1. contact: the vacancy-void phase field over the step, with the vacancy injection of the interface
   current of the last electrochemistry solve (phase-field contact only);
2. flow: the metal velocity from the new vacancy sinks and metal fraction (creep or lattice flow); without
   voids, from the sinks of the vacancies that this step's current injects;
3. interdiffusion: Mg over the step, advected by that velocity; U(x_Mg) onto the interface;
4. contact: nucleation of new voids on the interface;
5. contact: the metal fraction at the end of the step (prescribed by the capacity, or the phase field)
   and from it the contact measure a(x) of the kinetics;
6. electrochemistry: electrolyte and metal potential under this step's current, with the contact of
   5 and the U of 3 (no splitting lag for these); its interface current goes back to the contact as the
   injection of the next step;
7. extensions: every sub-model of an extra case section, in the order of their section names.

Steps 1-4 advance in time and are skipped for ``dt = 0`` (the re-solve of the initial or restarted
state). A failing solve raises :class:`~phasefield.solvers.failures.SolverFailure`; the caller
restores the snapshot of every sub-model and retries.
"""

from phasefield.coupling.submodels import SubModels
from phasefield.submodels.base import StepConditions


def coupled_step(models: SubModels, step: StepConditions) -> None:
    """Solve every sub-model of ``models`` over ``step`` in the order of the module docstring."""
    if step.dt > 0.0:
        models.contact.advance(step)
        models.flow.advance(step)
        models.interdiffusion.advance(step)
        models.contact.nucleate(step)
    models.contact.update(step)
    models.electrochemistry.solve(step, models.contact.contact)
    models.contact.receive_current(models.electrochemistry.current_density)
    for extension in models.extensions:
        extension.advance(step)
