"""When a worker counts as consuming, for the liveness probe (project/liveness.py's ConsumerProgress)."""

from project.liveness import ConsumerProgress


def progress():
    return ConsumerProgress(idle_stall=30, busy_stall=200)


def test_an_idle_worker_with_nothing_waiting_is_alive_however_long():
    watch = progress()
    assert all(
        watch.check(now=t, received=0, finished=0, waiting=0, reserved=0, capacity=3) for t in range(0, 10_000, 10)
    )


def test_work_waiting_untaken_while_the_worker_has_room_is_a_stall():
    watch = progress()
    assert watch.check(now=0, received=5, finished=5, waiting=0, reserved=0, capacity=3)
    assert watch.check(now=100, received=5, finished=5, waiting=4, reserved=0, capacity=3)
    assert watch.check(now=129, received=5, finished=5, waiting=4, reserved=0, capacity=3)
    assert not watch.check(now=131, received=5, finished=5, waiting=4, reserved=0, capacity=3)


def test_taking_the_waiting_work_is_progress():
    watch = progress()
    for t in range(0, 1000, 20):
        assert watch.check(now=t, received=t, finished=t, waiting=50, reserved=1, capacity=3)


def test_a_full_worker_may_wait_for_its_tasks_but_not_past_the_time_limit():
    watch = progress()
    assert watch.check(now=0, received=3, finished=0, waiting=9, reserved=3, capacity=3)
    assert watch.check(now=199, received=3, finished=0, waiting=9, reserved=3, capacity=3)
    assert not watch.check(now=201, received=3, finished=0, waiting=9, reserved=3, capacity=3)
    assert watch.check(now=202, received=3, finished=1, waiting=9, reserved=2, capacity=3)


def test_tasks_held_with_nothing_else_waiting_get_the_long_limit():
    watch = progress()
    assert watch.check(now=0, received=1, finished=0, waiting=0, reserved=1, capacity=3)
    assert watch.check(now=150, received=1, finished=0, waiting=0, reserved=1, capacity=3)
    assert not watch.check(now=201, received=1, finished=0, waiting=0, reserved=1, capacity=3)
