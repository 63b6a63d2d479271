r"""Where the vacancies of stripping go: the share each void captures, the rest to the bulk sinks.

Stripping injects vacancies at the contact, :math:`j_c = i\,V_m/(F f)` per unit contact length (the
current flows through the contact fraction f only). Two channels take them:

1. The trapped interface layer (:func:`phasefield.reduced.laws.interface_capture_length`): on a contact
   segment of length g between two void edges the layer carries to the edges, each side,
   :math:`j_c \lambda_\Gamma \tanh(g / 2\lambda_\Gamma)`; the rest escapes into the bulk with the density
   :math:`j_c [1 - \cosh((s - g/2)/\lambda_\Gamma) / \cosh(g/2\lambda_\Gamma)]` at distance s from the left
   edge.
2. The bulk: the linearised vacancy excess u in the half-space y > 0 with sinks,
   :math:`\nabla^2 u = u/\ell^2` (:math:`\ell = d_s/\sqrt{60}`, the sink length of grains of diameter
   :math:`d_s`), periodic along the strip of length L, with the escaping flux entering through the contact
   and u = 0 on the void footprints (voids as flat absorbing strips). On the surface the Dirichlet-to-Neumann
   map is diagonal in Fourier modes, :math:`\hat u_k = \hat q_k / \sqrt{k^2 + \ell^{-2}}` (u per unit
   diffusivity, which drops out), so on N surface nodes :math:`u = K q` with the circulant K, and the mixed
   problem is :math:`K_{VV} q_V = -K_{VC} q_C`: :math:`-q_V` on a void's nodes is what that void takes from
   the bulk, the rest of the escaping flux ends in the sinks.

Every void holds at least its nearest node. Nothing is lost: captured + sunk = injected exactly.

Where on a void the vacancies land (:attr:`Partition.at_edges`): the interface channel delivers at the edges;
of the bulk flux, what lands within a given edge zone of a void's edges (its side walls) advances the edges, the
rest lands on its roof. A void that holds only its nearest node (narrower than a node) takes everything at its
edges: that node lies outside its footprint, at a negative distance from an edge. For a lone strip of width w in
a uniform far field the absorbed density is that of a conducting strip, :math:`\propto ((w/2)^2 - x^2)^{-1/2}`,
and the share within e of the two edges is :math:`(2/\pi) \arccos(1 - 2e/w)`.
"""

from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve

#: the largest node spacing of the surface grid (m)
NODE_SPACING = 0.25e-6


@dataclass(frozen=True)
class Partition:
    """Volume rates per unit depth (m^2/s): captured by each void (interface channel + bulk) and sunk in
    the bulk; the interface channel's part of the captured total."""

    captured: np.ndarray
    sunk: float
    through_interface: float
    at_edges: np.ndarray  # the part of ``captured`` that lands within the edge zone of each void

    @property
    def injected(self) -> float:
        return float(self.captured.sum()) + self.sunk


def escape_profile(distance, length: float, capture_length: float):
    """1 - cosh((s - g/2)/lambda) / cosh(g/(2 lambda)) at ``distance`` s along a segment of ``length`` g
    (overflow-free)."""
    offset = np.abs(np.asarray(distance) - 0.5 * length)
    if capture_length <= 0.0:
        return np.ones_like(offset)
    ratio = (np.exp(-(0.5 * length - offset) / capture_length) + np.exp(-(0.5 * length + offset) / capture_length)) \
        / (1.0 + np.exp(-length / capture_length))
    return 1.0 - ratio


def interface_share(length: float, capture_length: float) -> float:
    """The share of a segment's injection the interface layer carries to its two edges:
    (2 lambda / g) tanh(g / 2 lambda)."""
    if capture_length <= 0.0 or length <= 0.0:
        return 0.0 if length > 0.0 else 1.0
    return 2.0 * capture_length / length * float(np.tanh(0.5 * length / capture_length))


