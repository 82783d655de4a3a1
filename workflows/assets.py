"""Equipment a ticket can name (a UPS, a printer, an air conditioner): the registry's entries,
checked the same way whether they come from the organisation file or a CSV import."""

from dataclasses import dataclass

MAX_NAME = 100
MAX_FIELD = 200


@dataclass(frozen=True, slots=True)
class Asset:
    name: str  # unique, compared without case: `asset:ups-1` names UPS-1
    type: str  # what preventive maintenance is planned by (`ups`, `printer`)
    location: str = ""
    owner: str = ""  # the handle of whoever is responsible for it
    serial: str = ""

    @property
    def key(self) -> str:
        return asset_key(self.name)


def asset_key(name: str) -> str:
    return name.strip().casefold()


def asset_problems(name: str, type_: str, fields: dict[str, str],
                   known_people: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(problem code, value) for one entry; nothing when it can be saved."""
    found: list[tuple[str, str]] = []
    if not name.strip():
        found.append(("no_name", ""))
    elif len(name) > MAX_NAME or any(c.isspace() for c in name.strip()):
        found.append(("bad_name", name[:MAX_NAME]))
    if not type_.strip():
        found.append(("no_type", ""))
    for field, value in fields.items():
        if len(value) > MAX_FIELD:
            found.append(("too_long", field))
    owner = fields.get("owner", "").strip()
    if owner and known_people is not None and owner not in known_people:
        found.append(("unknown_owner", owner))
    return found


def make_asset(name: str, type_: str, location: str = "", owner: str = "",
               serial: str = "") -> Asset:
    return Asset(name.strip(), type_.strip().casefold(), location.strip(), owner.strip(),
                 serial.strip())
