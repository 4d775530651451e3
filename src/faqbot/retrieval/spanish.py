"""Spanish and Spanglish words in a question glossed into English before it is searched.

The embedding model (all-MiniLM-L6-v2) and the BM25 stemmer read English only,
and many readers of an immigration-benefits FAQ write in Spanish or mix it in
("me pueden deportar?", "is sharing obligatorio"). ``gloss`` replaces the Spanish
words it knows, word by word, with an English gloss: crude, but enough for the
words that carry the meaning (datos -> data, ley -> law, avisan -> notify).

Only words that are not also common English words are listed, and phrases are
matched before single words. English text passes through unchanged.
"""

from __future__ import annotations

import re
import unicodedata

# Phrases first (matched as whole words, accents ignored).
_PHRASES = {
    "cuanto tiempo": "how long",
    "por cuanto tiempo": "for how long",
    "para que": "for what",
    "que pasa": "what happens",
    "que puede": "what can",
    "que pueden": "what can",
    "me pueden": "can they",
    "sin papeles": "undocumented",
    "estampillas de comida": "food stamps",
    "cupones de comida": "food stamps",
    "seguro social": "social security",
    "numero de seguro social": "social security number",
    "orden judicial": "court order warrant",
    "nuevo mexico": "new mexico",
    "la migra": "immigration ICE",
    "tengo que": "do I have to",
    "tienen que": "do they have to",
    "hay que": "must",
}

_WORDS = {
    # question words and glue
    "que": "what",
    "qué": "what",
    "cual": "which",
    "cuales": "which",
    "quien": "who",
    "quienes": "who",
    "donde": "where",
    "cuando": "when",
    "como": "how",
    "cuanto": "how much",
    "cuantos": "how many",
    "porque": "because",
    "hay": "is there",
    "mis": "my",
    "mi": "my",
    "tus": "your",
    "su": "their",
    "sus": "their",
    "los": "the",
    "las": "the",
    "del": "of the",
    "el": "the",
    "con": "with",
    "sin": "without",
    "para": "for",
    "sobre": "about",
    "entre": "between",
    "pero": "but",
    "si": "if",
    "por": "by",
    "le": "to them",
    "les": "to them",
    "tambien": "also",
    "yo": "I",
    "ellos": "they",
    "nosotros": "we",
    "puedo": "can I",
    "pueden": "can they",
    "puede": "can",
    "tengo": "I have",
    "tienen": "they have",
    "es": "is",
    "son": "are",
    "esta": "is",
    "estan": "are",
    "hace": "does",
    "hacen": "do",
    "hacer": "do",
    "hecho": "done",
    "ha": "has",
    "han": "have",
    "alguien": "someone",
    "algo": "something",
    "nadie": "nobody",
    "siempre": "always",
    "nunca": "never",
    "ahora": "now",
    "antes": "before",
    "despues": "after",
    "todo": "all",
    "todos": "all",
    # data and sharing
    "datos": "data",
    "dato": "data",
    "informacion": "information",
    "info": "information",
    "comparte": "shares",
    "comparten": "share",
    "compartir": "share",
    "compartido": "shared",
    "comparta": "share",
    "mandan": "send",
    "mandar": "send",
    "manda": "sends",
    "envian": "send",
    "enviar": "send",
    "dan": "give",
    "dar": "give",
    "entregan": "hand over",
    "reportan": "report",
    "guardan": "keep",
    "guardar": "keep",
    "guarda": "keeps",
    "borran": "delete",
    "borrar": "delete",
    "eliminan": "delete",
    "registros": "records",
    "expediente": "file records",
    "archivo": "file",
    "privacidad": "privacy",
    "seguridad": "security",
    "seguro": "safe",
    "seguros": "safe",
    "proteger": "protect",
    "protegen": "protect",
    "protegidos": "protected",
    "protege": "protects",
    "robar": "steal",
    "hackear": "hack",
    "cifrado": "encrypted",
    "acceso": "access",
    "ver": "see",
    "corregir": "correct",
    "corrijan": "correct",
    "pedir": "request",
    "solicitar": "request",
    "copia": "copy",
    "error": "error",
    "equivocada": "wrong",
    "usar": "use",
    "usan": "use",
    "uso": "use",
    "limites": "limits",
    "restricciones": "restrictions",
    "tipos": "types",
    "salud": "health",
    "medicos": "medical",
    "medica": "medical",
    "bancaria": "bank financial",
    "dinero": "money financial",
    "vivienda": "housing",
    "escuela": "school",
    "hijos": "children",
    # notice and consent
    "avisan": "notify",
    "avisar": "notify",
    "aviso": "notice",
    "avisa": "notifies",
    "notifican": "notify",
    "permiso": "permission consent",
    "consentimiento": "consent",
    "firmar": "sign",
    "carta": "letter",
    # law, authority, courts
    "ley": "law",
    "leyes": "laws",
    "legal": "legal",
    "obligatorio": "mandatory",
    "obligados": "required",
    "obligan": "require",
    "requisito": "requirement",
    "autoridad": "authority",
    "permite": "allows",
    "permiten": "allow",
    "federal": "federal",
    "acuerdo": "agreement",
    "acuerdos": "agreements",
    "contrato": "contract",
    "demanda": "lawsuit",
    "demandas": "lawsuits",
    "demando": "sued",
    "demandar": "sue",
    "corte": "court",
    "tribunal": "court",
    "juez": "judge",
    "abogado": "lawyer",
    "orden": "order",
    "derechos": "rights",
    "derecho": "right",
    "vigila": "oversees",
    "vigilan": "oversee",
    "supervisa": "oversees",
    "supervision": "oversight",
    "auditoria": "audit",
    "cumplir": "comply",
    # state, agencies, public
    "estado": "state",
    "gobierno": "government",
    "agencias": "agencies",
    "agencia": "agency",
    "departamento": "department",
    "oficial": "official",
    "oficiales": "official",
    "publico": "public",
    "pagina": "website page",
    "sitio": "website",
    "reuniones": "meetings",
    "noticias": "news",
    "informan": "inform",
    "encuentro": "find",
    "encontrar": "find",
    "cambiado": "changed",
    "cambio": "change",
    "historia": "history",
    "pasado": "past",
    # people, benefits, immigration
    "beneficios": "benefits",
    "ayuda": "help assistance",
    "asistencia": "assistance",
    "licencia": "license",
    "manejar": "driver's",
    "identificacion": "identification",
    "migracion": "immigration",
    "inmigracion": "immigration",
    "inmigrantes": "immigrants",
    "inmigrante": "immigrant",
    "indocumentado": "undocumented",
    "indocumentados": "undocumented",
    "deportar": "deport",
    "deportan": "deport",
    "deportacion": "deportation",
    "deportado": "deported",
    "detener": "detain",
    "familia": "family",
    "familias": "families",
    "miedo": "afraid fear",
    "peligro": "danger",
    "riesgo": "risk",
    "pasar": "happen",
    "ventajas": "advantages benefits",
    "desventajas": "disadvantages challenges",
    "criticas": "criticisms",
    "quejas": "complaints",
    "preocupaciones": "concerns",
}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPANISH_HINT = frozenset(
    {
        "que",
        "mis",
        "mi",
        "los",
        "las",
        "del",
        "con",
        "para",
        "como",
        "donde",
        "cuanto",
        "hay",
        "puedo",
        "pueden",
        "datos",
        "informacion",
        "ley",
        "estado",
        "el",
        "es",
        "por",
        "me",
        "se",
    }
)


