"""Parameter sets: every value has a source and a standing, and the metals share one set of keys
(so that a case can switch metals and the calibration knobs are the same for Li and Li-Mg)."""

from phasefield.parameters import PARAMETER_SETS


def test_every_parameter_has_units_a_source_and_a_standing():
    for pset in PARAMETER_SETS.values():
        for key, parameter in pset.parameters.items():
            assert parameter.source and parameter.description, (pset.name, key)
            assert parameter.standing in {"V", "L", "U", "F"}, (pset.name, key)
            assert parameter.si == parameter.si  # parses, finite


def test_metal_sets_have_the_same_keys_and_share_the_calibration_knobs():
    li, alloy = PARAMETER_SETS["Li"], PARAMETER_SETS["Li0.97Mg0.03"]
    assert set(li.parameters) == set(alloy.parameters)
    for knob in ("vacancy_sink_spacing", "nucleation_prefactor", "nucleation_barrier"):
        assert li.parameters[knob] == alloy.parameters[knob]
    assert li.si()["contact_angle"] != alloy.si()["contact_angle"]  # 93.6 vs 87.1 deg (seed)
