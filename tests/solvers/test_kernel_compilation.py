"""The kernels' compiler flags: the CPU level read from /proc/cpuinfo, the override, the flags in force for a plain
form, and kernels compiled with the fast flags giving DOLFINx's default kernels' numbers to round-off."""

import os
import platform

import numpy as np
import pytest
import ufl
from dolfinx import fem, jit, mesh
from mpi4py import MPI

from phasefield.solvers import kernel_compilation

V2 = "cx16 lahf_lm pni popcnt sse4_1 sse4_2 ssse3"
V3 = V2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
V4 = V3 + " avx512f avx512bw avx512cd avx512dq avx512vl"


@pytest.mark.parametrize(("flags", "level"), [
    (V4 + " sse2 aes", "x86-64-v4"),
    (V3, "x86-64-v3"),
    (V4.replace(" fma", ""), "x86-64-v2"),  # AVX-512 without FMA is not v4 either: the levels nest
    (V2, "x86-64-v2"),
    (V2.replace("popcnt", ""), None),
    (V2.replace("pni", ""), None),  # SSE3 missing (a virtual machine's masked features)
    (None, None),  # a cpuinfo without flags (another architecture)
])
def test_instruction_level_is_the_highest_complete_level(tmp_path, flags, level):
    cpuinfo = tmp_path / "cpuinfo"
    lines = ["processor\t: 0", "model name\t: a CPU"] + ([f"flags\t\t: {flags}"] if flags is not None else [])
    cpuinfo.write_text("\n".join(lines * 2) + "\n")
    assert kernel_compilation.instruction_level(cpuinfo) == level


def test_no_cpuinfo_means_no_level(tmp_path):
    assert kernel_compilation.instruction_level(tmp_path / "missing") is None


def test_the_variable_overrides_the_flags(monkeypatch):
    for value in ("default", " ", ""):
        monkeypatch.setenv(kernel_compilation.FLAGS_VARIABLE, value)
        assert kernel_compilation.chosen_flags("x86-64-v3") is None
    monkeypatch.setenv(kernel_compilation.FLAGS_VARIABLE, "-O1 -g0 '-DNAME=a b'")
    assert kernel_compilation.chosen_flags("x86-64-v3") == ["-O1", "-g0", "-DNAME=a b"]
    monkeypatch.delenv(kernel_compilation.FLAGS_VARIABLE)
    assert kernel_compilation.chosen_flags("x86-64-v3") == [*kernel_compilation.OPTIMISATION, "-march=x86-64-v3"]
    assert kernel_compilation.chosen_flags(None) == list(kernel_compilation.OPTIMISATION)


def test_the_compiler_check_refuses_unknown_flags():
    assert kernel_compilation.compiler_accepts(["-O2"])
    assert not kernel_compilation.compiler_accepts(["-fno-such-flag-in-any-compiler"])


def test_the_level_is_the_lowest_over_the_ranks():
    level = kernel_compilation.lowest_level(MPI.COMM_WORLD)
    assert MPI.COMM_WORLD.allgather(level) == [level] * MPI.COMM_WORLD.size
    names = [None] + [name for name, _ in kernel_compilation.LEVELS]
    assert names.index(level) <= names.index(kernel_compilation.instruction_level())


@pytest.mark.skipif(platform.machine() != "x86_64" or kernel_compilation.FLAGS_VARIABLE in os.environ,
                    reason="the fast flags are checked on x86-64 without an override")
def test_a_plain_form_is_compiled_with_the_fast_flags(tmp_path):
    """The suite configured the kernels as a run does (conftest): a form compiled without JIT options (into an
    empty cache, so that it is built here) is built with -ffast-math and this CPU's level, and the compiler took
    them (a silently refused flag would leave DOLFINx's -O2 and fail here)."""
    level = kernel_compilation.lowest_level(MPI.COMM_WORLD)
    assert level is not None and kernel_compilation.compiler_accepts(kernel_compilation.chosen_flags(level))
    domain = mesh.create_unit_square(MPI.COMM_SELF, 2, 2)
    space = fem.functionspace(domain, ("Lagrange", 1))
    u = fem.Function(space)
    fem.form(ufl.exp(u) * ufl.dx, jit_options={"cache_dir": tmp_path})  # the compile flags: the default's
    logs = [log.read_text() for log in tmp_path.glob("*.c.cached")]
    compile_lines = [line for text in logs for line in text.splitlines() if " -c " in line]
    assert compile_lines and all("-ffast-math" in line and f"-march={level}" in line for line in compile_lines)
    assert kernel_compilation.configure() == jit.get_options()["cffi_extra_compile_args"]