def _fold(text: str) -> str:
    """Lowercase without accents (información -> informacion)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def looks_spanish(text: str) -> bool:
    """Two or more Spanish words, at least one of them a Spanish function or key word."""
    words = _WORD.findall(_fold(text))
    known = [w for w in words if w in _WORDS]
    return len(known) >= 2 and any(w in _SPANISH_HINT for w in words)


def gloss(text: str) -> str:
    """The text with the Spanish words it knows replaced by English (unchanged if none).

    >>> gloss("cuanto tiempo guardan mis datos?")
    'how long keep my data?'
    >>> gloss("how long do they keep my data?")
    'how long do they keep my data?'
    """
    folded = _fold(text)
    if not looks_spanish(folded) and not any(w in _ALWAYS for w in _WORD.findall(folded)):
        return text
    for phrase, english in sorted(_PHRASES.items(), key=lambda kv: -len(kv[0])):
        folded = re.sub(rf"\b{re.escape(phrase)}\b", english, folded)
    return _WORD.sub(lambda m: _WORDS.get(m.group(0), m.group(0)), folded)


# Unmistakably Spanish content words, glossed even in an otherwise English question
# ("is sharing obligatorio?", "can ice see my datos").
_ALWAYS = frozenset(
    {
        "datos",
        "informacion",
        "obligatorio",
        "licencia",
        "migracion",
        "inmigracion",
        "deportar",
        "deportacion",
        "beneficios",
        "privacidad",
        "ley",
        "leyes",
        "demanda",
        "avisan",
        "consentimiento",
        "acuerdo",
        "indocumentado",
        "indocumentados",
    }
)
