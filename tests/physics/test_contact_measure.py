"""The contact measure of the kinetics from the metal fraction (issue 22, item 6): a sharpened step at
phi = 1/2, so that a partly void layer is not partly in contact."""

import numpy as np
import pytest

from phasefield.physics.contact import CONTACT_SHARPNESS, sharpened_contact, trapezoid_weights


def test_the_measure_is_a_monotone_step_at_one_half():
    """a = 0 up to phi = 1/2 - width/2, 1 from 1/2 + width/2, 1/2 at 1/2, non-decreasing in between."""
    phi = np.linspace(0.0, 1.0, 1001)
    a = sharpened_contact(phi)
    assert np.all(a[phi < 0.5 - CONTACT_SHARPNESS / 2 - 1e-12] == 0.0)
    assert np.all(a[phi > 0.5 + CONTACT_SHARPNESS / 2 + 1e-12] == 1.0)
    assert sharpened_contact(np.array([0.5]))[0] == pytest.approx(0.5, abs=1e-15)
    assert np.all(np.diff(a) >= 0.0)


@pytest.mark.parametrize("layer, expected", [(0.35, 0.0), (0.45, 0.15625), (0.65, 1.0)])
def test_a_mushy_layer_is_not_half_in_contact(layer, expected):
    """A uniform phi along the whole interface (the mushy layer of VOID-REVIEW item 9): phi = 0.35 is no
    contact and 0.65 full contact, where a = phi counted 0.35 and 0.65; at 0.45, h(1/4) = 5/32."""
    assert sharpened_contact(np.full(10, layer)) == pytest.approx(expected, abs=1e-15)


def test_the_interface_mean_is_the_length_with_phi_above_one_half():
    """Three voids of widths 2, 3.5 and 6 um with diffuse edges (tanh, 10-90% width 0.5 um) on a 60 um
    interface sampled every 0.25 um (T1's cells): the trapezoid mean of a is the length fraction with
    phi > 1/2 to within one cell per void edge."""
    x = np.arange(0.0, 60.0 + 1e-9, 0.25)
    delta = 0.5 / 4.4
    phi = np.ones_like(x)
    for centre, width in ((10.0, 2.0), (30.0, 3.5), (47.0, 6.0)):
        phi *= 0.5 * (1.0 + np.tanh((np.abs(x - centre) - width / 2) / (2.0 * delta)))
    points, weights = trapezoid_weights(x)
    measured = weights @ sharpened_contact(phi)
    exact = 1.0 - (2.0 + 3.5 + 6.0) / 60.0
    assert measured == pytest.approx(exact, abs=6 * 0.25 / 60.0)
