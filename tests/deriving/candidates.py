"""A cloze candidate as the engine makes one, its passage the prompt without its brackets: for the tests that
give the gate and the ranking one item at a time."""

from quizzes.deriving.engine import Candidate


def cloze(prompt: str, answer: str, language: str = "en", confidence: float = 0.5, **fields) -> Candidate:
    passage = prompt.replace("[[", "").replace("]]", "")
    return Candidate(
        kind="cloze",
        prompt=prompt,
        answer=answer,
        passage=passage,
        language=language,
        confidence=confidence,
        reason="",
        answer_type="term",
        term=answer,
        highlight=answer,
        start=0,
        end=len(passage),
        **fields,
    )
