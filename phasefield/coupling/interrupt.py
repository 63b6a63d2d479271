"""SIGINT and SIGTERM as a request to stop cleanly after the current time step, on every rank.

Inside ``with Interrupt(comm) as interrupt:`` the first SIGINT (Ctrl-C) or SIGTERM (a batch system's
time limit, ``kill``) only records the signal; the run loop asks :meth:`Interrupt.requested` between
steps (one allreduce, so every rank stops at the same step, whichever received it), checkpoints the
last accepted state and ends. A second signal ends the process at once, as without this handler.
"""

import signal

from mpi4py import MPI

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupt:
    """The signal received since entering (0: none)."""

    def __init__(self, comm: MPI.Comm):
        self.comm = comm
        self.received = 0
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, frame) -> None:
        if self.received:  # the second one: do what it would have done without us
            signal.signal(signum, self._previous.get(signum, signal.SIG_DFL))
            signal.raise_signal(signum)
        self.received = signum

    def __enter__(self) -> "Interrupt":
        try:
            self._previous = {signum: signal.signal(signum, self._handle) for signum in SIGNALS}
        except ValueError:  # not the main thread (e.g. a worker thread of a notebook): no handlers
            self._previous = {}
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def requested(self) -> int:
        """The signal any rank received (0: none); collective."""
        return self.comm.allreduce(self.received, op=MPI.MAX)
