"""Output: CSV time series, interface profiles, ParaView fields, run metadata and the voltage plot.

Writers never reach into the physics: they receive values and functions from the coupler.
"""
