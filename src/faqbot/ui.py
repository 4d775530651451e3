"""The web chat: a Gradio app over a ``FAQBot`` (no retrieval logic here).

``build_app(bot)`` makes the page: a chat whose replies show the FAQ answer,
its source question and a confidence in words, with related questions as
buttons; every FAQ question listed for browsing; a note on where answers
come from. It also registers the JSON endpoint ``/ask`` (one string in,
``Answer.to_dict()`` out) for ``gradio_client``.

``serve(...)`` loads the bot and runs the app on 127.0.0.1 unless told
otherwise, with analytics off, no share link, no run history kept in the
browser, and system fonts (nothing is fetched from the internet). A bounded
queue makes overload answer "busy, please try again" instead of hanging.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

# Before Gradio is imported anywhere: no usage statistics, no version check.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
# Gradio keeps timing records of the last N events in memory (10,000 by default); 500 is plenty.
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "500")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from .bot import FAQBot  # noqa: E402
from .errors import FAQBotError, QuestionError  # noqa: E402
from .formatting import escape_markdown  # noqa: E402
from .ui_format import (  # noqa: E402
    bot_message,
    error_message,
    example_messages,
    history_turns,
    page_note,
    question_label,
    retire_options,
    user_message,
)
from .ui_unanswered import UnansweredLog  # noqa: E402

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
# One answer takes tens of milliseconds of CPU; two at a time suit a small machine.
# Up to QUEUE_MAX_SIZE more wait their turn; beyond that the page says it is busy.
CONCURRENCY_LIMIT = 2
QUEUE_MAX_SIZE = 64
# Gradio keeps ~55 KB of state per session (every API call is a new session) for the
# newest SESSION_CAPACITY sessions: 500 bounds that at ~30 MB (Gradio's default, 10,000,
# lets a busy server grow by ~550 MB). Idle chats beyond it lose only follow-up context.
SESSION_CAPACITY = 500
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


def valid_text(text: str) -> str:
    """Text that can be sent as UTF-8 JSON: lone surrogates (a broken emoji pasted in a
    browser, undecodable bytes) become U+FFFD instead of breaking the reply stream."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


