"""The web chat: a Gradio page over a ``FAQBot`` (no retrieval logic here).

The conversation lives on the server, as data: a session's ``gr.State`` holds
the turns (what was asked, and the ``Answer`` dict the bot gave), and every
message the chat shows is rebuilt from it by ``render.py`` after each turn. No
handler takes the chat's displayed messages as input, so a client cannot make
the page show a reply the bot did not give, and the bot reads its history as
data, never as text.

The page: a chat whose replies show the source question and a confidence in
words before the FAQ's answer, with related questions as buttons; every FAQ
question listed for browsing; a note on where answers come from. ``/?entry=9``
opens the chat on entry 9's question and answer, rebuilt from the FAQ (only the
number is read from the link). The JSON endpoint ``/ask`` (one string in,
``Answer.to_dict()`` out) serves ``gradio_client``.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from .. import render
from ..bot import FAQBot
from ..errors import QuestionError
from ..limits import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, SCAN_CHARS
from ..logs import UnansweredLog
from ..models import Answer

# Gradio keeps ~55 KB of state per session (every API call is a new session) for the
# newest SESSION_CAPACITY sessions: 500 bounds that at ~30 MB.
SESSION_CAPACITY = 500
CONCURRENCY_LIMIT = 2  # chat turns answered at once; QUEUE_MAX_SIZE more wait
QUEUE_MAX_SIZE = 64
EXAMPLE_COUNT = 3

SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

CSS = """
.gradio-container { max-width: 1100px !important; margin: 0 auto !important; }
#faq-header h1 { font-size: 1.45rem; line-height: 1.3; margin: 0.2em 0 0.3em; }
#faq-header p { margin: 0.2em 0; }
#faq-note { font-size: 0.9rem; border-left: 4px solid var(--color-accent); padding: 0.4em 0.8em;
            background: var(--block-background-fill); border-radius: 6px; }
#faq-note p { margin: 0; }
.faq-question-button { justify-content: flex-start !important; text-align: left !important;
                       white-space: normal !important; height: auto !important;
                       min-height: 2.4em; line-height: 1.35; font-weight: normal !important; }
