"""The web chat: a Gradio page over a ``FAQBot`` (no retrieval logic here).

The conversation lives on the server, as data: a session's ``gr.State`` holds
the turns (what was asked, and the ``Answer`` dict the bot gave) and the page's
language, and every message the chat shows is rebuilt from it by ``render.py``
after each turn. No
handler takes the chat's displayed messages as input, so a client cannot make
the page show a reply the bot did not give, and the bot reads its history as
data, never as text.

The page: a chat whose replies show the source question and a confidence in
words before the FAQ's answer; every FAQ question listed for browsing; a note
on where answers come from and what is kept; the FAQ's contact, when it names
one, at the foot of the page. ``/?entry=9`` opens the chat on entry 9's question
and answer, rebuilt from the FAQ (only the number is read from the link); a
link naming no entry shows a fixed note and the list of questions. The JSON
endpoint ``/ask`` (one string in, ``Answer.to_dict()`` out) serves
``gradio_client``.

**Related questions on every reply.** Gradio's own message ``options`` are
drawn only under the newest reply (its Chatbot keeps the options of the last
message group and ignores the rest), so the suggested questions are instead
``<button>``s inside each reply's HTML, carrying only an entry number as their
``value`` (Gradio's HTML sanitiser keeps ``<button>``, ``class`` and ``value``).
One hidden ``gr.HTML`` component (``#faq-pick``) listens for clicks on them and
fires its ``select`` event with that number (Gradio 6's ``js_on_load`` /
``trigger``); the server reads a number and nothing else, and rebuilds the chat
from its own state. The empty chat's example questions are such buttons too.
Each FAQ answer also has a "Copy link" button (a permalink built in the browser
from the page's origin and the entry number; the clipboard API, or the link
shown to copy by hand where the browser refuses).

**Languages.** The page's own words and the framing of a reply come from the
message catalogue (``i18n.py``, English and Spanish). The page starts in the
browser's preferred language (``Accept-Language``, read server-side in the load
event) and the English / Español switch re-renders it, keeping the
conversation. A reply's framing follows ``Answer.language`` (the question's
language); an entry opened from a list or a link has no typed question, so its
framing follows the page's language. The FAQ's own text stays as written.

**Votes.** With ``faqbot serve --log-feedback FILE`` each bot reply has 👍 / 👎
buttons (Gradio's ``feedback_options``); a vote names a message by its index,
the handler finds the Answer in the session's turns and appends one line to the
feedback log. A reply counts one vote (the first): the server remembers which
replies of which browser session were voted on (``VoteMemory``, in memory only,
bounded), so the vote event never writes the session's state. Votes run off the
queue (see ``build_chat``). Without that option there are no vote buttons and no
vote handler.

**For screen readers** the script keeps a polite live region (``#faq-live``)
that receives each new reply's source line and first sentence; Gradio's own
chat log is made not live, so a reply is not read twice in full.
"""

from __future__ import annotations

import html
import json
import threading
from collections import OrderedDict
from typing import Any

import gradio as gr

from .. import i18n, render
from ..bot import FAQBot
from ..errors import QuestionError
from ..limits import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, SCAN_CHARS
from ..logs import FeedbackLog, UnansweredLog
from ..models import Answer
from .ratelimit import AddressLimit, client_address

# Gradio keeps ~55 KB of state per session (every API call is a new session) for the
# newest SESSION_CAPACITY sessions: 500 bounds that at ~30 MB.
SESSION_CAPACITY = 500
CONCURRENCY_LIMIT = 2  # chat turns answered at once; QUEUE_MAX_SIZE more wait
QUEUE_MAX_SIZE = 64
EXAMPLE_COUNT = 3
MAX_ENTRY_DIGITS = 9  # a permalink's number is read only when it is this short

SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

