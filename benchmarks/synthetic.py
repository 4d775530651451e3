"""Synthetic FAQ corpora for the scale benchmark: varied, deterministic, any size.

Entries are assembled from word lists (programme, action, object, place, time,
document ...) through several question and answer templates, so no two entries
are copies of one another and the vocabulary is wide enough for BM25 and the
embedding model to tell them apart. ``paraphrase`` rewrites an entry's question
the way a user might type it, for query timing and agreement checks.

    python benchmarks/synthetic.py 1000 out.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

PROGRAMMES = [
    "SNAP food assistance",
    "Medicaid",
    "the housing voucher programme",
    "child care assistance",
    "unemployment insurance",
    "the energy bill credit",
    "WIC nutrition support",
    "disability benefits",
    "the school meals programme",
    "senior transport aid",
    "the rental relief fund",
    "student grants",
    "the heating assistance scheme",
    "veterans' pensions",
    "the water bill discount",
    "the small business loan",
    "the broadband subsidy",
    "foster care payments",
    "job training vouchers",
    "the public library card",
    "the parking permit",
    "the recycling collection",
    "property tax relief",
    "the home repair grant",
    "the youth sports scholarship",
    "adult education classes",
    "the community garden plot",
    "the emergency shelter service",
    "dental coverage",
    "vision coverage",
    "the prescription discount card",
    "maternity support",
    "the caregiver allowance",
    "the bus pass for students",
    "the fishing licence",
    "the marriage certificate service",
    "the birth certificate service",
    "the business permit",
    "the pet licence",
    "the noise complaint line",
]
ACTIONS = [
    ("apply for", "apply"),
    ("renew", "renew"),
    ("cancel", "cancel"),
    ("appeal a decision on", "appeal"),
    ("change my address for", "update my address"),
    ("replace a lost card for", "get a new card"),
    ("check the status of", "track"),
    ("add a family member to", "add someone to"),
    ("transfer", "move"),
    ("pay the fee for", "pay for"),
    ("report income for", "declare earnings for"),
    ("pause", "suspend"),
    ("get a refund from", "be refunded by"),
    ("complain about", "raise a complaint about"),
    ("find the office for", "locate help with"),
    ("update my bank details for", "change payment account for"),
]
PLACES = [
    "Albuquerque",
    "Santa Fe",
    "Las Cruces",
    "Roswell",
    "Farmington",
    "Gallup",
    "Taos",
    "Clovis",
    "Hobbs",
    "Carlsbad",
    "Alamogordo",
    "Silver City",
    "Socorro",
    "Deming",
    "Raton",
    "Tucumcari",
    "Espanola",
    "Los Alamos",
    "Rio Rancho",
    "Portales",
    "Artesia",
    "Lovington",
    "Ruidoso",
    "Grants",
    "Belen",
    "Truth or Consequences",
    "Bernalillo",
    "Aztec",
    "Bloomfield",
    "Sunland Park",
]
WHO = [
    "a student",
    "a retired person",
    "a new resident",
    "a single parent",
    "a veteran",
    "a farm worker",
    "someone who works nights",
    "a person with a disability",
    "a tenant",
    "a homeowner",
    "an apprentice",
    "a seasonal worker",
    "a carer",
    "a pregnant woman",
    "a refugee",
    "a minor",
]
DOCUMENTS = [
    "a photo ID",
    "proof of address",
    "the last three pay slips",
    "a birth certificate",
    "a tax return",
    "a lease agreement",
    "a utility bill",
    "a doctor's letter",
    "a bank statement",
    "the decision letter",
    "a social security card",
    "a school enrolment letter",
    "a court order",
]
CHANNELS = [
    "online through the state portal",
    "by phone on the help line",
    "in person at the county office",
    "by post to the central processing unit",
    "through the mobile app",
    "at any public library kiosk",
]
TIMES = [
    "within 5 working days",
    "within 10 days",
    "within 30 days",
    "in about two weeks",
    "the same day",
    "before the end of the month",
    "within 48 hours",
    "after the next review",
    "within 90 days",
]
CONSEQUENCES = [
    "payments may stop until the change is confirmed",
    "the case is reviewed by a caseworker",
    "a letter explains the next step",
    "a fee of {fee} dollars applies",
    "the old card stops working at once",
    "you keep receiving support while the appeal is open",
    "a new interview may be needed",
    "the decision can be appealed within {days} days",
]
QUESTION_TEMPLATES = [
    "How do I {action} {programme} in {place}?",
    "Can {who} {action} {programme}?",
    "What documents do I need to {action} {programme}?",
    "How long does it take to {action} {programme} in {place}?",
    "Where can {who} {action} {programme}?",
    "Is there a deadline to {action} {programme}?",
    "What happens after I {action} {programme}?",
    "Who do I contact to {action} {programme} in {place}?",
    "Can {who} in {place} {action} {programme}?",
    "As {who}, how do I {action} {programme} from {place}?",
    "What does it cost {who} to {action} {programme} in {place}?",
]
ANSWER_SENTENCES = [
    "To {action} {programme}, bring {document} and {document2}.",
    "You can do this {channel}; offices in {place} are open on weekdays.",
    "Most requests are handled {time}.",
    "If anything is missing, {consequence}.",
    "{Who} may also ask a navigator in {place} for free help.",
    "Reference number {ref} is used for this kind of request.",
    "Keep a copy of {document} until you receive a written reply.",
]
SYNONYMS = {
    "How do I": "how can i",
    "Can": "is it possible for",
    "What documents do I need to": "which papers to",
    "How long does it take to": "how many days to",
    "Where can": "where should",
    "Is there a deadline to": "last date to",
    "What happens after I": "what comes next once i",
    "Who do I contact to": "who helps me",
    "As": "being",
    "What does it cost": "price for",
}


def make_entries(n: int, seed: int = 7) -> list[dict]:
    """``n`` varied FAQ entries as JSON-ready dicts (question, answer, number)."""
    rng = random.Random(seed)
    entries = []
    seen: set[str] = set()
    while len(entries) < n:
        action, _ = rng.choice(ACTIONS)
        fill = {
            "action": action,
            "programme": rng.choice(PROGRAMMES),
            "place": rng.choice(PLACES),
            "who": rng.choice(WHO),
        }
        question = rng.choice(QUESTION_TEMPLATES).format(**fill)
        if question in seen:  # with large n, add a distinguishing detail rather than repeat
            question = question[:-1] + f" (case type {rng.randint(100, 999)})?"
            if question in seen:
                continue
        seen.add(question)
        answer_fill = dict(
            fill,
            Who=fill["who"][0].upper() + fill["who"][1:],
            document=rng.choice(DOCUMENTS),
            document2=rng.choice(DOCUMENTS),
            channel=rng.choice(CHANNELS),
            time=rng.choice(TIMES),
            consequence=rng.choice(CONSEQUENCES).format(
                fee=rng.randint(5, 80), days=rng.choice((14, 30, 60))
            ),
            ref=f"{rng.choice('ABCDEFGH')}-{rng.randint(1000, 9999)}",
        )
        sentences = rng.sample(ANSWER_SENTENCES, rng.randint(2, 3))
        answer = " ".join(s.format(**answer_fill) for s in sentences)
        entries.append({"number": len(entries) + 1, "question": question, "answer": answer})
    return entries


def paraphrase(question: str, rng: random.Random) -> str:
    """A user's rewording of an entry question: other opening, lower case, a word dropped."""
    text = question
    for head, other in SYNONYMS.items():
        if text.startswith(head + " "):
            text = other + text[len(head) :]
            break
    words = text.rstrip("?").split()
    if len(words) > 6:
        del words[rng.randrange(2, len(words))]
    return " ".join(words).lower() + "?"


def write_jsonl(entries: list[dict], path: Path) -> Path:
    """Write entries as a JSONL FAQ (one object a line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    write_jsonl(make_entries(count), out)
    print(f"wrote {count} entries to {out}")
