"""Helpers for computations over a whole province (大批量计算): hundreds of thousands of scores.

Pure module (standard library and numpy only).

* :func:`paused_gc` pauses Python's cycle collector while a step builds many small acyclic
  objects (result tuples, row dicts).  Reference counting still frees everything at once; the
  collector would otherwise walk every live object again and again (at 250,000 scores it was a
  third of the time of storing the results).  The collector is re-enabled on the way out, even
  on an error, and only if it was enabled before.
* :func:`min_labels` labels the connected parts of a two-sided graph (entries and judges) with
  numpy instead of a Python union-find loop per edge.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

__all__ = ["min_labels", "paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cycle collection inside the block (see the module docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def min_labels(left: np.ndarray, right: np.ndarray, n_left: int, n_right: int) -> np.ndarray:
    """For each left node, the smallest left index in its connected part.

    ``left[i]`` - ``right[i]`` are the edges (indices ``0..n_left-1`` and ``0..n_right-1``).
    A left node without edges is its own part.  Labels are propagated along the edges (every
    node takes the smallest label of its neighbours) with pointer jumping between rounds, until
    nothing changes; the smallest left index of a part reaches all of it, so the answer is exact
    whatever the shape of the graph.
    """
    label = np.arange(n_left, dtype=np.int64)
    if left.size == 0:
        return label
    big = np.iinfo(np.int64).max
    while True:
        right_label = np.full(n_right, big, dtype=np.int64)
        np.minimum.at(right_label, right, label[left])
        new = label.copy()
        np.minimum.at(new, left, right_label[right])
        new = new[new]  # pointer jumping: a label is a left index whose own label may be smaller
        if np.array_equal(new, label):
            return label
        label = new