CSS = """
.gradio-container { max-width: 1100px !important; margin: 0 auto !important; }
#faq-header h1 { font-size: 1.45rem; line-height: 1.3; margin: 0.2em 0 0.3em; }
#faq-header p { margin: 0.2em 0; }
#faq-lang-column { flex-grow: 0 !important; }
#faq-lang .faq-lang { display: flex; flex-wrap: wrap; align-items: center; justify-content: flex-end; gap: 6px; }
#faq-lang .faq-lang-label { font-size: 0.85rem; width: 100%; text-align: right; }
#faq-lang button { font: inherit; font-size: 0.9rem; padding: 6px 14px; min-height: 36px; margin: 0; cursor: pointer;
                   border-radius: 999px; border: 1px solid var(--border-color-primary);
                   background: var(--background-fill-primary); color: var(--body-text-color); }
#faq-lang button[aria-pressed="true"] { background: #1d4ed8; border-color: #1d4ed8; color: #fff; font-weight: 600; }
#faq-note { overflow: visible !important; }
#faq-note { font-size: 0.9rem; border-left: 4px solid var(--color-accent); padding: 0.4em 0.8em;
            background: var(--block-background-fill); border-radius: 6px; }
#faq-note p { margin: 0; }
#faq-entry-note p { margin: 0; padding: 0.5em 0.8em; border-radius: 6px; font-weight: 600;
                    border-left: 4px solid #b45309; background: var(--block-background-fill); }
.faq-question-button { justify-content: flex-start !important; text-align: left !important;
                       white-space: normal !important; height: auto !important;
                       min-height: 2.4em; line-height: 1.35; font-weight: normal !important; }
#faq-chat .message-wrap, #faq-chat .message { overflow-wrap: anywhere; }
/* Gradio draws message text at 80% opacity, which takes links and buttons below AA contrast. */
#faq-chat .message-wrap .prose.chatbot.md { opacity: 1; }
#faq-chat .placeholder { padding: 0 1em; }
#faq-chat .faq-empty p { text-align: center; }
#faq-chat .faq-source { margin-bottom: 0.6em; }
#faq-chat ul.faq-suggestions, #faq-chat ul.faq-examples { list-style: none; padding: 0; margin: 0.3em 0 0;
                                                          display: grid; gap: 6px; }
#faq-chat ul.faq-suggestions > li, #faq-chat ul.faq-examples > li { margin: 0; padding: 0; }
#faq-chat ul.faq-suggestions > li::before, #faq-chat ul.faq-examples > li::before { content: none; }
#faq-chat button.faq-pick { display: block; width: 100%; min-height: 44px; padding: 8px 12px; margin: 0;
                            text-align: left; white-space: normal; font: inherit; line-height: 1.35;
                            color: var(--body-text-color); background: var(--background-fill-primary);
                            border: 1px solid var(--border-color-primary); border-radius: 8px; cursor: pointer; }
#faq-chat button.faq-pick:hover { border-color: var(--color-accent); background: var(--background-fill-secondary); }
#faq-chat .faq-permalink { margin: 0.5em 0; }
#faq-chat button.faq-copy { font: inherit; font-size: 0.9em; padding: 4px 2px; min-height: 28px; margin: 0;
                            background: none; border: none; cursor: pointer; text-decoration: underline;
                            color: var(--faq-link); }
#faq-chat .faq-copy-url { width: 100%; margin-top: 4px; font: inherit; font-size: 0.85em; padding: 4px 6px;
                          border: 1px solid var(--border-color-primary); border-radius: 4px;
                          color: var(--body-text-color); background: var(--background-fill-primary); }
#faq-chat .faq-contact { margin-top: 0.5em; padding: 0.4em 0.7em; border-left: 3px solid var(--color-accent);
                         background: var(--background-fill-primary); border-radius: 4px; }
#faq-chat .faq-contact p { margin: 0.2em 0; }
#faq-chat .faq-language-note { font-size: 0.9em; }
#faq-footer .faq-contact { font-size: 0.9rem; padding: 0.5em 0.8em; border-top: 1px solid var(--border-color-primary); }
#faq-footer .faq-contact p { margin: 0.2em 0; }
#faq-footer a, #faq-chat .faq-contact a { color: var(--faq-link); }
/* "New conversation" clears the chat; the corner bin icon covered the first message on phones. */
#faq-chat .top-panel { display: none !important; }
/* Copying your own question back is of no use; copying an answer is. */
#faq-chat .message-buttons-right { display: none !important; }
@media (max-width: 640px) {
  #faq-top { flex-direction: column; gap: 4px; }
  #faq-lang-column { order: -1; width: 100%; }
  #faq-lang .faq-lang-label { width: auto; }
  #faq-header h1 { font-size: 1.15rem; }
  #faq-header .faq-description { display: none; }
  #faq-note { font-size: 0.8rem; padding: 0.3em 0.6em; }
  #faq-chat button.faq-pick { padding: 7px 10px; font-size: 0.9rem; }
}
"""

