from kiosk.idle import IdlePhase, IdleTimer


def test_phases_follow_the_configured_times():
    now = [0.0]
    timer = IdleTimer(90, 20, now=lambda: now[0])
    now[0] = 89.9
    assert timer.poll().phase is IdlePhase.ACTIVE
    now[0] = 95
    state = timer.poll()
    assert state.phase is IdlePhase.WARNING and state.seconds_left == 15
    timer.touch()
    now[0] = 95 + 89
    assert timer.poll().phase is IdlePhase.ACTIVE
    now[0] = 95 + 110
    assert timer.poll().phase is IdlePhase.EXPIRED
