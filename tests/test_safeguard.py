"""The test tooling itself: a run that executes no test must fail (see tests/safeguard.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_a_selection_of_zero_tests_fails():
    result = _pytest("tests/test_safeguard.py", "-k", "no_test_has_this_name", cwd=ROOT)
    assert result.returncode == 5, result.stdout + result.stderr


def test_a_run_where_every_test_is_skipped_fails(tmp_path):
    (tmp_path / "conftest.py").write_text(
        "from tests.safeguard import pytest_runtest_logreport, pytest_sessionfinish  # noqa: F401\n")
    (tmp_path / "test_skipped.py").write_text(
        "import pytest\n\n@pytest.mark.skip(reason='demo')\ndef test_skipped():\n    pass\n")
    result = _pytest(cwd=tmp_path)
    assert result.returncode == 5, result.stdout + result.stderr
    assert "no test was executed" in result.stdout

    (tmp_path / "test_runs.py").write_text("def test_runs():\n    pass\n")
    result = _pytest(cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
