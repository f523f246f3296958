"""The built wheel carries the grammar and loads it from the installed package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_ships_grammar_and_parses_from_install(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
         str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("segdsl-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        grammar = archive.read("segdsl/segdsl.lark").decode("utf-8")
    assert grammar == (ROOT / "grammar" / "segdsl.lark").read_text(encoding="utf-8")

    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    probe = (
        "import segdsl, segdsl.parser as p;"
        "print(segdsl.__file__);"
        "print(len(p.parse_file('age > 3', 'x.seg')[0].segments))"
    )
    ran = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {probe}"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    where, count = ran.stdout.split()
    assert where.startswith(str(site))
    assert count == "1"
