"""Questions the benchmarks ask the bundled New Mexico FAQ.

Written for the benchmarks, not taken from the evaluation sets: on-topic rewordings
and off-topic questions, so that both answers and declines are timed.
"""

from __future__ import annotations

BASE_QUESTIONS = [
    "what benefits data goes from New Mexico to ICE?",
    "does the state have to share my benefits data with immigration?",
    "how is my information kept secure?",
    "can I find out whether my data was shared?",
    "what can I do if I think my data was shared illegally?",
    "who can I call about benefits data and immigration?",
    "are there laws that stop New Mexico sharing data with ICE?",
    "how long is shared data kept?",
    "does applying for SNAP put my family at risk?",
    "is Medicaid information given to immigration officers?",
    "what happens to the data after ICE gets it?",
    "can I ask the state to delete my records?",
    "do undocumented people have rights about their data?",
    "what is the REAL ID connection to ICE?",
    "does the driver's license office report immigration status?",
    "are there groups that help immigrants with data privacy?",
    "will using benefits affect my immigration case?",
    "how does New Mexico protect the privacy of benefits recipients?",
    "is data sharing with ICE required by federal law?",
    "can ICE see my address from state records?",
    "what's the weather like in Albuquerque tomorrow?",
    "how do I bake sourdough bread?",
    "who won the football game last night?",
    "what is the capital of France?",
    "how do I reset my email password?",
    "can you recommend a good restaurant in Santa Fe?",
    "how many moons does Jupiter have?",
    "what time does the post office close?",
    "how do I renew a passport?",
    "is it going to snow in Taos this weekend?",
    "data retention period for ICE sharing",
    "privacy protections benefits data",
    "complaint about data sharing",
    "legal help immigration data",
    "which agencies share records with immigration enforcement",
    "SNAP WIC Medicaid ICE",
    "motor vehicle division immigration status",
    "how to opt out of data sharing",
    "rights of immigrants New Mexico benefits",
    "recent changes to the data sharing policy",
]
VARIANTS = ["{}", "please tell me: {}", "quick question, {}", "{} thanks", "I was wondering {}"]

# The question of a cold `faqbot ask`, and the first two a freshly started server gets.
COLD_QUESTION = "How long does New Mexico keep the data it shares with ICE?"
FIRST_QUESTIONS = (
    "how long does new mexico keep my benefits data after sharing it with ICE?",
    "can I find out whether my information was given to immigration?",
)


def warm_questions(n: int = 200) -> list[str]:
    """``n`` distinct questions (the base questions in several wordings), cycling if more."""
    out = [v.format(q) for v in VARIANTS for q in BASE_QUESTIONS]
    return [out[i % len(out)] for i in range(n)]