# Page-wide rules (Gradio scopes CSS under the app's content; the page margins, the focus
# ring and Gradio's own footer sit outside it, hence <head>). Colours meet WCAG AA contrast.
HEAD = """<style>
:root { --faq-focus: #1d4ed8; --faq-link: #1d4ed8; }
.dark { --faq-focus: #93c5fd; --faq-link: #93c5fd; }
.faq-sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
               overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* A keyboard user always sees where the focus is. */
.gradio-container :focus-visible, footer :focus-visible {
  outline: 3px solid var(--faq-focus) !important; outline-offset: 2px !important; }
/* Gradio's footer link is light grey on white (2.6:1); the page's text colour reads. */
footer .show-api, footer a, footer button { color: var(--body-text-color) !important; }
@media (max-width: 640px) {
  .gradio-container .main { padding: 8px 10px !important; }
}
</style>"""

# The page's script: after each reply, scroll the chat so the question just asked is at the
# top and the answer reads from its first line (Gradio's autoscroll would show only its end);
# tell screen readers the reply's source and first sentence; copy permalinks; after a
# question picked with the keyboard, move the focus to its answer.
JS = """() => {
  const live = document.createElement('div');
  live.id = 'faq-live';
  live.className = 'faq-sr-only';
  live.setAttribute('aria-live', 'polite');
  live.setAttribute('aria-atomic', 'true');
  document.body.appendChild(live);
  const firstSentence = (text) => {
    const t = text.replace(/\\s+/g, ' ').trim();
    const m = t.match(/^.*?[.!?\u2026](?=\\s|$)/);
    return (m ? m[0] : t).slice(0, 400);
  };
  const announce = (reply) => {
    const parts = [];
    const source = reply.querySelector('.faq-source strong');
    const first = reply.querySelector('.faq-answer p, .faq-answer li');
    if (source) parts.push(source.textContent.trim());
    if (first) parts.push(firstSentence(first.textContent));
    live.textContent = parts.join(' ');
  };
  let seen = '';
  const settle = () => {
    const chat = document.querySelector('#faq-chat');
    if (!chat) return;
    const log = chat.querySelector('[role="log"]');
    if (log && log.getAttribute('aria-live') !== 'off') log.setAttribute('aria-live', 'off');
    const asked = chat.querySelectorAll('[data-testid="user"]');
    const replies = chat.querySelectorAll('[data-testid="bot"]');
    const lastAsked = asked.length ? asked[asked.length - 1].querySelector('.faq-user-text') : null;
    const key = lastAsked ? lastAsked.className + '|' + replies.length : '';
    if (key === seen) return;
    seen = key;
    if (!lastAsked || replies.length === 0) return;
    const reply = replies[replies.length - 1];
    announce(reply);
    if (window.faqFocusReply) {
      window.faqFocusReply = false;
      reply.setAttribute('tabindex', '-1');
      reply.focus({ preventScroll: true });
    }
    const question = asked[asked.length - 1];
    let box = question.parentElement;
    while (box && box !== chat && !(box.scrollHeight > box.clientHeight &&
           ['auto', 'scroll'].includes(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (!box || box === chat) return;
    box.scrollTop += question.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  };
  let noted = false;
  const showBrowse = () => {
    const note = document.querySelector('#faq-entry-note .faq-entry-note');
    if (!note || noted) return;
    noted = true;
    const browse = document.querySelector('#faq-browse');
    if (!browse) return;
    const r = browse.getBoundingClientRect();
    if (r.top > window.innerHeight || r.bottom < 0) browse.scrollIntoView({ block: 'start' });
  };
  new MutationObserver(() => requestAnimationFrame(() => { settle(); showBrowse(); }))
    .observe(document.body, { childList: true, subtree: true, characterData: true });
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('#faq-chat button.faq-copy');
    if (!button) return;
    event.preventDefault();
    const number = parseInt(button.value, 10);
    if (!(number > 0)) return;
    const url = window.location.origin + window.location.pathname + '?entry=' + number;
    const holder = button.parentElement;
    const status = holder.querySelector('.faq-copy-status');
    const say = (cls) => (holder.querySelector(cls) || {}).textContent || '';
    const showLink = () => {
      status.textContent = '';
      const label = document.createElement('span');
      label.textContent = say('.faq-copy-manual') + ' ';
      const input = document.createElement('input');
      input.type = 'text';
      input.readOnly = true;
      input.className = 'faq-copy-url';
      input.value = url;
      input.setAttribute('aria-label', say('.faq-copy-manual'));
      status.append(label, input);
      input.focus();
      input.select();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(() => { status.textContent = say('.faq-copy-done'); }, showLink);
    } else {
      showLink();
    }
  });
}"""

