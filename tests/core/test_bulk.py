"""skillsubsidy.bulk: the cyclic collector waits while objects are built in bulk, and comes back."""

from __future__ import annotations

import gc
import threading

from skillsubsidy.bulk import building


def test_the_collector_waits_inside_and_resumes_when_the_last_block_closes() -> None:
    assert gc.isenabled()
    with building():
        assert not gc.isenabled()
        with building():  # a preview inside the upload's checks
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_blocks_in_two_threads_resume_it_only_when_both_are_done() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with building():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    with building():
        thread.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # the other thread is still building
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off_and_an_error_still_closes_the_block() -> None:
    gc.disable()
    try:
        with building():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    try:
        with building():
            raise ValueError("a preview refused")
    except ValueError:
        pass
    assert gc.isenabled()
