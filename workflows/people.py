from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    """One human, whichever messengers they use. `handle` is the stable, human-typed name."""

    id: int
    handle: str
    name: str
    # Their accounts on the messengers, (platform, external id): the platform is the adapter's
    # string, data to the domain.
    identities: tuple[tuple[str, str], ...] = ()
    spoke_on: str | None = None  # the messenger they last wrote from (among their accounts)

    def id_on(self, platform: str) -> str | None:
        """Their id on a messenger, if they have an account there."""
        return next((value for where, value in self.identities if where == platform), None)

    def reach_order(self, preferred: str | None, fallback: str | None) -> list[str]:
        """Where to reach them, best first: the messenger they chose, else the one they last
        wrote from, else `fallback` (where the ticket was raised), then their other accounts."""
        order = [p for p in (preferred, self.spoke_on, fallback) if p]
        order += [platform for platform, _ in self.identities]
        return list(dict.fromkeys(order))

    @property
    def label(self) -> str:
        return self.name or self.handle