# The hidden picker: a click on a question button in the chat fires its select event with
# the entry number (and nothing else). A keyboard click (detail 0) moves focus to the answer.
PICK_JS = """
window.faqTrigger = trigger;
if (!window.faqPickBound) {
  window.faqPickBound = true;
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('#faq-chat button.faq-pick');
    if (!button) return;
    event.preventDefault();
    const value = String(button.value || '');
    if (!/^[0-9]{1,9}$/.test(value)) return;
    window.faqFocusReply = event.detail === 0;
    window.faqTrigger('select', { index: Number(value), value: value });
  });
}
"""

# The English / Español switch: two toggle buttons (each named in its own language, with its
# own lang attribute) in a labelled group. A click sets the component's value and fires its
# input event; the page's <html lang> follows the value, whoever sets it (a click, the load).
LANGUAGE_SWITCH = (
    '<div class="faq-lang" role="group" aria-label="Language / Idioma">'
    '<span class="faq-lang-label" aria-hidden="true">Language / Idioma</span> '
    + " ".join(
        f'<button type="button" lang="{code}" value="{code}" '
        f"aria-pressed=\"${{value === '{code}' ? 'true' : 'false'}}\">{name}</button>"
        for code, name in i18n.LANGUAGE_NAMES.items()
    )
    + "</div>"
)
LANGUAGE_JS = (
    "const codes = "
    + json.dumps(list(i18n.LANGUAGES))
    + ";"
    + """
const mark = () => { document.documentElement.lang = codes.includes(props.value) ? props.value : 'en'; };
element.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('button[value]');
  if (!button || !codes.includes(button.value) || button.value === props.value) return;
  props.value = button.value;
  mark();
  trigger('input');
});
watch('value', mark);
mark();
"""
)
READY_JS = "() => { document.documentElement.dataset.faqReady = '1'; }"  # the load event is done

Turns = list[dict[str, Any]]
# A conversation: one dict per turn, {"n": sequence number, "asked": str} and either
# "answer": Answer.to_dict() (with "picked": True when the reader chose an entry rather than
# typing) or "error": True (a message with no words in it) or "error": "too_many" (the
# reader's address sent more questions a minute than the server allows: not asked).
TOO_MANY = "too_many"
Session = dict[str, Any]
# A session's state (one gr.State): {"turns": Turns, "language": the page's language,
# "bad_link": whether the page was opened from a link naming no entry}. One state holds it
# all, so a typed question reaches the server with exactly two inputs: the box and the state.


class VoteMemory:
    """Which replies were voted on: (session, turn) keys, the newest ``MAX_VOTES_REMEMBERED``.

    In memory only (nothing written): it keeps one reader from stacking votes on one
    reply. Past the bound the oldest keys are forgotten, so memory stays flat under a flood.
    """

    MAX_VOTES_REMEMBERED = 100_000

    def __init__(self) -> None:
        self._keys: OrderedDict[tuple[Any, ...], None] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: tuple[Any, ...]) -> bool:
        """True the first time ``key`` is seen (and remember it); False after."""
        with self._lock:
            if key in self._keys:
                return False
            self._keys[key] = None
            if len(self._keys) > self.MAX_VOTES_REMEMBERED:
                self._keys.popitem(last=False)
            return True


def new_session(turns: Turns | None = None, language: str = "en", bad_link: bool = False) -> Session:
    return {"turns": list(turns or []), "language": i18n.supported(language), "bad_link": bool(bad_link)}


def _session(value: object) -> Session:
    """The session's state as stored (a fresh one if it is missing or malformed)."""
    if not isinstance(value, dict) or not isinstance(value.get("turns"), list):
        return new_session()
    return new_session(value["turns"], value.get("language", "en"), bool(value.get("bad_link")))


