r"""The C compiler flags of the finite-element kernels: the element integrals that FFCx generates and DOLFINx
compiles at run time (its JIT, through CFFI).

DOLFINx compiles them with ``-O2 -g0``, for any x86-64. The void kernels evaluate exp and tanh, the creep kernels
powers of the strain rate, at 12 quadrature points per triangle, one point after the other at that level. With

    -O3 -g0 -march=<level> -ffast-math

GCC vectorises the loops over quadrature points and calls glibc's vector exp and pow (libmvec, which
``-ffast-math`` enables). On the headline case this made the void Jacobian and residual assemblies 38-41% faster
and the whole run 17-22% faster (docs/performance.md, "Kernel compilation flags").

**The level** is the highest x86-64 micro-architecture level (psABI: x86-64-v2, -v3, -v4) whose features this
CPU lists in /proc/cpuinfo, not ``-march=native``: DOLFINx's JIT cache is keyed on the flags' text, so a cache
shared by machines of several generations (a cluster's home directory) never gives a module built for a newer
instruction set to an older CPU. In a parallel run the level is the lowest over the ranks and rank 0 decides the
flags for all (:func:`configure`), so every rank runs the same kernels, compiled once. No level (another
architecture, or no /proc/cpuinfo): ``-O3 -g0 -ffast-math``.

**-ffast-math** lets the compiler reassociate sums and use the vector functions (within 4 ulp): each step's results
change at round-off level, far below the solvers' tolerances (a long run's late, unstable stages can then take
another path, as with any round-off change: docs/performance.md). The flag is passed to the compiler only, not to
the linker, so the process's floating-point mode (no flush to zero) is untouched. It also lets the compiler assume
no NaN or infinity inside a kernel; a step whose solution is not finite, or whose Newton does not converge, is
still rejected (in Python and by the solvers' tests).

**Opting out.** ``PHASEFIELD_KERNEL_FLAGS=default`` (or empty) keeps DOLFINx's flags; any other value is taken as
the flags (split as a shell would). Flags there that the compiler refuses (tried once on a one-line C file) are the
user's error (:func:`override_problem`: the command line reports it in one line with exit 2 before it writes
anything). A compiler that refuses phasefield's own flags (an old GCC) leaves DOLFINx's, with a warning. A
``dolfinx_jit_options.json`` of the user's (``~/.config/dolfinx/`` or the working directory) takes priority over
both, as DOLFINx documents.
"""

import logging
import os
import shlex
import subprocess
import sysconfig
from pathlib import Path

from mpi4py import MPI

log = logging.getLogger(__name__)

#: The environment variable that overrides the flags ("default": DOLFINx's own).
FLAGS_VARIABLE = "PHASEFIELD_KERNEL_FLAGS"
#: The flags before the level.
OPTIMISATION = ("-O3", "-g0", "-ffast-math")
#: The CPU features (names of /proc/cpuinfo) each x86-64 level requires beyond the one below (psABI 1.0).
LEVELS = (
    ("x86-64-v2", {"cx16", "lahf_lm", "pni", "popcnt", "sse4_1", "sse4_2", "ssse3"}),  # pni: SSE3
    ("x86-64-v3", {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}),
    ("x86-64-v4", {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}),
)


def instruction_level(cpuinfo: Path = Path("/proc/cpuinfo")) -> str | None:
    """The highest x86-64 level of :data:`LEVELS` whose features the first CPU of ``cpuinfo`` lists (None: not an
    x86-64 Linux CPU, or below v2)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return None
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), None)
    if flags is None:
        return None
    have, level = set(flags), None
    for name, required in LEVELS:
        if not required <= have:
            break
        level = name
    return level


def chosen_flags(level: str | None) -> list[str] | None:
    """The kernels' flags: :data:`FLAGS_VARIABLE`'s, else :data:`OPTIMISATION` with ``-march=level``; None for
    DOLFINx's own."""
    requested = os.environ.get(FLAGS_VARIABLE)
    if requested is not None:
        return None if requested.strip() in ("", "default") else shlex.split(requested)
    return [*OPTIMISATION, *([f"-march={level}"] if level else [])]


def compiler_accepts(flags: list[str]) -> bool:
    """Whether the C compiler CFFI uses ($CC, else Python's) compiles a one-line C file with ``flags``."""
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    try:
        done = subprocess.run([*compiler, *flags, "-x", "c", "-c", "-", "-o", os.devnull],
                              input="double f(double x) { return x; }\n", capture_output=True, text=True,
                              timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def override_problem() -> str | None:
    """What is wrong with :data:`FLAGS_VARIABLE`, in one line (None: unset, "default", or flags the compiler
    accepts)."""
    flags = chosen_flags(None) if FLAGS_VARIABLE in os.environ else None
    return None if flags is None or compiler_accepts(flags) else _refusal()


def _refusal() -> str:
    return (f"{FLAGS_VARIABLE}: expected C compiler flags that the compiler accepts, or 'default' "
            f"(got {os.environ[FLAGS_VARIABLE]!r}, refused)")


def lowest_level(comm: MPI.Comm) -> str | None:
    """The lowest :func:`instruction_level` over the ranks of ``comm`` (collective)."""
    names = [None] + [name for name, _ in LEVELS]
    return names[comm.allreduce(names.index(instruction_level()), op=MPI.MIN)]


_configured: list[str] | None = None


def configure(comm: MPI.Comm = MPI.COMM_WORLD) -> list[str]:
    """Make the flags of :func:`chosen_flags` at the ranks' :func:`lowest_level` DOLFINx's default JIT compiler flags,
    as rank 0 chooses and its compiler accepts them (collective on ``comm`` at the first call; later calls return
    the first one's flags). Returns the flags in force (a user's JIT options file included). Raises ValueError for
    :data:`FLAGS_VARIABLE` flags that the compiler refuses (:func:`override_problem`), on every rank."""
    from dolfinx import jit  # here, so that the command line can check the variable without loading DOLFINx

    global _configured
    if _configured is None:
        level = lowest_level(comm)
        flags, problem = None, None
        if comm.rank == 0:
            flags = chosen_flags(level)
            if flags is not None and not compiler_accepts(flags):
                if FLAGS_VARIABLE in os.environ:
                    problem = _refusal()
                else:
                    log.warning("the C compiler refused the kernel flags %s; DOLFINx's are used", " ".join(flags))
                flags = None
        flags, problem = comm.bcast((flags, problem), root=0)
        if problem is not None:
            raise ValueError(problem)
        if flags is not None:
            jit.DOLFINX_DEFAULT_JIT_OPTIONS["cffi_extra_compile_args"] = (
                flags, jit.DOLFINX_DEFAULT_JIT_OPTIONS["cffi_extra_compile_args"][1])
        _configured = list(jit.get_options()["cffi_extra_compile_args"])
    return list(_configured)
