"""Physical constants (CODATA 2018, exact SI values)."""

FARADAY = 96485.33212  # C/mol
GAS_CONSTANT = 8.314462618  # J/(mol K)
BOLTZMANN = 1.380649e-23  # J/K
ELEMENTARY_CHARGE = 1.602176634e-19  # C


def thermal_voltage(temperature: float) -> float:
    """RT/F in volts at ``temperature`` in kelvin."""
    return GAS_CONSTANT * temperature / FARADAY