def valid_text(text: str) -> str:
    """Text that can be sent as UTF-8 JSON: lone surrogates (a broken emoji pasted in a
    browser, undecodable bytes) become U+FFFD instead of breaking the reply stream."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def shown_question(text: str) -> str:
    """A question as the chat echoes it: cut at what the bot reads, so a megabyte paste
    neither fills the page nor the session."""
    return text[:MAX_QUESTION_CHARS].rstrip() + " …" if len(text) > MAX_QUESTION_CHARS else text


def entry_number(value: object) -> int | None:
    """A FAQ entry number from untrusted text: ASCII digits only, at most 9 of them."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    return int(value) if len(value) <= MAX_ENTRY_DIGITS else None


def messages(turns: Turns, language: str = "en", faq_language: str = "en") -> list[dict[str, Any]]:
    """The chat's messages, rebuilt from the session's turns (the only source of them).

    Every reply offers its suggested questions as buttons. ``language`` is the
    page's: its words (errors, "Copy link") and the framing of entries the reader
    picked; a typed question's reply is framed in its own language.
    """
    out: list[dict[str, Any]] = []
    for turn in turns:
        out.append({"role": "user", "content": render.user_html(turn["asked"], turn.get("n"))})
        if "answer" not in turn:
            words = render.interface(language, 0, "")
            said = words.too_many if turn.get("error") == TOO_MANY else words.question_error
            out.append({"role": "assistant", "content": f"<p>{render.html_text(said)}</p>"})
            continue
        answer = Answer.from_dict(turn["answer"])
        out.append(
            {
                "role": "assistant",
                "content": render.html(
                    answer,
                    language=language if turn.get("picked") else answer.language,
                    faq_language=faq_language,
                    buttons=True,
                    interface_language=language,
                ),
            }
        )
    return out


def history(turns: Turns) -> list[dict[str, Any]]:
    """What the bot reads as history: the earlier Answers, as data."""
    return [t["answer"] for t in turns if "answer" in t]


def _event_field(evt: object, name: str, default: object = None) -> object:
    """One field of an event's raw data (``default`` when the event carries none)."""
    data = getattr(evt, "_data", None)
    return data.get(name, default) if isinstance(data, dict) else default


def _ready() -> None:
    """The backend half of the "page ready" step (its script marks the page; nothing to do here)."""


def _next(turns: Turns) -> int:
    return (turns[-1].get("n", len(turns)) + 1) if turns else 1


