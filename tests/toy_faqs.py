"""Small FAQs written for the authoring tests: one clean, one with mistakes lint must catch."""

from __future__ import annotations

import json
from pathlib import Path

CLEAN = [
    (
        "How do I get a library card?",
        "Bring a photo ID and proof of your address to the desk at any branch. The card is free.",
        ["what do I need to sign up for a card", "can I register for a library membership"],
    ),
    (
        "When is the library open?",
        "Monday to Friday from 9 am to 8 pm, Saturday from 10 am to 5 pm. Closed on Sundays.",
        ["what are your opening hours", "is the library open on weekends"],
    ),
    (
        "What happens if I return a book late?",
        "Overdue items cost 25 cents a day, up to 5 dollars per item. Renew online to avoid fines.",
        ["are there overdue fines", "how much is the fee for a late book"],
    ),
    (
        "Can I print documents at the library?",
        "Yes: black and white pages cost 10 cents and colour pages 50 cents, from any public computer.",
        ["is there a printer I can use", "how much does printing cost"],
    ),
    (
        "Is there free wifi?",
        'Yes. Join the wireless network "Library-Guest"; no password is needed.',
        ["how do I connect to the internet", "what is the wireless network name"],
    ),
]

OUT_OF_SCOPE = ["how do I renew my passport", "what's the weather tomorrow", "where can I park downtown"]

META = {
    "title": "City Library FAQ",
    "description": "Cards, opening hours, fines, printing and wifi at the city library.",
    "language": "en",
    "contact": {"text": "Ask at any branch desk or call the library.", "links": []},
}


def write_faq(folder: Path, name: str, entries, alternates: dict[str, list[str]] | None = None) -> Path:
    """A numbered-text FAQ with all three sidecars; returns the FAQ's path."""
    lines = [META["title"], ""]
    for i, (question, answer, _) in enumerate(entries, 1):
        lines += [f"{i}. {question}", answer, ""]
    path = folder / f"{name}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    if alternates is None:
        alternates = {str(i): alts for i, (_, _, alts) in enumerate(entries, 1)}
    (folder / f"{name}.alternates.json").write_text(json.dumps(alternates, indent=2), encoding="utf-8")
    (folder / f"{name}.out-of-scope.json").write_text(
        json.dumps({"questions": OUT_OF_SCOPE}), encoding="utf-8"
    )
    (folder / f"{name}.meta.json").write_text(json.dumps(META), encoding="utf-8")
    return path


def write_clean(folder: Path) -> Path:
    """Five clearly distinct entries, two alternates each, every sidecar."""
    return write_faq(folder, "library", CLEAN)


def write_broken(folder: Path) -> Path:
    """The clean FAQ with entry 5 asking entry 1's question again, and an empty alternate for entry 2."""
    entries = [*CLEAN[:4], (CLEAN[0][0], CLEAN[4][1], CLEAN[4][2])]
    alternates = {str(i): alts for i, (_, _, alts) in enumerate(entries, 1)}
    alternates["2"] = [*alternates["2"], "   "]
    return write_faq(folder, "broken", entries, alternates)
