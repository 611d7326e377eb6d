"""run_isolated / captured_output: hard limits and output kept off the caller's stdout."""

from __future__ import annotations

import os
import time

from recovery.programs.solvers.isolation import captured_output, grace_seconds, run_isolated


def _sleep_forever() -> None:
    while True:
        time.sleep(0.05)


def _chatty(n: int) -> int:
    for _ in range(n):  # far more than a pipe holds: must not block
        os.write(1, b"Running HiGHS 1.16.0 ... " * 40 + b"\n")
        os.write(2, b"warning\n")
    return n


def _raise() -> None:
    raise ValueError("bad model")


def _crash() -> None:
    os._exit(7)


def test_a_hanging_function_is_stopped_and_reported_as_timeout():
    run = run_isolated(_sleep_forever, (), time_limit=0.2)
    assert run.status == "timeout" and run.value is None
    assert "stopped after" in run.error


def test_output_goes_to_the_log_not_to_stdout(capfd):
    run = run_isolated(_chatty, (2000,), time_limit=30)
    assert run.status == "ok" and run.value == 2000
    assert "Running HiGHS" in run.output
    out, err = capfd.readouterr()
    assert "Running HiGHS" not in out and "warning" not in err


def test_exceptions_and_crashes_are_reported_not_raised():
    run = run_isolated(_raise, (), time_limit=10)
    assert run.status == "exception" and "ValueError: bad model" in run.error
    run = run_isolated(_crash, (), time_limit=10)
    assert run.status == "crashed"


def test_large_results_come_back_whole():
    run = run_isolated(lambda n: list(range(n)), (300_000,), time_limit=30)
    assert run.status == "ok" and run.value == list(range(300_000))


def test_captured_output_restores_the_descriptors(capfd):
    with captured_output() as text:
        os.write(1, b"inside\n")
    os.write(1, b"outside\n")
    out, _ = capfd.readouterr()
    assert "inside" in text[0] and "inside" not in out and "outside" in out


def test_grace_is_two_seconds_or_a_fifth():
    assert grace_seconds(1) == 2.0 and grace_seconds(100) == 20.0