class ChatApp:
    """The chat's event handlers, bound to one bot (and the optional operator logs).

    Each handler takes the session's turns (server-side state) and the page's
    language, and returns the rebuilt messages and the new turns; the ``on_*``
    methods are Gradio's events, over the session's one state.
    """

    def __init__(
        self,
        bot: FAQBot,
        unanswered: UnansweredLog | None = None,
        feedback: FeedbackLog | None = None,
        limit: AddressLimit | None = None,
    ):
        self.bot = bot
        self.unanswered = unanswered
        self.feedback = feedback
        self.limit = limit or AddressLimit(0)
        self.faq_language = bot.corpus.language
        self.voted = VoteMemory()

    def messages(self, turns: Turns, language: str) -> list[dict[str, Any]]:
        return messages(turns, i18n.supported(language), self.faq_language)

    def _turn(self, turns: Turns, asked: str, answer: Answer, picked: bool = False) -> dict[str, Any]:
        if self.unanswered is not None:
            self.unanswered.record(asked, answer)
        turn: dict[str, Any] = {"n": _next(turns), "asked": shown_question(asked), "answer": answer.to_dict()}
        if picked:
            turn["picked"] = True
        return turn

    def respond(
        self,
        question: str | None,
        turns: Turns | None,
        language: str | None = "en",
        address: str | None = None,
    ) -> tuple[list[dict[str, Any]], Turns, str]:
        """One typed question from client ``address``: returns the chat messages, the new turns
        and the cleared textbox. Past the address's budget the question is not asked."""
        turns = list(turns or [])
        if not isinstance(question, str) or not question.strip():
            return self.messages(turns, language or "en"), turns, ""  # nothing typed: nothing to do
        question = valid_text(question)
        if not self.limit.hit(address).allowed:
            turns.append({"n": _next(turns), "asked": shown_question(question), "error": TOO_MANY})
            turns = turns[-MAX_HISTORY_TURNS:]
            return self.messages(turns, language or "en"), turns, ""
        try:
            answer = self.bot.ask(question, history=history(turns))
        except QuestionError:
            turns.append({"n": _next(turns), "asked": shown_question(question), "error": True})
        else:
            turns.append(self._turn(turns, question, answer))
        turns = turns[-MAX_HISTORY_TURNS:]
        return self.messages(turns, language or "en"), turns, ""

    def open_entry(
        self, number: int | None, turns: Turns | None, language: str | None = "en"
    ) -> tuple[list[dict[str, Any]], Turns]:
        """Show FAQ entry ``number`` (a suggested question, a browse button, a permalink)."""
        turns = list(turns or [])
        if number is not None and number in self.bot.corpus.by_number:
            answer = self.bot.entry_answer(number)
            turns.append(self._turn(turns, answer.query, answer, picked=True))
        turns = turns[-MAX_HISTORY_TURNS:]
        return self.messages(turns, language or "en"), turns

    def pick(
        self, turns: Turns | None, language: str | None, evt: gr.EventData
    ) -> tuple[list[dict[str, Any]], Turns]:
        """A question button in the chat was clicked: its event carries the entry number only.

        The event is read as raw data (not ``gr.SelectData``, which fails inside Gradio
        on a request with no event data): anything but an entry number does nothing.
        """
        return self.open_entry(entry_number(_event_field(evt, "value")), turns, language)

    def start(self, query: Any, accept_language: str | None) -> tuple[list[dict[str, Any]], Turns, str, bool]:
        """A fresh page: (messages, turns, language, whether the link named no entry).

        The language is the browser's preference among those faqbot speaks.
        ``?entry=N`` opens on entry N; an ``entry`` that is not one of this FAQ's
        numbers starts empty and says so (nothing from the link is shown).
        """
        language = i18n.negotiate(accept_language)
        if query is None or "entry" not in query:
            return [], [], language, False
        number = entry_number(query.get("entry") or "")
        if number is not None and number in self.bot.corpus.by_number:
            shown, turns = self.open_entry(number, [], language)
            return shown, turns, language, False
        return [], [], language, True

    def vote(
        self, turns: Turns | None, evt: gr.EventData, voter: str | None = None, address: str | None = None
    ) -> None:
        """A 👍 / 👎 on a reply: the Answer is found in the session's turns by the message's index.

        Only the index and the vote are read from the event (raw, as in ``pick``), never
        the message it carries. One vote per reply and ``voter`` (the browser session):
        the first is kept, so clicking again cannot stack votes. A vote past the client
        ``address``'s budget is dropped.
        """
        liked = _event_field(evt, "liked", True)
        if self.feedback is None or liked not in (True, False):
            return
        if not self.limit.hit(address).allowed:
            return
        index = _event_field(evt, "index")
        index = index[0] if isinstance(index, (list, tuple)) and index else index
        if not isinstance(index, int) or isinstance(index, bool) or index % 2 != 1:
            return  # only the bot's messages (odd positions: each turn is a question and a reply)
        turns = turns or []
        position = index // 2
        if not (0 <= position < len(turns) and "answer" in turns[position]):
            return
        turn = turns[position]
        if self.voted.first((voter, turn.get("n"), turn.get("asked"))):
            self.feedback.record(Answer.from_dict(turn["answer"]), "up" if liked else "down")

    def api_ask(self, question: str, request: gr.Request | None = None) -> dict:
        """Answer one question from the FAQ; returns the full answer as JSON.

        The result has ``answer``, ``question_number`` (the source question, or
        null when the FAQ does not cover the question), ``question``, ``score``
        (0..1), ``confidence`` (high / medium / low), ``kind``, ``declined``,
        ``alternatives``, ``passages`` and more (``Answer.to_dict()``).
        """
        verdict = self.limit.hit(client_address(request))
        if not verdict.allowed:
            raise gr.Error(verdict.message, title="Too many questions", print_exception=False)
        try:
            text = valid_text(question) if isinstance(question, str) else question
            answer = self.bot.ask(text)
        except QuestionError as exc:
            raise gr.Error(str(exc), title="Not a question", print_exception=False) from None
        if self.unanswered is not None:
            self.unanswered.record(answer.query, answer)
        return answer.to_dict()

    # --- the page's words ----------------------------------------------------------

    def note(self, language: str) -> str:
        disclaimer, written_in = self.bot.corpus.disclaimer_in(language)
        return render.page_note(
            self.unanswered is not None,
            disclaimer,
            language=language,
            disclaimer_language=written_in,
            feedback=self.feedback is not None,
        )

    def empty_chat(self, language: str) -> str:
        return render.empty_chat_html(
            self.bot.example_entries(EXAMPLE_COUNT), len(self.bot.entries), language
        )

    def entry_note(self, language: str) -> str:
        words = render.interface(language, len(self.bot.entries), self.bot.title)
        return f'<p class="faq-entry-note" role="status">{render.html_text(words.unknown_entry)}</p>'

    def page_words(self, language: str, shown: list[dict[str, Any]], bad_link: bool) -> tuple[Any, ...]:
        """Updates for every piece of the page that has words of its own, in ``language``:
        chat (its messages too), note, question box, Ask, New conversation, browse list,
        the unknown-entry note, the footer."""
        language = i18n.supported(language)
        words = render.interface(language, len(self.bot.entries), self.bot.title)
        return (
            gr.update(value=shown, placeholder=self.empty_chat(language), label=words.chat_label),
            gr.update(value=self.note(language)),
            gr.update(label=words.box_label, placeholder=words.box_placeholder),
            gr.update(value=words.ask),
            gr.update(value=words.new_conversation),
            gr.update(label=words.browse),
            gr.update(value=self.entry_note(language) if bad_link else "", visible=bad_link),
            gr.update(value=render.footer_html(self.bot.corpus.contact_in(language), language)),
        )

    def switch_language(
        self, language: str | None, turns: Turns | None, bad_link: bool | None
    ) -> tuple[Any, ...]:
        """The English / Español switch: the page's words again, the same conversation."""
        language = i18n.supported(language)
        return self.page_words(language, self.messages(list(turns or []), language), bool(bad_link))

    # --- Gradio's events: each takes the session's state, never the displayed messages ---------

    def on_submit(
        self, question: str | None, session: Session | None, request: gr.Request | None = None
    ) -> tuple[list[dict[str, Any]], Session, str]:
        """A typed question (the box's Enter, or Ask)."""
        state = _session(session)
        shown, turns, box = self.respond(question, state["turns"], state["language"], client_address(request))
        return shown, {**state, "turns": turns}, box

    def on_pick(self, session: Session | None, evt: gr.EventData) -> tuple[list[dict[str, Any]], Session]:
        """A question button in the chat (a related question, an example)."""
        state = _session(session)
        shown, turns = self.pick(state["turns"], state["language"], evt)
        return shown, {**state, "turns": turns}

    def on_entry(self, number: int):
        """The event of the browse list's button for entry ``number``."""

        def handler(session: Session | None) -> tuple[list[dict[str, Any]], Session]:
            state = _session(session)
            shown, turns = self.open_entry(number, state["turns"], state["language"])
            return shown, {**state, "turns": turns}

        return handler

    def on_clear(self, session: Session | None) -> tuple[list[dict[str, Any]], Session]:
        """New conversation: no turns, the same language."""
        return [], new_session(language=_session(session)["language"])

    def on_vote(self, session: Session | None, evt: gr.EventData, request: gr.Request) -> None:
        """A 👍 / 👎 (see ``vote``)."""
        self.vote(
            _session(session)["turns"], evt, getattr(request, "session_hash", None), client_address(request)
        )

    def on_load(self, request: gr.Request) -> tuple[Any, ...]:
        """The load event: the language from the request, the chat from ``?entry=``."""
        query = request.query_params if request is not None else None
        accept = request.headers.get("accept-language") if request is not None else None
        shown, turns, language, bad_link = self.start(query, accept)
        return (new_session(turns, language, bad_link), language, *self.page_words(language, shown, bad_link))

    def on_switch(self, language: str | None, session: Session | None) -> tuple[Any, ...]:
        """The English / Español switch."""
        state = _session(session)
        state["language"] = i18n.supported(language)
        return (state, *self.switch_language(state["language"], state["turns"], state["bad_link"]))


