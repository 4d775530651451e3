"""Small talk: greetings, thanks, goodbyes, "who are you", "what can you do", "help".

A message is small talk only when all of it is: "hi" is, "hi, how long is my
data kept?" is not (the greeting is dropped and the rest is a FAQ question), and
neither is "help me understand if ICE gets my data" or "who can see my
information?". English and Spanish (accents optional) are recognised.
Every reply says what the FAQ covers and suggests example questions; it never
quotes a FAQ answer.
"""

from __future__ import annotations

import re
import unicodedata

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

_REPLIES = {
    "greeting": "Hello! I answer questions from {faq}.",
    "thanks": "You're welcome! Ask me anything else from {faq}.",
    "goodbye": "Goodbye, and take care. Come back any time with questions about {faq}.",
    "identity": (
        "I'm faqbot, an automatic helper — not a person, and not a lawyer. I answer from {faq}. "
        "I quote the FAQ word for word and show which of its questions the answer comes from."
    ),
    "capabilities": (
        "I answer questions from {faq}. I show the FAQ's answer and its question number, "
        "and I tell you when the FAQ does not cover something."
    ),
    "help": (
        "Type your question in your own words (English or simple Spanish). "
        "I answer from {faq}. It has {count} questions."
    ),
    "ack": "Is there anything else you'd like to know? I answer from {faq}.",
}


def _plain(text: str) -> str:
    """Lower-case, accents and Spanish ¿¡ removed, curly apostrophes straightened."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("¿", "").replace("¡", "").lower()


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


def reply(kind: str, title: str, count: int, examples: list[str], description: str = "") -> str:
    """A short friendly reply that says what the FAQ covers and suggests example questions."""
    faq = f"the FAQ “{title}”"
    if description:  # a plain-language summary reads better than a title
        faq = f"a FAQ about {description[0].lower()}{description[1:].rstrip('.')}"
    text = _REPLIES.get(kind, _REPLIES["help"]).format(faq=faq, count=count)
    if examples:
        text += "\n\nYou could ask, for example:\n" + "\n".join(f"- {q}" for q in examples)
    return text
