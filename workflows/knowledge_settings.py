"""What the organisation file says about its knowledge base (`knowledge_base:`)."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class KnowledgeSettings:
    folder: str | None = None  # Markdown articles, re-read when they change
    suggest: bool = True  # articles and similar open tickets in the creation answer
    similar_within: timedelta = timedelta(days=30)  # open tickets compared with a new one
    # A new ticket this alike to an open one from the same requester or channel, opened within
    # `duplicate_within`, is flagged to the agents as a likely duplicate.
    duplicate_within: timedelta = timedelta(hours=24)
    similar_score: float = 0.5
    duplicate_score: float = 0.7