#faq-chat .message-wrap, #faq-chat .message { overflow-wrap: anywhere; }
#faq-chat button { white-space: normal; text-align: left; }
#faq-chat .options { margin-left: 16px !important; padding-top: 8px !important; gap: 8px; }
#faq-chat button.option { line-height: 1.35; }
#faq-chat .placeholder { padding: 0 1em; text-align: center; }
#faq-chat .faq-source { margin-bottom: 0.6em; }
/* "New conversation" clears the chat; the corner bin icon covered the first message on phones. */
#faq-chat .top-panel { display: none !important; }
/* Copying your own question back is of no use; copying an answer is. */
#faq-chat .message-buttons-right { display: none !important; }
@media (max-width: 640px) {
  #faq-header h1 { font-size: 1.15rem; }
  #faq-header .faq-description { display: none; }
  #faq-note { font-size: 0.8rem; padding: 0.3em 0.6em; }
  #faq-chat .options { margin-left: 0 !important; grid-template-columns: 1fr !important; gap: 6px;
                       width: 100% !important; max-width: none !important; }
  #faq-chat button.option { padding: 7px 10px !important; font-size: 0.85rem; width: 100%;
                            max-width: none !important; }
}
"""

# Gradio scopes CSS under the app's content; the page margins sit outside it, hence <head>.
HEAD = """<style>
@media (max-width: 640px) {
  .gradio-container .main { padding: 8px 10px !important; }
}
</style>"""

# After each reply, scroll the chat so the question just asked is at the top and the
# answer reads from its first line (Gradio's autoscroll would show only its end).
JS = """() => {
  let seen = 0;
  const settle = () => {
    const chat = document.querySelector('#faq-chat');
    if (!chat) return;
    const replies = chat.querySelectorAll('[data-testid="bot"]').length;
    if (replies === seen) return;
    const grew = replies > seen;
    seen = replies;
    const asked = chat.querySelectorAll('[data-testid="user"]');
    if (!grew || asked.length === 0) return;
    const question = asked[asked.length - 1];
    let box = question.parentElement;
    while (box && box !== chat && !(box.scrollHeight > box.clientHeight &&
           ['auto', 'scroll'].includes(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (!box || box === chat) return;
    box.scrollTop += question.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  };
  new MutationObserver(() => requestAnimationFrame(settle))
    .observe(document.body, { childList: true, subtree: true });
}"""

Turns = list[dict[str, Any]]  # the session's state: {"asked": str, "answer": dict | "error": str}


def valid_text(text: str) -> str:
    """Text that can be sent as UTF-8 JSON: lone surrogates (a broken emoji pasted in a
    browser, undecodable bytes) become U+FFFD instead of breaking the reply stream."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def shown_question(text: str) -> str:
    """A question as the chat echoes it: cut at what the bot reads, so a megabyte paste
    neither fills the page nor the session."""
    return text[:MAX_QUESTION_CHARS].rstrip() + " …" if len(text) > MAX_QUESTION_CHARS else text


def messages(turns: Turns) -> list[dict[str, Any]]:
    """The chat's messages, rebuilt from the session's turns (the only source of them).

    The newest reply offers its related questions as buttons; older replies list
    them as text, so the history still says what was offered.
    """
    out: list[dict[str, Any]] = []
    for i, turn in enumerate(turns):
        newest = i == len(turns) - 1
        out.append({"role": "user", "content": render.user_html(turn["asked"])})
        if "error" in turn:
            out.append({"role": "assistant", "content": f"<p>{render.html_text(turn['error'])}</p>"})
            continue
        answer = Answer.from_dict(turn["answer"])
        message: dict[str, Any] = {
            "role": "assistant",
            "content": render.html(answer, list_suggestions=not newest),
        }
        if newest and answer.alternatives:
            message["options"] = [
                {"value": str(h.number), "label": render.question_label(h.number, h.question)}
                for h in answer.alternatives
            ]
        out.append(message)
    return out


def history(turns: Turns) -> list[dict[str, Any]]:
    """What the bot reads as history: the earlier Answers, as data."""
    return [t["answer"] for t in turns if "answer" in t]


class ChatApp:
    """The chat's event handlers, bound to one bot (and the optional unanswered log).

    Each handler takes the session's turns (server-side state) and returns the
    rebuilt messages and the new turns.
    """

    def __init__(self, bot: FAQBot, unanswered: UnansweredLog | None = None):
        self.bot = bot
        self.unanswered = unanswered

    def _turn(self, asked: str, answer: Answer) -> dict[str, Any]:
        if self.unanswered is not None:
            self.unanswered.record(asked, answer)
        return {"asked": shown_question(asked), "answer": answer.to_dict()}

    def respond(self, question: str | None, turns: Turns | None) -> tuple[list[dict[str, Any]], Turns, str]:
        """One typed question: returns the chat messages, the new turns and the cleared textbox."""
        turns = list(turns or [])
        if not isinstance(question, str) or not question.strip():
            return messages(turns), turns, ""  # nothing typed (or not text): nothing to do
        question = valid_text(question)
        try:
            answer = self.bot.ask(question, history=history(turns))
        except QuestionError as exc:
            turns.append({"asked": shown_question(question), "error": str(exc)})
        else:
            turns.append(self._turn(question, answer))
        turns = turns[-MAX_HISTORY_TURNS:]
        return messages(turns), turns, ""

    def open_entry(self, number: int, turns: Turns | None) -> tuple[list[dict[str, Any]], Turns]:
        """Show FAQ entry ``number`` (a related question, a browse button, a permalink)."""
        turns = list(turns or [])
        if number in self.bot.corpus.by_number:
            answer = self.bot.entry_answer(number)
            turns.append(self._turn(answer.query, answer))
        turns = turns[-MAX_HISTORY_TURNS:]
        return messages(turns), turns

    def choose_option(self, turns: Turns | None, evt: gr.SelectData) -> tuple[list[dict[str, Any]], Turns]:
        """A related question under the last reply was clicked (its value is the entry number)."""
        value = str(evt.value or "")
        number = int(value) if value.isdigit() else -1
        return self.open_entry(number, turns)

    def choose_example(self, turns: Turns | None, evt: gr.SelectData) -> tuple[list[dict[str, Any]], Turns]:
        """An example question on the empty chat was clicked: ask it."""
        value = evt.value
        text = value.get("text", "") if isinstance(value, dict) else str(value or "")
        shown, turns, _ = self.respond(text, turns)
        return shown, turns

    def entry_handler(self, number: int):
        """A handler showing FAQ entry ``number`` (for the browse list's buttons)."""

        def handler(turns: Turns | None) -> tuple[list[dict[str, Any]], Turns]:
            return self.open_entry(number, turns)

        return handler

    def load(self, request: gr.Request) -> tuple[list[dict[str, Any]], Turns]:
        """A fresh page: ``?entry=N`` opens on entry N; anything else starts empty."""
        value = (request.query_params.get("entry") or "") if request is not None else ""
        number = int(value) if value.isdigit() and len(value) <= 9 else -1
        if number in self.bot.corpus.by_number:
            return self.open_entry(number, [])
        return [], []

    def api_ask(self, question: str) -> dict:
        """Answer one question from the FAQ; returns the full answer as JSON.

        The result has ``answer``, ``question_number`` (the source question, or
        null when the FAQ does not cover the question), ``question``, ``score``
        (0..1), ``confidence`` (high / medium / low), ``kind``, ``declined``,
        ``alternatives``, ``passages`` and more (``Answer.to_dict()``).
        """
        try:
            text = valid_text(question) if isinstance(question, str) else question
            answer = self.bot.ask(text)
        except QuestionError as exc:
            raise gr.Error(str(exc), title="Not a question", print_exception=False) from None
        if self.unanswered is not None:
            self.unanswered.record(answer.query, answer)
        return answer.to_dict()


def theme() -> gr.themes.Base:
    return gr.themes.Default(primary_hue="blue", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def build_chat(bot: FAQBot, unanswered: UnansweredLog | None = None) -> gr.Blocks:
    """The Gradio page for ``bot``; ``unanswered`` is the opt-in log of declined questions."""
    app = ChatApp(bot, unanswered)
    title = bot.title
    entries = bot.entries
    description = bot.corpus.description

    with gr.Blocks(title=title, analytics_enabled=False, fill_width=False) as demo:
        header = f"# {render.md_text(title)}\n"
        if description:
            header += f'<p class="faq-description">{html.escape(description)}</p>\n'
        gr.Markdown(header, elem_id="faq-header")
        gr.Markdown(render.page_note(unanswered is not None, bot.corpus.disclaimer), elem_id="faq-note")

        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    elem_id="faq-chat",
                    label=f"Ask about: {title}",
                    show_label=False,
                    height="62vh",
                    min_height=320,
                    layout="bubble",
                    autoscroll=False,  # JS above scrolls to the start of each new answer
                    buttons=["copy"],
                    feedback_options=None,
                    latex_delimiters=[],
                    sanitize_html=True,
                    allow_tags=False,
                    render_markdown=True,
                    group_consecutive_messages=False,
                    placeholder=(
                        f"**Ask a question about the FAQ in your own words**, "
                        f"or tap an example below. The FAQ has {len(entries)} questions."
                    ),
                    examples=[
                        {"text": q, "display_text": q}
                        for q in render.example_questions(bot.example_entries(EXAMPLE_COUNT))
                    ],
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        elem_id="faq-input",
                        show_label=False,
                        label="Your question",
                        placeholder="Type your question here…",
                        lines=1,
                        max_lines=4,
                        max_length=SCAN_CHARS,  # a paste is cut here, well under the request limit
                        scale=5,
                        min_width=160,
                        autofocus=True,
                        submit_btn=False,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="faq-send")
                clear = gr.Button("New conversation", size="sm", variant="secondary", elem_id="faq-clear")
            with gr.Column(scale=2, min_width=280):
                with gr.Accordion(
                    f"All {len(entries)} questions in this FAQ", open=True, elem_id="faq-browse"
                ):
                    buttons = []
                    for e in entries:
                        b = gr.Button(
                            render.question_label(e.number, e.question),
                            size="sm",
                            variant="secondary",
                            elem_classes=["faq-question-button"],
                        )
                        buttons.append((e.number, b))

        private: dict[str, Any] = {"api_visibility": "private"}
        box.submit(app.respond, [box, turns], [chatbot, turns, box], **private)
        send.click(app.respond, [box, turns], [chatbot, turns, box], **private)
        chatbot.option_select(app.choose_option, [turns], [chatbot, turns], **private)
        chatbot.example_select(app.choose_example, [turns], [chatbot, turns], **private)
        clear.click(lambda: ([], []), None, [chatbot, turns], queue=False, **private)
        for number, b in buttons:
            b.click(app.entry_handler(number), [turns], [chatbot, turns], **private)
        demo.load(app.load, None, [chatbot, turns], **private)

        gr.api(app.api_ask, api_name="ask", api_description=app.api_ask.__doc__)

    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=CONCURRENCY_LIMIT)
    return demo
