"""Small talk: greetings, thanks, goodbyes, "who are you", "help".

A message is small talk only when all of it is: "hi" is, "hi, how long is my
data kept?" is not (the greeting is dropped and the rest is a FAQ question).
"""

from __future__ import annotations

import re

_PATTERNS: dict[str, str] = {
    "greeting": r"(hi|hello|hey|hiya|howdy|yo|greetings|good (morning|afternoon|evening|day)|hola|buenos dias|buenas( tardes| noches)?)( there| bot| faqbot| friend)?",
    "thanks": r"(thanks|thank you|thank u|thx|ty|cheers|gracias|much appreciated|thanks a lot|thank you so much|great,? thanks|ok,? thanks|perfect,? thanks)( very much| so much| a lot)?( for (the|your) help)?",
    "goodbye": r"(bye|goodbye|good bye|see you|see ya|later|adios|ciao|bye bye|that'?s all|that is all|i'?m done|done)( for now| then)?",
    "identity": r"(who|what) are you|are you (a )?(bot|robot|human|real person|person|ai)|what is this|what'?s this|what is faqbot|your name|what'?s your name",
    "capabilities": r"what can you do|what do you do|what can i ask( you)?|what do you know( about)?|what (questions|topics) (can you answer|do you cover)|how does this work|how do i use (this|you)",
    "help": r"help|help me|i need help|can you help( me)?|menu|options|start|\?+",
    "ack": r"ok|okay|k|cool|great|nice|got it|i see|alright|sure|yes|no|thank|good|awesome",
}
_COMPILED = {
    kind: re.compile(rf"^(?:{pattern})(?:[\s!.,?:;)(]|please|pls)*$", re.IGNORECASE)
    for kind, pattern in _PATTERNS.items()
}
_LEADING_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|hola)(?: there)?[\s,!.:;-]+",
    re.IGNORECASE,
)

_REPLIES = {
    "greeting": "Hello! I answer questions from the FAQ “{title}”.",
    "thanks": "You're welcome! Ask another question any time.",
    "goodbye": "Goodbye, and take care.",
    "identity": "I'm faqbot: I answer questions from the FAQ “{title}”, quoting its answers word for word with their question number. I'm not a lawyer and this is not legal advice.",
    "capabilities": "I can answer questions covered by the FAQ “{title}”. I quote the matching answer with its question number, and tell you when the FAQ does not cover something.",
    "help": "Type a question in your own words, and I'll find the FAQ answer that matches it. The FAQ “{title}” covers its {count} questions.",
    "ack": "Is there anything else you'd like to know?",
}


def classify(text: str) -> str | None:
    """The kind of small talk the whole message is, or None if it asks something else."""
    t = " ".join(text.strip().split()).strip("\"'“”")
    if len(t) > 60:
        return None
    for kind, pattern in _COMPILED.items():
        if pattern.match(t):
            return kind
    return None


def strip_greeting(text: str) -> str:
    """'hi, how long is my data kept?' -> 'how long is my data kept?'."""
    stripped = _LEADING_GREETING.sub("", text, count=1)
    return stripped if stripped.strip() else text


def reply(kind: str, title: str, count: int, examples: list[str]) -> str:
    """A short friendly reply that says what the FAQ covers and suggests example questions."""
    text = _REPLIES.get(kind, _REPLIES["help"]).format(title=title, count=count)
    if kind in ("goodbye", "thanks"):
        return text
    if examples:
        text += " For example, you could ask:\n" + "\n".join(f"- {q}" for q in examples)
    return text
