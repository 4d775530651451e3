"""Retrieval: dense passage search, BM25, score fusion, and the Retriever that ties them.

One concept per module: ``dense.py`` (FAISS over passage vectors),
``lexical.py`` (BM25 over entries with bm25s), ``fusion.py`` (how the scores of
each entry are combined), ``retriever.py`` (query -> ranked entry scores).
"""

from .fusion import FusionConfig
from .retriever import EntryScore, Retriever

__all__ = ["EntryScore", "FusionConfig", "Retriever"]
