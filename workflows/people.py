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

    def id_on(self, platform: str) -> str | None:
        """Their id on a messenger, if they have an account there."""
        return next((value for where, value in self.identities if where == platform), None)

    @property
    def label(self) -> str:
        return self.name or self.handle
