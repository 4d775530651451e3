"""The process environment faqbot needs, set in one place before any library loads.

faqbot never reaches the network: the Hugging Face libraries are told to stay
offline and send no telemetry, and Gradio to send no analytics. ``apply()`` runs
when ``faqbot`` is imported, before sentence-transformers or Gradio can be, and
only fills in variables the user has not set (except Gradio analytics, which is
always off).
"""

from __future__ import annotations

import os

OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    # Gradio keeps timing records of its last N events in memory (10,000 by default).
    "GRADIO_ANALYTICS_MAX_EVENTS": "500",
}
ALWAYS = {"GRADIO_ANALYTICS_ENABLED": "False"}


def apply() -> None:
    """Set the offline / no-telemetry variables (idempotent)."""
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)
    os.environ.update(ALWAYS)
