r"""Where the vacancies of stripping go: the share each void captures, the rest to the bulk sinks.

Stripping injects vacancies at the contact, :math:`j_c = i\,V_m/(F f)` per unit contact length (the
current flows through the contact fraction f only). Two channels take them:

1. The trapped interface layer: the first metal layer holds vacancies at the trap factor theta times the bulk's
   and, hopping at the bulk's rate, conducts along the contact like a slab of metal of thickness
   :math:`G = a\theta` (:func:`phasefield.reduced.laws.interface_layer_thickness`, 1.46 um on clean Li at 25 C); it
   exchanges with the metal beneath over the escape barrier, a resistance like that of
   :math:`\ell_x = a e^{E_{esc}/kT}` of metal (:func:`~phasefield.reduced.laws.interface_exchange_length`, 95 nm).
   With u the bulk excess on the surface and :math:`u_\Gamma` the layer's (both per unit diffusivity), on the
   contact :math:`q = j_c + G\,\partial_s^2 u_\Gamma`, :math:`u_\Gamma = u + \ell_x q` (q: the flux into the
   bulk), and :math:`u_\Gamma = 0` on the void footprints, where the layer delivers :math:`G\,|\partial_s u_\Gamma|`
   at the edges (finite volumes on the surface nodes, the edge half-way between a void node and a contact node,
   its gradient one-sided of second order). Over perfect sinks (u = 0) this is the decay over
   :math:`\lambda_\Gamma = \sqrt{G \ell_x}` (:math:`a e^{(E_t + E_{esc})/2kT}` on a clean interface), a segment
   of length g between two voids sending
   :math:`(2\lambda_\Gamma/g)\tanh(g/2\lambda_\Gamma)` of its injection to its edges (the model until
   2026-12-06, which let no escaped vacancy back into the layer); over the real bulk the escaped vacancies come
   back, and for :math:`\ell_x` below the node spacing the layer is the finite-element model's fast-diffusion
   layer (:mod:`phasefield.physics.voids`, ``interface_layer``).
2. The bulk: the linearised vacancy excess u in the half-space y > 0 with sinks,
   :math:`\nabla^2 u = u/\ell^2` (:math:`\ell = d_s/\sqrt{60}`, the sink length of grains of diameter
   :math:`d_s`), periodic along the strip of length L, with the escaping flux entering through the contact
   and u = 0 on the void footprints (voids as flat absorbing strips). On the surface the Dirichlet-to-Neumann
   map is diagonal in Fourier modes, :math:`\hat u_k = \hat q_k / \sqrt{k^2 + \ell^{-2}}` (u per unit
   diffusivity, which drops out), so on N surface nodes :math:`u = K q` with the circulant K, and the mixed
   problem is :math:`K_{VV} q_V = -K_{VC} q_C` without the layer (with it, one system for q on every node, the
   layer's second difference conservative on the contact nodes): :math:`-q_V` on a void's nodes is what that
   void takes from the bulk, the rest of the flux into the bulk ends in the sinks.

Every void holds at least its nearest node. Nothing is lost: captured + sunk = injected exactly. The bulk excess on
the contact nodes, :math:`u = K q`, gives the supersaturation there, :math:`\mu = \ln(1 + u f / D^*)` (kT; f the
correlation factor; :math:`u = j_c \ell` on a flat contact), at which voids nucleate
(:mod:`phasefield.reduced.model`).

Where on a void the vacancies land (:attr:`Partition.at_edges`): the interface channel delivers at the edges;
of the bulk flux, what lands within a given edge zone of a void's edges (its side walls) advances the edges, the
rest lands on its roof. A void that holds only its nearest node (narrower than a node) takes everything at its
edges: that node lies outside its footprint, at a negative distance from an edge. For a lone strip of width w in
a uniform far field the absorbed density is that of a conducting strip, :math:`\propto ((w/2)^2 - x^2)^{-1/2}`,
and the share within e of the two edges is :math:`(2/\pi) \arccos(1 - 2e/w)`.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.linalg import cho_factor, cho_solve, lu_factor, lu_solve

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
    surface_excess: np.ndarray  # u = K q (m^2/s) on every surface node: the bulk excess times D_v; 0 on the voids

    @property
    def injected(self) -> float:
        return float(self.captured.sum()) + self.sunk


class VacancyPartition:
    """The capture shares on a periodic strip of ``strip_width`` (m) over bulk sinks of ``sink_length`` (m)."""

    def __init__(self, strip_width: float, sink_length: float, node_spacing: float = NODE_SPACING):
        self.strip_width, self.sink_length = strip_width, sink_length
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

    def _face_gradients(self, contact: np.ndarray) -> sparse.csr_array:
        """F with -F u the gradient of the layer potential u_G on the face between node i and i + 1 (row i):
        central between two contact nodes, zero between two void nodes, and at a void edge (u_G = 0 on the face
        half-way between the nodes) one-sided of second order, from the quadratic through the face and the two
        contact nodes next to it (first order where the segment is one node long)."""
        nodes, dx = self.x.size, self.spacing
        i = np.arange(nodes)
        here, there = contact, np.roll(contact, -1)
        inner = here & there
        rows, cols = [i[inner], i[inner]], [i[inner], (i[inner] + 1) % nodes]
        values = [np.full(inner.sum(), 1.0 / dx), np.full(inner.sum(), -1.0 / dx)]
        for edge, near, beyond, sign in ((here & ~there, i, i - 1, 1.0), (~here & there, i + 1, i + 2, -1.0)):
            near, beyond = near[edge] % nodes, beyond[edge] % nodes
            quadratic = contact[beyond]
            rows += [i[edge], i[edge][quadratic]]
            cols += [near, beyond[quadratic]]
            values += [np.where(quadratic, sign * 3.0 / dx, sign * 2.0 / dx),
                       np.full(quadratic.sum(), -sign / (3 * dx))]
        return sparse.csr_array((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                                shape=(nodes, nodes))

    def _layer_solver(self, contact: np.ndarray, layer_thickness: float, exchange_length: float):
        """The LU factors of the system for q on every node with the interface layer (module docstring) and the
        face gradients: on the void nodes (K q)_V = 0, on the contact nodes q + (J_(i+1/2) - J_(i-1/2)) / dx = j with
        the layer flux J = G F u_G over the faces, u_G = (K q + l_x q) there and 0 on the void nodes."""
        key = (contact.tobytes(), layer_thickness, exchange_length)
        if key not in self._factors:
            if len(self._factors) > 64:
                self._factors.clear()
            nodes = self.x.size
            layer_potential = (self._response + exchange_length * np.eye(nodes)) * contact[:, None]
            gradients = self._face_gradients(contact)
            previous_face = gradients[np.roll(np.arange(nodes), 1)]  # row i: face i - 1
            divergence = (gradients - previous_face) / self.spacing
            system = np.where(contact[:, None], np.eye(nodes) + layer_thickness * (divergence @ layer_potential),
                              self._response)
            self._factors[key] = (lu_factor(system, check_finite=False), gradients)
        return self._factors[key]

    def layer_flux(self, injection: np.ndarray, contact: np.ndarray, layer_thickness: float,
                   exchange_length: float) -> tuple[np.ndarray, np.ndarray]:
        """The flux into the bulk q (m/s) on every node and the layer's potential u_G, for the nodal ``injection``
        (m/s) on the ``contact`` nodes (a boolean mask; the others are void nodes) and the interface layer of
        thickness G and exchange length l_x (module docstring)."""
        factors, _ = self._layer_solver(contact, layer_thickness, exchange_length)
        flux = lu_solve(factors, np.where(contact, injection, 0.0))
        return flux, np.where(contact, self._response @ flux + exchange_length * flux, 0.0)

    def layer_delivery(self, potential: np.ndarray, contact: np.ndarray, layer_thickness: float,
                       exchange_length: float) -> np.ndarray:
        """The layer's flux (m^2/s) into each void node across its edge faces for the layer potential u_G."""
        gradients = self._layer_solver(contact, layer_thickness, exchange_length)[1]
        faces = layer_thickness * (gradients @ potential)
        delivered = np.zeros(self.x.size)
        right = contact & ~np.roll(contact, -1)  # face i: contact node i, void node i + 1
        left = ~contact & np.roll(contact, -1)  # face i: void node i, contact node i + 1
        np.add.at(delivered, (np.flatnonzero(right) + 1) % self.x.size, faces[right])
        np.add.at(delivered, np.flatnonzero(left), -faces[left])
        return delivered

    def _contact_injection(self, left: np.ndarray, width: np.ndarray, owner: np.ndarray,
                           injection: float) -> tuple[np.ndarray, np.ndarray]:
        """The injection (m/s) on the contact nodes, each segment between two voids spread over its nodes so that
        it injects its length times ``injection``; and what each void takes at its edges from the segments
        without a contact node (half of each such segment's to either side; m^2/s)."""
        flux = np.zeros(self.x.size)
        at_edges = np.zeros(left.size)
        for k in range(left.size):
            start = left[k] + width[k]
            length = (left[(k + 1) % left.size] - start) % self.strip_width if left.size > 1 \
                else self.strip_width - width[k]
            nodes = (((self.x - start) % self.strip_width) < length) & (owner < 0)
            if nodes.any():
                flux[nodes] = injection * length / (nodes.sum() * self.spacing)
            else:
                at_edges[k] += 0.5 * injection * length
                at_edges[(k + 1) % left.size] += 0.5 * injection * length
        return flux, at_edges

    def partition(self, left: np.ndarray, width: np.ndarray, injection: float, layer_thickness: float,
                  exchange_length: float, edge_zone: np.ndarray | None = None) -> Partition:
        """The volume rates for voids with footprints [left, left + width) (sorted by ``left``, not
        overlapping) when the contact injects ``injection`` (m/s, per contact length), with the interface layer
        of thickness G = ``layer_thickness`` and exchange length l_x = ``exchange_length`` (m; G = 0: no layer);
        the bulk flux on a void's nodes within ``edge_zone`` (m, per void; default: the whole footprint) of its
        edges, and on its first and last node, counts as landing at its edges."""
        contact = self.strip_width - float(width.sum())
        if left.size == 0:  # u = j l: the k = 0 mode of K
            return Partition(np.zeros(0), injection * self.strip_width, 0.0, np.zeros(0),
                             np.full(self.x.size, injection * self.sink_length))
        owner = self.owners(left, width)
        flux, captured = self._contact_injection(left, width, owner, injection)
        through_interface = float(captured.sum())
        void_nodes, on_contact = np.flatnonzero(owner >= 0), owner < 0
        if layer_thickness > 0.0:
            flux, potential = self.layer_flux(flux, on_contact, layer_thickness, exchange_length)
            delivered = self.layer_delivery(potential, on_contact, layer_thickness, exchange_length)[void_nodes]
            np.add.at(captured, owner[void_nodes], delivered)
            through_interface += float(delivered.sum())
            flux_on_voids = flux[void_nodes]
        else:
            contact_nodes = np.flatnonzero(on_contact)
            flux_on_voids = cho_solve(self._bulk_solver(void_nodes),
                                      -self._response[np.ix_(void_nodes, contact_nodes)] @ flux[contact_nodes])
            flux[void_nodes] = flux_on_voids
        at_edges = captured.copy()  # the interface channel's shares arrive at the edges
        owned = owner[void_nodes]
        np.add.at(captured, owned, -flux_on_voids * self.spacing)
        if edge_zone is None:
            at_edges = captured.copy()
        else:
            inside = (self.x[void_nodes] - left[owned]) % self.strip_width
            from_edge = np.minimum(inside, width[owned] - inside)
            edge = (from_edge < edge_zone[owned]) | (from_edge < self.spacing)
            np.add.at(at_edges, owned[edge], -flux_on_voids[edge] * self.spacing)
        sunk = injection * contact - float(captured.sum())
        return Partition(captured, sunk, through_interface, at_edges, np.where(on_contact, self._response @ flux, 0.0))
