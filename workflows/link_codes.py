"""One-time codes that prove a person holds two messenger accounts (`link me`, then
`link <code>` on the other one): how they look, how they are read back, how they are kept."""

import hashlib
import re
import secrets
from datetime import timedelta

# Letters only, none that read alike (I/L, O/0): never taken for a ticket number, easy to type
# from one phone to another. 23**8 codes, ten minutes, five wrong tries per account.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
LIFETIME = timedelta(minutes=10)
MAX_FAILURES = 5  # wrong, expired or used codes said from one account within LIFETIME
_SHAPE = re.compile(r"^[A-Za-z]{4}[-\u2010\u2013]?[A-Za-z]{4}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """`ABCDEFGH` as written to the reader: `ABCD-EFGH`."""
    return f"{code[:4]}-{code[4:]}"


def link_code(token: str) -> str | None:
    """The code in what was typed (any case, with or without the dash), or None."""
    if not _SHAPE.match(token):
        return None
    return "".join(ch for ch in token.upper() if ch.isalpha())


def code_hash(code: str) -> str:
    """Only this is stored: a leaked table gives no code back."""
    return hashlib.sha256(code.encode()).hexdigest()
