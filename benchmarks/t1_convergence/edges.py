"""Triple-line (void edge) speeds from the interface profiles: edges where the contact crosses 1/2, each
matched to the nearest edge of the next profile; speeds in um/s, and the limiter's cap."""
import sys, glob, re
import numpy as np
for run in sys.argv[1:]:
    rows = []
    for f in sorted(glob.glob(f"{run}/interface/profile_*.csv")):
        head = open(f).readline()
        t = float(re.search(r"time_s=([0-9.e+-]+)", head).group(1))
        q = float(re.search(r"capacity_mAh_per_cm2=([0-9.e+-]+)", head).group(1))
        d = np.genfromtxt(f, delimiter=",", names=True, skip_header=1)
        x, c = d["x_um"], d["contact"]
        s = np.sign(c - 0.5)
        idx = np.nonzero(s[:-1] * s[1:] < 0)[0]
        edges = x[idx] + (0.5 - c[idx]) / (c[idx + 1] - c[idx]) * (x[idx + 1] - x[idx])
        rows.append((t, q, edges))
    speeds = []
    for (t0, q0, e0), (t1, q1, e1) in zip(rows, rows[1:]):
        if len(e0) == 0 or len(e1) == 0 or len(e0) != len(e1):
            continue  # a void opened, merged or closed: no matching
        v = np.abs(np.sort(e1) - np.sort(e0)) / (t1 - t0)
        speeds.append((q1, v.max(), v.mean()))
    if speeds:
        s = np.array(speeds)
        k = np.argmax(s[:, 1])
        print(f"{run}: {len(s)} intervals; fastest edge {s[k,1]:.2e} um/s at {s[k,0]:.3f} mAh/cm2; median of max {np.median(s[:,1]):.2e} um/s; cap alpha delta/(3 tau) = {0.5*0.5/3:.3f} um/s")
