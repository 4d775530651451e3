"""`pip install .` (not only the editable install) works: the bundled FAQ and its index are package data.

A wheel is built from the checkout and installed into a temporary folder with
``pip install --target`` (dependencies come from the test's own environment); a
fresh interpreter that sees only that copy of faqbot answers from the bundled FAQ
without rebuilding, and the corpus it reads lives inside the installed package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUARD = 600  # seconds; a guard against hangs, not a timing assertion

pytestmark = pytest.mark.slow

CHECK = """
import json, logging, faqbot
logging.basicConfig(level=logging.INFO)
from faqbot.bundled import bundled_corpus, bundled_index
from faqbot.engine_data import dictionary
a = faqbot.ask("How long does New Mexico keep the data it shares with ICE?")
print(json.dumps({"module": faqbot.__file__, "corpus": str(bundled_corpus()),
                  "index": str(bundled_index()), "number": a.question_number,
                  "dictionary": len(dictionary("en"))}))
"""


def test_a_wheel_install_answers_from_its_own_package_data(tmp_path):
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    build = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=GUARD,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("faqbot-*.whl")
    install = subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=GUARD,
    )
    assert install.returncode == 0, install.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(PYTHONPATH=str(site), HF_HUB_OFFLINE="1")
    run = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=GUARD, env=env, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["number"] == 9
    assert out["dictionary"] > 0  # data/*.txt is package data too
    for key in ("module", "corpus", "index"):
        assert out[key].startswith(str(site)), (key, out[key])
    assert "building index" not in run.stderr  # the shipped index was current