class VacancyPartition:
    """The capture shares on a periodic strip of ``strip_width`` (m) over bulk sinks of ``sink_length`` (m)."""

    def __init__(self, strip_width: float, sink_length: float, node_spacing: float = NODE_SPACING):
        self.strip_width = strip_width
        nodes = 2 ** int(np.ceil(np.log2(strip_width / node_spacing)))
        self.spacing = strip_width / nodes
        self.x = (np.arange(nodes) + 0.5) * self.spacing
        wavenumber = 2.0 * np.pi * np.fft.fftfreq(nodes, d=self.spacing)
        kernel = np.real(np.fft.ifft(1.0 / np.sqrt(wavenumber**2 + sink_length**-2)))
        self._response = kernel[(np.arange(nodes)[None, :] - np.arange(nodes)[:, None]) % nodes]
        self._factors: dict[bytes, tuple] = {}

    def owners(self, left: np.ndarray, width: np.ndarray) -> np.ndarray:
        """The void index of every node (-1: contact); each void holds at least its nearest node."""
        owner = np.full(self.x.size, -1)
        for k in range(left.size):
            distance = (self.x - left[k]) % self.strip_width
            inside = distance < width[k]
            if not inside.any():
                inside[int(np.argmin(np.abs((self.x - left[k] - 0.5 * width[k] + 0.5 * self.strip_width)
                                            % self.strip_width - 0.5 * self.strip_width)))] = True
            owner[inside] = k
        return owner

    def _bulk_solver(self, void_nodes: np.ndarray):
        key = void_nodes.tobytes()
        if key not in self._factors:
            if len(self._factors) > 64:
                self._factors.clear()
            self._factors[key] = cho_factor(self._response[np.ix_(void_nodes, void_nodes)])
        return self._factors[key]

    def partition(self, left: np.ndarray, width: np.ndarray, injection: float, capture_length: float,
                  edge_zone: np.ndarray | None = None) -> Partition:
        """The volume rates for voids with footprints [left, left + width) (sorted by ``left``, not
        overlapping) when the contact injects ``injection`` (m/s, per contact length); the bulk flux on a
        void's nodes within ``edge_zone`` (m, per void; default: the whole footprint) of its edges, and on its
        first and last node, counts as landing at its edges."""
        contact = self.strip_width - float(width.sum())
        if left.size == 0:
            return Partition(np.zeros(0), injection * self.strip_width, 0.0, np.zeros(0))
        captured = np.zeros(left.size)
        escape = np.zeros(self.x.size)
        owner = self.owners(left, width)
        through_interface = 0.0
        for k in range(left.size):
            start = left[k] + width[k]
            length = (left[(k + 1) % left.size] - start) % self.strip_width if left.size > 1 \
                else self.strip_width - width[k]
            total = injection * length
            layer = total * interface_share(length, capture_length)
            distance = (self.x - start) % self.strip_width
            nodes = (distance < length) & (owner < 0)
            weights = escape_profile(distance[nodes], length, capture_length)
            if weights.sum() > 0.0:
                escape[nodes] = weights * (total - layer) / (weights.sum() * self.spacing)
            else:
                layer = total  # a segment without a contact node: its escape stays at the edges
            captured[k] += 0.5 * layer
            captured[(k + 1) % left.size] += 0.5 * layer
            through_interface += layer
        void_nodes = np.flatnonzero(owner >= 0)
        contact_nodes = np.flatnonzero(owner < 0)
        flux = cho_solve(self._bulk_solver(void_nodes), -self._response[np.ix_(void_nodes, contact_nodes)]
                         @ escape[contact_nodes])
        at_edges = captured.copy()  # the interface channel's shares arrive at the edges
        owned = owner[void_nodes]
        np.add.at(captured, owned, -flux * self.spacing)
        if edge_zone is None:
            at_edges = captured.copy()
        else:
            inside = (self.x[void_nodes] - left[owned]) % self.strip_width
            from_edge = np.minimum(inside, width[owned] - inside)
            edge = (from_edge < edge_zone[owned]) | (from_edge < self.spacing)
            np.add.at(at_edges, owned[edge], -flux[edge] * self.spacing)
        sunk = injection * contact - float(captured.sum())
        return Partition(captured, sunk, through_interface, at_edges)
