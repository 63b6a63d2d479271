r"""The C compiler flags of the finite-element kernels: the element integrals that FFCx generates and DOLFINx
compiles at run time (its JIT, through CFFI).

DOLFINx compiles them with ``-O2 -g0``, for any x86-64. The void kernels evaluate exp and tanh, the creep kernels
powers of the strain rate, at 12 quadrature points per triangle, one point after the other at that level. With

    -O3 -g0 -march=<level> -ffast-math

GCC vectorises the loops over quadrature points and calls glibc's vector exp and pow (libmvec, which
``-ffast-math`` enables). On the headline case this made the void Jacobian and residual assemblies 40% faster and
the whole run about 20% faster (docs/performance.md, "Kernel compilation flags").

**The level** is the highest x86-64 micro-architecture level (psABI: x86-64-v2, -v3, -v4) whose features this
process's CPU lists in /proc/cpuinfo, not ``-march=native``: DOLFINx's JIT cache is keyed on the flags' text, so a
cache shared by machines of several generations (a cluster's home directory) never gives a module built for a
newer instruction set to an older CPU. Each rank decides for its own CPU. No level (another architecture, or no
/proc/cpuinfo): ``-O3 -g0 -ffast-math``.

**-ffast-math** lets the compiler reassociate sums and use the vector functions (within 4 ulp): results change at
round-off level, far below the solvers' tolerances, the same on every rank and in every run on one machine. The
flag is passed to the compiler only, not to the linker, so the process's floating-point mode (no flush to zero) is
untouched. Nothing in the kernels tests for NaN or infinity; a non-finite solution is caught in Python.

**Opting out.** ``PHASEFIELD_KERNEL_FLAGS=default`` keeps DOLFINx's flags; any other value is taken as the flags
(split on spaces). A compiler that refuses the flags (tried once on a one-line C file) also leaves DOLFINx's. A
``dolfinx_jit_options.json`` of the user's (``~/.config/dolfinx/`` or the working directory) takes priority over
both, as DOLFINx documents.
"""

import functools
import os
import shlex
import subprocess
import sysconfig
from pathlib import Path

from dolfinx import jit

#: The environment variable that overrides the flags ("default": DOLFINx's own).
FLAGS_VARIABLE = "PHASEFIELD_KERNEL_FLAGS"
#: The flags before the level.
OPTIMISATION = ("-O3", "-g0", "-ffast-math")
#: The CPU features (names of /proc/cpuinfo) each x86-64 level requires beyond the one below (psABI 1.0).
LEVELS = (
    ("x86-64-v2", {"cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"}),
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


def chosen_flags() -> list[str] | None:
    """The kernels' flags: :data:`FLAGS_VARIABLE`'s, else :data:`OPTIMISATION` with ``-march`` at this CPU's
    :func:`instruction_level`; None for DOLFINx's own."""
    requested = os.environ.get(FLAGS_VARIABLE)
    if requested is not None:
        return None if requested.strip() == "default" else requested.split()
    level = instruction_level()
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


@functools.cache
def configure() -> list[str]:
    """Make :func:`chosen_flags` DOLFINx's default JIT compiler flags for this process, if the compiler accepts
    them (once; later calls return the same). Returns the flags in force (a user's JIT options file included)."""
    flags = chosen_flags()
    if flags is not None and compiler_accepts(flags):
        jit.DOLFINX_DEFAULT_JIT_OPTIONS["cffi_extra_compile_args"] = (
            flags, jit.DOLFINX_DEFAULT_JIT_OPTIONS["cffi_extra_compile_args"][1])
    return list(jit.get_options()["cffi_extra_compile_args"])
