"""Retrieval: which FAQ entries match a question, and how confidently.

One concept per module: ``dense.py`` (FAISS over passage vectors), ``lexical.py``
(BM25 over entries with bm25s), ``classifier.py`` (which entry a wording points
to, or "outside the FAQ"), ``names.py`` (places and names the FAQ never
mentions), ``fusion.py`` (how an entry's evidence combines), ``retriever.py``
(query -> ranked entry scores), ``spelling.py`` (typing slips mended toward the
FAQ's words before the search) and ``calibration.py`` (fused score -> confidence,
and the threshold, fitted per FAQ).
"""

from .calibration import Calibration
from .fusion import Background, FusionConfig
from .retriever import EntryScore, Retriever
from .spelling import Spelling

__all__ = ["Background", "Calibration", "EntryScore", "FusionConfig", "Retriever", "Spelling"]
