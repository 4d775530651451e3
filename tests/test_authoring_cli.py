"""`faqbot report` and `faqbot lint` as real subprocesses: exit statuses, one-line errors, files written."""

from __future__ import annotations

import json

import pytest
from test_cli import run
from toy_faqs import write_broken, write_clean


def one_line_error(r) -> str:
    err = r.stderr.decode().strip()
    assert err.startswith("faqbot: ") and len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def test_report_on_a_missing_log_is_one_line_exit_2(tmp_path):
    r = run("report", str(tmp_path / "nope.jsonl"))
    assert r.returncode == 2
    assert "nope.jsonl: no such log file" in one_line_error(r)


def test_lint_on_a_malformed_faq_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "A?", "answer": "a"}\n{"question": "B?"}\n')
    r = run("lint", str(bad))
    assert r.returncode == 2
    assert "bad.jsonl, line 2" in one_line_error(r)


@pytest.mark.slow
def test_lint_exit_status_says_whether_there_are_errors(tmp_path):
    clean = run("lint", str(write_clean(tmp_path)))
    assert clean.returncode == 0, clean.stderr.decode()
    assert "0 errors" in clean.stdout.decode()
    broken = run("lint", str(write_broken(tmp_path)), "--json")
    assert broken.returncode == 1, broken.stderr.decode()
    data = json.loads(broken.stdout)
    assert {f["code"] for f in data["findings"] if f["severity"] == "error"} == {
        "duplicate-question",
        "empty-alternate",
    }


@pytest.mark.slow
def test_report_writes_only_the_files_asked_for(tmp_path):
    faq = write_clean(tmp_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    unanswered = logs / "unanswered.jsonl"
    questions = ["where can I park my car", "is there parking for cars", "<b>bold</b> parking?", "hi there"]
    unanswered.write_text(
        "".join(json.dumps({"time": "t", "question": q}) + "\n" for q in questions) + "oops\n"
    )
    feedback = logs / "feedback.jsonl"
    feedback.write_text(
        json.dumps({"time": "t", "entry": 3, "kind": "faq", "vote": "down", "confidence": 0.5}) + "\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    r = run(
        "report",
        str(unanswered),
        str(feedback),
        "--corpus",
        str(faq),
        "--index",
        str(tmp_path / "index"),
        "--html",
        str(out / "r.html"),
        "--markdown",
        str(out / "r.md"),
        "--alternates-out",
        str(out / "alt.json"),
        "--json",
    )
    assert r.returncode == 0, r.stderr.decode()
    data = json.loads(r.stdout)
    assert data["questions"] == 4 and data["skipped"] == {"not JSON": 1}
    assert data["votes"][0]["entry"] == 3 and data["votes"][0]["down"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["alt.json", "r.html", "r.md"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in (out / "r.html").read_text()
    changed = {p for p in tmp_path.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns}
    # besides the outputs, only the index of the FAQ (asked for with --index) was written
    assert {p for p in changed if "index" not in p.parts} == {out / "r.html", out / "r.md", out / "alt.json"}
    assert "wrote the HTML report" in r.stderr.decode()


def test_report_refuses_to_write_over_the_faqs_alternates_before_loading_the_model(tmp_path):
    faq = write_clean(tmp_path)
    log = tmp_path / "u.jsonl"
    log.write_text(json.dumps({"time": "t", "question": "parking?"}) + "\n")
    sidecar = tmp_path / "library.alternates.json"
    before = sidecar.read_text()
    r = run(
        "report",
        str(log),
        "--corpus",
        str(faq),
        "--index",
        str(tmp_path / "ix"),
        "--alternates-out",
        str(sidecar),
    )
    assert r.returncode == 2
    assert "a sidecar of the FAQ" in one_line_error(r)
    assert sidecar.read_text() == before