class ChatApp:
    """The chat's event handlers, bound to one bot (and the optional unanswered log)."""

    def __init__(self, bot: FAQBot, unanswered: UnansweredLog | None = None):
        self.bot = bot
        self.unanswered = unanswered

    def _answer(self, question: str, history: list[dict[str, str]] | None = None):
        answer = self.bot.ask(question, history=history)
        if self.unanswered is not None:
            self.unanswered.record(question, answer)
        return answer

    def respond(
        self,
        question: str | None,
        messages: list[dict[str, Any]] | None,
        turns: list[dict[str, str]] | None,
    ) -> tuple[list[dict[str, Any]], list[dict[str, str]], str]:
        """One chat turn: returns the chat messages, the raw history and the cleared textbox."""
        messages = list(messages or [])
        turns = list(turns or [])
        if question is None or not question.strip():
            return messages, turns, ""  # nothing typed: nothing to do
        question = valid_text(question)
        messages = retire_options(messages)
        messages.append(user_message(question))
        try:
            answer = self._answer(question, history=turns)
        except QuestionError as exc:
            messages.append(error_message(str(exc)))
            return messages, turns, ""
        messages.append(bot_message(answer))
        turns.extend(history_turns(question, answer))
        return messages, turns, ""

    def choose_option(
        self, messages: list[dict[str, Any]] | None, turns: list[dict[str, str]] | None, evt: gr.SelectData
    ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """A related question (an option under the last reply) was clicked: ask it."""
        messages, turns, _ = self.respond(str(evt.value or ""), messages, turns)
        return messages, turns

    def choose_example(
        self, messages: list[dict[str, Any]] | None, turns: list[dict[str, str]] | None, evt: gr.SelectData
    ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """An example question on the empty chat was clicked: ask it."""
        value = evt.value
        text = value.get("text", "") if isinstance(value, dict) else str(value or "")
        messages, turns, _ = self.respond(text, messages, turns)
        return messages, turns

    def ask_entry(self, number: int):
        """A handler asking FAQ question ``number`` (for the browse list's buttons)."""
        question = self.bot.entry(number).question

        def handler(messages, turns):
            messages, turns, _ = self.respond(question, messages, turns)
            return messages, turns

        return handler

    def api_ask(self, question: str) -> dict:
        """Answer one question from the FAQ; returns the full answer as JSON.

        The result has ``answer``, ``question_number`` (the source question, or
        null when the FAQ does not cover the question), ``question``, ``score``
        (0..1), ``confidence`` (high / medium / low), ``kind``, ``declined``,
        ``alternatives``, ``passages`` and more (``Answer.to_dict()``).
        """
        try:
            return self._answer(valid_text(question) if isinstance(question, str) else question).to_dict()
        except QuestionError as exc:
            raise gr.Error(str(exc), title="Not a question", print_exception=False) from None


def _theme() -> gr.themes.Base:
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS
    )


def build_app(bot: FAQBot, log_unanswered: str | Path | None = None) -> gr.Blocks:
    """The Gradio app for ``bot``; ``log_unanswered`` opts in to logging declined questions."""
    unanswered = UnansweredLog(log_unanswered) if log_unanswered else None
    app = ChatApp(bot, unanswered)
    title = bot.title
    entries = bot.entries
    description = bot.corpus.description

    with gr.Blocks(title=title, analytics_enabled=False, fill_width=False) as demo:
        header = f"# {escape_markdown(title)}\n"
        if description:
            header += f'<p class="faq-description">{html.escape(description)}</p>\n'
        gr.Markdown(header, elem_id="faq-header")
        gr.Markdown(page_note(unanswered is not None), elem_id="faq-note")

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
                    examples=example_messages(bot.example_entries(EXAMPLE_COUNT)),
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        elem_id="faq-input",
                        show_label=False,
                        label="Your question",
                        placeholder="Type your question here…",
                        lines=1,
                        max_lines=4,
                        scale=5,
                        min_width=160,
                        autofocus=True,
                        submit_btn=False,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="faq-send")
                clear = gr.Button("New conversation", size="sm", variant="secondary", elem_id="faq-clear")
            with gr.Column(scale=2, min_width=280):
                with gr.Accordion(f"All {len(entries)} questions in this FAQ", open=True, elem_id="faq-browse"):
                    buttons = []
                    for e in entries:
                        b = gr.Button(
                            question_label(e.number, e.question),
                            size="sm",
                            variant="secondary",
                            elem_classes=["faq-question-button"],
                        )
                        buttons.append((e.number, b))

        private = {"api_visibility": "private"}
        box.submit(app.respond, [box, chatbot, turns], [chatbot, turns, box], **private)
        send.click(app.respond, [box, chatbot, turns], [chatbot, turns, box], **private)
        chatbot.option_select(app.choose_option, [chatbot, turns], [chatbot, turns], **private)
        chatbot.example_select(app.choose_example, [chatbot, turns], [chatbot, turns], **private)
        chatbot.clear(lambda: [], None, turns, queue=False, **private)
        clear.click(lambda: ([], []), None, [chatbot, turns], queue=False, **private)
        for number, b in buttons:
            b.click(app.ask_entry(number), [chatbot, turns], [chatbot, turns], **private)

        gr.api(app.api_ask, api_name="ask", api_description=app.api_ask.__doc__)

    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=CONCURRENCY_LIMIT)
    return demo


def launch_kwargs(host: str, port: int | None) -> dict[str, Any]:
    """The launch settings that keep the app local and private."""
    return {
        "server_name": host,
        "server_port": port,
        "share": False,
        "inbrowser": False,
        "show_error": False,
        "footer_links": ["api"],
        "run_history": False,
        "enable_monitoring": False,
        "mcp_server": False,
        "ssr_mode": False,
        "pwa": False,
        "state_session_capacity": SESSION_CAPACITY,
        "theme": _theme(),
        "css": CSS,
        "head": HEAD,
        "js": JS,
    }


def serve(
    corpus: str | Path | None = None,
    index_dir: str | Path | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    log_unanswered: str | Path | None = None,
) -> None:
    """Run the web chat until interrupted (Ctrl+C)."""
    bot = FAQBot.from_corpus(corpus, index_dir)
    demo = build_app(bot, log_unanswered=log_unanswered)
    try:
        demo.launch(**launch_kwargs(host, port), prevent_thread_lock=True, quiet=True)
    except OSError as exc:
        raise FAQBotError(
            f"cannot start the web chat on {host}:{port} ({exc}). "
            f"Is another server using port {port}? Try --port {port + 1}."
        ) from exc
    reach = "this machine only" if host in ("127.0.0.1", "localhost", "::1") else f"reachable on {host}"
    print(f"faqbot: the chat is at {demo.local_url} ({reach}); press Ctrl+C to stop.", flush=True)
    demo.block_thread()
