"""Growing delays after failed logins of one (account name, client address) pair."""

from __future__ import annotations


def delay_seconds(failures: int, *, free: int, base: float, cap: float) -> float:
    """How long the pair must wait after its ``failures``-th failure: nothing for the first
    ``free - 1``, then ``base`` seconds, doubling with each further failure, at most ``cap``."""
    if failures < free:
        return 0.0
    steps = failures - free
    if steps >= 64:  # 2**64 * base is past any cap
        return float(cap)
    return float(min(cap, base * 2**steps))
