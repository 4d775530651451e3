"""Tools for the people who keep a FAQ: what users asked that it missed, and what to fix.

* ``report``: groups the questions in the operator's opt-in logs (unanswered
  questions, readers' votes) and suggests, per group, alternates for an existing
  entry or a new entry (``report_render`` writes it as text, Markdown, HTML, JSON);
* ``lint``: checks a FAQ before it is published (duplicates, entries the bot
  confuses, answers off their question, alternates in the wrong place, missing
  sidecars).

Both use the engine only through its library API (``FAQBot``, the embedders, the
index builder, the corpus loader), so they measure the bot exactly as users meet it.
"""