def test_fast_kernels_give_the_default_kernels_numbers():
    """A residual and Jacobian with the void model's kinds of factors (exp, tanh, powers, conditionals) at
    degree 6, assembled with the fast flags and with DOLFINx's: equal to 1e-12 relative."""
    fast = kernel_compilation.chosen_flags(kernel_compilation.lowest_level(MPI.COMM_WORLD))
    if fast is None or not kernel_compilation.compiler_accepts(fast):
        pytest.skip("the fast flags are off here")
    domain = mesh.create_unit_square(MPI.COMM_WORLD, 12, 12)
    space = fem.functionspace(domain, ("Lagrange", 1))
    u, v = fem.Function(space), ufl.TestFunction(space)
    u.interpolate(lambda x: 0.8 * np.sin(3 * x[0]) * np.cos(2 * x[1]) + 0.1)
    dx = ufl.Measure("dx", domain=domain, metadata={"quadrature_degree": 6})
    rate = ufl.sqrt(ufl.inner(ufl.grad(u), ufl.grad(u)) + 1e-3)
    residual = (ufl.exp(u) * ufl.tanh(3 * u) * v + rate ** 5.6 * ufl.inner(ufl.grad(u), ufl.grad(v))
                + ufl.conditional(ufl.gt(u, 0.2), u**3, -u) * v) * dx
    jacobian = ufl.derivative(residual, u)

    def assembled(flags):
        options = {"cffi_extra_compile_args": flags}
        vector = fem.assemble_vector(fem.form(residual, jit_options=options)).array
        matrix = fem.assemble_matrix(fem.form(jacobian, jit_options=options)).to_dense()
        return vector, matrix

    (fast_vector, fast_matrix), (plain_vector, plain_matrix) = assembled(fast), assembled(["-O2", "-g0"])
    assert np.max(np.abs(fast_vector - plain_vector)) <= 1e-12 * np.max(np.abs(plain_vector))
    assert np.max(np.abs(fast_matrix - plain_matrix)) <= 1e-12 * np.max(np.abs(plain_matrix))


def test_refused_flags_leave_dolfinx_flags_with_a_warning(monkeypatch, caplog):
    """A compiler that refuses phasefield's own flags (an old GCC; here an unknown flag among them) leaves DOLFINx's,
    and says so."""
    monkeypatch.setattr(kernel_compilation, "_configured", None)  # a fresh process's first call
    monkeypatch.setitem(jit.DOLFINX_DEFAULT_JIT_OPTIONS, "cffi_extra_compile_args", (["-O2", "-g0"], "DOLFINx's"))
    monkeypatch.delenv(kernel_compilation.FLAGS_VARIABLE, raising=False)
    monkeypatch.setattr(kernel_compilation, "OPTIMISATION", ("-O2", "-fno-such-flag-in-any-compiler"))
    with caplog.at_level("WARNING", logger=kernel_compilation.__name__):
        flags = kernel_compilation.configure(MPI.COMM_WORLD)
    assert flags == jit.get_options()["cffi_extra_compile_args"] == ["-O2", "-g0"]
    assert ("refused the kernel flags" in caplog.text) == (MPI.COMM_WORLD.rank == 0)


def test_refused_override_is_the_users_error(monkeypatch):
    """Flags of PHASEFIELD_KERNEL_FLAGS that the compiler refuses: one line naming the variable, what was expected and
    what it got; configure raises it on every rank and changes nothing."""
    monkeypatch.setattr(kernel_compilation, "_configured", None)
    monkeypatch.setitem(jit.DOLFINX_DEFAULT_JIT_OPTIONS, "cffi_extra_compile_args", (["-O2", "-g0"], "DOLFINx's"))
    monkeypatch.setenv(kernel_compilation.FLAGS_VARIABLE, "-O2 -fno-such-flag-in-any-compiler")
    problem = kernel_compilation.override_problem()
    assert problem == ("PHASEFIELD_KERNEL_FLAGS: expected C compiler flags that the compiler accepts, or 'default' "
                       "(got '-O2 -fno-such-flag-in-any-compiler', refused)")
    with pytest.raises(ValueError, match="PHASEFIELD_KERNEL_FLAGS: expected"):
        kernel_compilation.configure(MPI.COMM_WORLD)
    assert jit.get_options()["cffi_extra_compile_args"] == ["-O2", "-g0"] and kernel_compilation._configured is None
    for accepted in ("-O1 -g0", "default"):
        monkeypatch.setenv(kernel_compilation.FLAGS_VARIABLE, accepted)
        assert kernel_compilation.override_problem() is None


def test_info_prints_the_flags_in_force(capsys):
    from phasefield.cli import main

    main(["info"])
    line = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("kernels:"))
    assert line.split(":", 1)[1].strip().startswith(" ".join(jit.get_options()["cffi_extra_compile_args"]) + " (")
