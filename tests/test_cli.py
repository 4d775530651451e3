"""The `faqbot` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAQBOT = [sys.executable, "-m", "faqbot"]


def run(*args: str | bytes, cwd: Path = ROOT, timeout: int = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([*FAQBOT, *args], cwd=cwd, capture_output=True, timeout=timeout, env=env)


def test_ask_json_prints_question_9():
    r = run("ask", "How long does New Mexico keep the benefits data it shares with ICE?", "--json")
    assert r.returncode == 0, r.stderr.decode()
    data = json.loads(r.stdout)
    assert data["question_number"] == 9 and data["kind"] == "faq"
    assert b"Traceback" not in r.stderr


def test_ask_plain_text_shows_source_line():
    r = run("ask", "is sharing my benefits data with ICE mandatory?")
    assert r.returncode == 0
    assert "Source: Question 2" in r.stdout.decode()


@pytest.mark.parametrize("question", ["", "   "])
def test_bad_question_exits_2_with_one_line(question):
    r = run("ask", question)
    assert r.returncode == 2
    err = r.stderr.decode().strip()
    assert err.startswith("faqbot: ") and "question" in err.lower()
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_invalid_utf8_argument_is_answered_not_crashed():
    r = run("ask", b"how long is my data kept \xff\xfe?")
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert "Question 9" in r.stdout.decode()


def test_malformed_corpus_exits_2_naming_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "A?", "answer": "a"}\n{"question": "B?"}\n')
    r = run("ask", "anything", "--corpus", str(bad))
    assert r.returncode == 2
    assert "bad.jsonl, line 2" in r.stderr.decode()


@pytest.mark.slow
def test_build_and_ask_another_corpus(tmp_path):
    src = tmp_path / "pets.csv"
    src.write_text(
        "question,answer\nCan I bring my dog?,Dogs on a leash are welcome.\nIs there a fee?,No fee.\n"
    )
    r = run("build", "--corpus", str(src), "--index", str(tmp_path / "idx"))
    assert r.returncode == 0, r.stderr.decode()
    assert "2 entries" in r.stdout.decode()
    r = run("ask", "are dogs allowed", "--corpus", str(src), "--index", str(tmp_path / "idx"), "--json")
    assert json.loads(r.stdout)["question_number"] == 1


@pytest.mark.slow
def test_build_if_stale_keeps_a_current_index(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("1. Is it open?\nYes.\n")
    assert run("build", "--corpus", str(src)).returncode == 0
    manifest = tmp_path / "faq.index" / "manifest.json"
    before = manifest.stat().st_mtime_ns
    assert run("build", "--corpus", str(src), "--if-stale").returncode == 0
    assert manifest.stat().st_mtime_ns == before