def theme() -> gr.themes.Base:
    """System fonts (nothing fetched), and a primary button dark enough for white text (AA)."""
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS
    ).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        button_primary_text_color="white",
        button_primary_text_color_dark="white",
    )


def build_chat(
    bot: FAQBot,
    unanswered: UnansweredLog | None = None,
    feedback: FeedbackLog | None = None,
    limit: AddressLimit | None = None,
) -> gr.Blocks:
    """The Gradio page for ``bot``; ``unanswered`` and ``feedback`` are the operator's opt-in logs,
    ``limit`` the questions and votes one client address may send (``ratelimit.py``)."""
    app = ChatApp(bot, unanswered, feedback, limit)
    title = bot.title
    entries = bot.entries
    description = bot.corpus.description
    words = render.interface(i18n.SOURCE_LANGUAGE, len(entries), title)

    with gr.Blocks(title=title, analytics_enabled=False, fill_width=False) as demo:
        with gr.Row(equal_height=False, elem_id="faq-top"):
            header = f"# {render.md_text(title)}\n"
            if description:
                header += f'<p class="faq-description">{html.escape(description)}</p>\n'
            gr.Markdown(header, elem_id="faq-header", scale=5, min_width=240)
            with gr.Column(scale=0, min_width=220, elem_id="faq-lang-column"):
                language = gr.HTML(
                    i18n.SOURCE_LANGUAGE,
                    html_template=LANGUAGE_SWITCH,
                    js_on_load=LANGUAGE_JS,
                    elem_id="faq-lang",
                )
        note = gr.Markdown(app.note(i18n.SOURCE_LANGUAGE), elem_id="faq-note")

        session = gr.State(new_session())
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                entry_note = gr.HTML("", visible=False, elem_id="faq-entry-note")
                chatbot = gr.Chatbot(
                    elem_id="faq-chat",
                    label=words.chat_label,
                    show_label=False,
                    height="62vh",
                    min_height=320,
                    layout="bubble",
                    autoscroll=False,  # JS above scrolls to the start of each new answer
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike") if feedback is not None else None,
                    latex_delimiters=[],
                    sanitize_html=True,
                    allow_tags=False,
                    render_markdown=True,
                    group_consecutive_messages=False,
                    placeholder=app.empty_chat(i18n.SOURCE_LANGUAGE),
                )
                picker = gr.HTML(
                    "", html_template="", js_on_load=PICK_JS, elem_id="faq-pick", visible="hidden"
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        elem_id="faq-input",
                        show_label=False,
                        label=words.box_label,
                        placeholder=words.box_placeholder,
                        lines=1,
                        max_lines=4,
                        max_length=SCAN_CHARS,  # a paste is cut here, well under the request limit
                        scale=5,
                        min_width=160,
                        autofocus=True,
                        submit_btn=False,
                    )
                    send = gr.Button(words.ask, variant="primary", scale=1, min_width=70, elem_id="faq-send")
                clear = gr.Button(words.new_conversation, size="sm", variant="secondary", elem_id="faq-clear")
            with gr.Column(scale=2, min_width=280):
                with gr.Accordion(words.browse, open=True, elem_id="faq-browse") as browse:
                    buttons = []
                    for e in entries:
                        b = gr.Button(
                            render.question_label(e.number, e.question),
                            size="sm",
                            variant="secondary",
                            elem_classes=["faq-question-button"],
                        )
                        buttons.append((e.number, b))
        footer = gr.HTML(render.footer_html(bot.corpus.contact), elem_id="faq-footer")

        page = [chatbot, note, box, send, clear, browse, entry_note, footer]
        private: dict[str, Any] = {"api_visibility": "private"}
        box.submit(app.on_submit, [box, session], [chatbot, session, box], api_name="respond", **private)
        send.click(app.on_submit, [box, session], [chatbot, session, box], **private)
        picker.select(app.on_pick, [session], [chatbot, session], **private)
        clear.click(app.on_clear, [session], [chatbot, session], queue=False, **private)
        for number, b in buttons:
            b.click(app.on_entry(number), [session], [chatbot, session], **private)
        if feedback is not None:
            # Off the queue: a vote is a few microseconds of work, and a queued vote that
            # finished at once sometimes left the next typed question pending for ever in
            # chromium (tests/test_browser_feedback.py votes and asks straight after).
            chatbot.like(app.on_vote, [session], None, queue=False, **private)
        quiet: dict[str, Any] = {"show_progress": "hidden", **private}
        language.input(app.on_switch, [language, session], [session, *page], **quiet)
        demo.load(app.on_load, None, [session, language, *page], **quiet).then(
            _ready, None, None, js=READY_JS, queue=False, **quiet
        )

        gr.api(app.api_ask, api_name="ask", api_description=app.api_ask.__doc__)

    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=CONCURRENCY_LIMIT)
    return demo
