"""Physical constants (SI 2019: k_B, N_A, e exact; F = e N_A and R = k_B N_A follow)."""

BOLTZMANN = 1.380649e-23  # J/K
AVOGADRO = 6.02214076e23  # 1/mol
ELEMENTARY_CHARGE = 1.602176634e-19  # C
FARADAY = 96485.33212  # C/mol (e N_A = 96485.3321233...)
GAS_CONSTANT = 8.314462618  # J/(mol K) (k_B N_A = 8.31446261815...)


def thermal_voltage(temperature: float) -> float:
    """RT/F in volts at ``temperature`` in kelvin."""
    return GAS_CONSTANT * temperature / FARADAY
