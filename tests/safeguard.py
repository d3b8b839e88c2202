"""A run that executes no test fails.

pytest already exits with 5 when it collects nothing (or `-k`/`-m` deselects everything). These
hooks close the remaining gap: a run whose every selected test was skipped (say `-m postgres` on
SQLite, or only browser tests on a machine without Chromium) would otherwise exit 0 having proved
nothing. They are imported by `tests/conftest.py`; `make test` and `.ci/run` pass the exit code on.
"""
from __future__ import annotations

import pytest

_executed = 0


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _executed
    # The call phase ran (passed or failed), or setup failed for a reason other than a skip.
    if report.when == "call" or (report.when == "setup" and report.failed):
        _executed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if exitstatus == pytest.ExitCode.OK and session.testscollected and not _executed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"no test was executed: all {session.testscollected} selected tests were skipped; "
                   "failing the run (exit code 5)")
        if reporter is not None:
            reporter.write_sep("!", message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
