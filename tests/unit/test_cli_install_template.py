"""`qiqiao install-template`: a template of the catalogue becomes an app, with its demo data, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qiqiao", *args], env=env, capture_output=True, text=True, timeout=120)


def test_a_template_installs_from_the_command_line_once(tmp_path: Path):
    template = tmp_path / "catalogue" / "mini"
    (template / "forms").mkdir(parents=True)
    (template / "manifest.json").write_text(json.dumps(
        {"format": "qiqiao.app", "format_version": 1, "app": {"key": "mini", "name": "Mini"}}))
    (template / "forms" / "a.json").write_text(json.dumps(
        {"key": "a", "label": {"en": "A"}, "fields": [{"key": "x", "type": "text", "label": {"en": "X"}}]}))
    (template / "demo.py").write_text("async def make(demo):\n    await demo.create('a', {'x': 'hello'})\n")
    env = {**os.environ, "QIQIAO_VAR_DIR": str(tmp_path / "var"), "QIQIAO_TEMPLATES_DIR": str(tmp_path / "catalogue"),
           "QIQIAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}"}
    assert _run("migrate", env=env).returncode == 0
    refused = _run("install-template", "mini", env=env)
    assert refused.returncode == 2 and "create-admin" in refused.stderr
    assert _run("create-admin", "--username", "admin", "--password", "Adm1n-Pa55word-x", env=env).returncode == 0
    first = _run("install-template", "mini", "--demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "as the app 'mini' with demo data" in first.stdout
    again = _run("install-template", "mini", "--if-absent", env=env)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    unknown = _run("install-template", "nope", env=env)
    assert unknown.returncode == 2 and "does not exist" in unknown.stderr
