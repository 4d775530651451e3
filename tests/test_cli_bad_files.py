"""Every bad FAQ file of the corpus table, through the command line: one line, exit 2.

``test_corpus_bad_files.py`` checks the error ``load_corpus`` raises for each case;
this checks what a person at a terminal sees: ``faqbot: <file>, line N: ...`` on
stderr, nothing on stdout, no traceback, exit status 2, for ``ask`` and ``build``.
"""

from __future__ import annotations

import pytest
from test_corpus_bad_files import BAD_FILES, GOOD_SOURCE, SIDECARS

import faqbot.cli


@pytest.mark.parametrize(
    "description, name, content, message, line", BAD_FILES, ids=[f"{c[1]}: {c[0]}" for c in BAD_FILES]
)
@pytest.mark.parametrize("command", ["ask", "build"])
def test_bad_file_gives_one_line_and_exit_2(
    tmp_path, capsys, command, description, name, content, message, line
):
    target = tmp_path / name
    target.write_bytes(content)
    source = target
    if name.endswith(SIDECARS):
        source = tmp_path / "faq.txt"
        source.write_bytes(GOOD_SOURCE)
    args = ["ask", "is it open?"] if command == "ask" else ["build"]
    status = faqbot.cli.main([*args, "--corpus", str(source), "--index", str(tmp_path / "idx")])
    out, err = capsys.readouterr()
    assert status == 2, (status, err)
    assert out == ""
    assert err.startswith("faqbot: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert message in err, err
    assert not (tmp_path / "idx").exists()  # refused before anything was built
