"""Expected business failures. Adapters turn these into friendly replies; anything else is a bug."""


class DomainError(Exception):
    """Base of every failure a user can act on. `message_key` names the reply template."""

    message_key = "error.generic"

    def __init__(self, message_key: str | None = None, **params: object) -> None:
        self.message_key = message_key or type(self).message_key
        self.params = params
        super().__init__(f"{self.message_key} {params}")


class NotFound(DomainError):
    message_key = "error.not_found"


class NotAllowed(DomainError):
    message_key = "error.not_allowed"


class InvalidInput(DomainError):
    message_key = "error.invalid_input"


class Conflict(DomainError):
    message_key = "error.conflict"
