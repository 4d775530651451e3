"""Reading the operator's logs for the report: shapes recognised, bad lines counted, files refused."""

from __future__ import annotations

import json

import pytest

from faqbot.authoring.logfiles import read_logs
from faqbot.errors import LogFileError


def write_lines(path, lines):
    path.write_text("".join((json.dumps(x) if not isinstance(x, str) else x) + "\n" for x in lines))
    return path


def test_unanswered_and_feedback_lines_are_told_apart_and_bad_lines_counted(tmp_path):
    log = write_lines(
        tmp_path / "mixed.jsonl",
        [
            {"time": "2026-11-27T05:20:54+00:00", "question": "  how long   is my data kept? "},
            {
                "time": "t",
                "entry": 7,
                "kind": "faq",
                "vote": "down",
                "confidence": 0.7,
                "question": "consent?",
            },
            {"time": "t", "entry": None, "kind": "declined", "vote": "up", "confidence": 0.1},
            "not json at all",
            "[1, 2, 3]",
            {"time": "t"},
            {"time": "t", "question": "   "},
            {"time": "t", "entry": 3, "vote": "sideways"},
            {"time": "t", "entry": True, "vote": "up"},
            "",
        ],
    )
    logs = read_logs([log])
    assert logs.unanswered == ["how long is my data kept?"]
    assert [(v.entry, v.vote, v.question) for v in logs.votes] == [
        (7, "down", "consent?"),
        (None, "up", None),
    ]
    assert logs.lines == 9  # the blank line is not counted
    assert dict(logs.skipped) == {
        "not JSON": 1,
        "not an object": 1,
        "not a log record": 3,
        "empty question": 1,
    }
    assert logs.skipped_total == 6


def test_several_files_are_read_in_order(tmp_path):
    a = write_lines(tmp_path / "a.jsonl", [{"time": "t", "question": "first"}])
    b = write_lines(tmp_path / "b.jsonl", [{"time": "t", "question": "second"}])
    logs = read_logs([a, b])
    assert logs.unanswered == ["first", "second"] and logs.files == [str(a), str(b)]


def test_invalid_utf8_is_read_with_replacement(tmp_path):
    log = tmp_path / "bytes.jsonl"
    log.write_bytes(b'{"time": "t", "question": "caf\xe9 hours?"}\n')
    assert read_logs([log]).unanswered == ["caf\ufffd hours?"]


def test_a_missing_log_is_one_error_naming_it(tmp_path):
    with pytest.raises(LogFileError, match="missing.jsonl: no such log file"):
        read_logs([tmp_path / "missing.jsonl"])


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(LogFileError, match="is a folder"):
        read_logs([tmp_path])
