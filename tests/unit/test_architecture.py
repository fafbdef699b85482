"""The layer order of the architecture (qiqiao → builder → runtime → engines → core) holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_engines_never_open_database_sessions():
    """import-linter cannot forbid sub-modules of external packages, so read the sources."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "engines").rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if ("sqlalchemy.orm" in line or "sqlalchemy.ext.asyncio" in line) and "import" in line
    ]
    assert offenders == []
