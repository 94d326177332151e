"""Growing delays after failed logins."""

from competition.domain.login_throttle import delay_seconds


def test_delay_doubles_from_the_fifth_failure_up_to_the_cap():
    delays = [delay_seconds(n, free=5, base=1, cap=900) for n in range(1, 18)]
    assert delays[:4] == [0, 0, 0, 0]
    assert delays[4:10] == [1, 2, 4, 8, 16, 32]
    assert delays[-1] == 900 and delay_seconds(10_000, free=5, base=1, cap=900) == 900
