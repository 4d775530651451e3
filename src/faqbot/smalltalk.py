"""Small talk: greetings, thanks, goodbyes, "who are you", "what can you do", "help".

A message is small talk only when all of it is: "hi" is, "hi, how long is my
data kept?" is not (the greeting is dropped and the rest is a FAQ question), and
neither is "help me understand if ICE gets my data" or "who can see my
information?". English and Spanish (accents optional) are recognised.
The replies are ``render.py``'s (they say what the FAQ covers; the bot offers
example questions beside them).
"""

from __future__ import annotations

import re

from .text import fold

_PATTERNS: dict[str, str] = {
    "greeting": (
        r"(hi|hii+|hello|hey|heya|hiya|howdy|yo|greetings|good (morning|afternoon|evening|day)"
        r"|hola|buenos dias|buenas( tardes| noches)?|saludos|que tal)"
        r"( there| bot| faqbot| friend| everyone| all| amigo)?"
        r"([\s,!.]+(how are you( doing)?|how'?s it going|como estas|nice to meet you))?"
        r"|how are you( doing| today)?|how'?s it going|nice to meet you|como estas"
    ),
    "thanks": (
        r"((ok(ay)?|great|perfect|awesome|cool|good|nice),? )?"
        r"(thanks|thank you|thank u|thx|thnx|ty|tysm|cheers|much appreciated|appreciate it"
        r"|gracias|muchas gracias|mil gracias)"
        r"( very much| so much| a lot| again| bot)?"
        r"( for (the|your) (help|answer|answers|info|information))?"
        r"([\s,!.]+(bye|goodbye|adios|see you))?"
    ),
    "goodbye": (
        r"(bye|goodbye|good bye|bye bye|see you( later| soon)?|see ya|later|adios|ciao|chao"
        r"|hasta luego|hasta pronto|good night|buenas noches|that'?s all|that is all|i'?m done"
        r"|done|nothing else)"
        r"([\s,!.]+(for now|then|thanks|thank you|gracias))?"
    ),
    "identity": (
        r"(who|what) are you|who is this|who am i talking to"
        r"|are you (a |an )?(bot|robot|human|real person|person|ai|machine|lawyer)"
        r"|what is this( site| page| chat| bot)?|what'?s this|what is faqbot"
        r"|(what is |what'?s )?your name|quien eres|que eres|eres (un )?(robot|bot|humano|persona)"
    ),
    "capabilities": (
        r"what can you do|what do you do|what can i ask( you)?|what do you know( about)?"
        r"|what (questions|topics|things) (can you answer|do you (cover|know|answer))"
        r"|how does this work|how do i use (this|you)|what is this for|que puedes hacer|que sabes"
    ),
    "help": (
        r"help|help me|i need help|can you help( me)?|please help|menu|options|start"
        r"|ayuda|ayudame|\?+"
    ),
    "ack": (
        r"ok|okay|k|cool|great|nice|got it|i see|alright|sure|yes|yeah|no|nope|good|awesome"
        r"|si|vale|bueno|entiendo"
    ),
}
_COMPILED = {
    kind: re.compile(rf"^(?:{pattern})(?:[\s!.,?:;)(]|please|pls|por favor)*$", re.IGNORECASE)
    for kind, pattern in _PATTERNS.items()
}
_LEADING_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|hola|buenos dias"
    r"|buenas(?: tardes| noches)?"
    r"|thanks|thank you|gracias|ok(?:ay)?|so)(?: there)?[\s,!.:;-]+",
    re.IGNORECASE,
)

_plain = fold  # lower-case, accents and ¿¡ removed


def classify(text: str) -> str | None:
    """The kind of small talk the whole message is, or None if it asks something else."""
    t = " ".join(_plain(text).strip().split()).strip("\"'“”")
    if len(t) > 80:
        return None
    for kind, pattern in _COMPILED.items():
        if pattern.match(t):
            return kind
    return None


def strip_greeting(text: str) -> str:
    """'hi, how long is my data kept?' -> 'how long is my data kept?'."""
    plain = _plain(text)
    m = _LEADING_GREETING.match(plain)
    if not m or len(plain) != len(text):  # accents changed the length: leave the text as typed
        return text
    stripped = text[m.end() :]
    return stripped if stripped.strip() and any(ch.isalnum() for ch in stripped) else text
