"""ttpgrid's Python trainer: Temporal activities that train and evaluate TTP classifiers."""

import os

# OpenMP threads that spin while waiting steal the cores from each other and from the other
# processes of a small machine (Temporal, Postgres, Node): measured on 2 cores under load, a probe
# head step took 52.9 ms with spinning waits and 0.83 ms with passive ones. Set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
