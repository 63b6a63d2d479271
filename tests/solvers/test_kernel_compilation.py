"""The kernels' compiler flags: the CPU level read from /proc/cpuinfo, the override, and kernels compiled with the
fast flags giving DOLFINx's default kernels' numbers to round-off."""

import numpy as np
import pytest
import ufl
from dolfinx import fem, jit, mesh
from mpi4py import MPI

from phasefield.solvers import kernel_compilation

V2 = "cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3"
V3 = V2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
V4 = V3 + " avx512f avx512bw avx512cd avx512dq avx512vl"


@pytest.mark.parametrize(("flags", "level"), [
    (V4 + " sse2 aes", "x86-64-v4"),
    (V3, "x86-64-v3"),
    (V4.replace(" fma", ""), "x86-64-v2"),  # AVX-512 without FMA is not v4 either: the levels nest
    (V2, "x86-64-v2"),
    (V2.replace("popcnt", ""), None),
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
    monkeypatch.setenv(kernel_compilation.FLAGS_VARIABLE, "default")
    assert kernel_compilation.chosen_flags() is None
    monkeypatch.setenv(kernel_compilation.FLAGS_VARIABLE, "-O1 -g0")
    assert kernel_compilation.chosen_flags() == ["-O1", "-g0"]
    monkeypatch.delenv(kernel_compilation.FLAGS_VARIABLE)
    flags = kernel_compilation.chosen_flags()
    assert flags[:3] == list(kernel_compilation.OPTIMISATION)
    level = kernel_compilation.instruction_level()
    assert flags[3:] == ([f"-march={level}"] if level else [])


def test_the_compiler_check_refuses_unknown_flags():
    assert kernel_compilation.compiler_accepts(["-O2"])
    assert not kernel_compilation.compiler_accepts(["-fno-such-flag-in-any-compiler"])


def test_the_suite_runs_the_flags_of_a_run():
    """conftest configured the kernels as a run does: DOLFINx's default flags are the chosen ones."""
    chosen = kernel_compilation.chosen_flags()
    expected = chosen if chosen is not None and kernel_compilation.compiler_accepts(chosen) else ["-O2", "-g0"]
    assert jit.DOLFINX_DEFAULT_JIT_OPTIONS["cffi_extra_compile_args"][0] == expected
    assert kernel_compilation.configure() == jit.get_options()["cffi_extra_compile_args"]


def test_fast_kernels_give_the_default_kernels_numbers():
    """A residual and Jacobian with the void model's kinds of factors (exp, tanh, powers, conditionals) at
    degree 6, assembled with the fast flags and with DOLFINx's: equal to 1e-12 relative."""
    fast = kernel_compilation.chosen_flags()
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
