"""How each card action is typed as a command, for the console's numbered actions."""

from workflows.actions import Action

TEMPLATES: dict[Action, str] = {
    Action.CLAIM: "claim {key}",
    Action.ASSIGN: "assign {key} @…",
    Action.TRANSFER: "transfer {key} @… reason: …",
    Action.TRANSFER_TEAM: "transfer {key} <team> reason: …",
    Action.CC: "cc {key} @…",
    Action.REPLY: "reply {key} …",
    Action.NOTE: "note {key} …",
    Action.PEND: "pend {key} <reason>",
    Action.RESUME: "resume {key}",
    Action.PRIORITY: "priority {key} P1-P5",
    Action.RESOLVE: "resolve {key} <resolution>",
    Action.REOPEN: "reopen {key}",
    Action.CLOSE: "close {key}",
    Action.CANCEL: "cancel {key}",
    Action.SUSPEND: "suspend {key} <reason>",
    Action.URGE: "urge {key}",
    Action.LINK: "link {key} <ticket>",
    Action.MERGE: "merge {key} into <ticket>",
    Action.RATE: "rate {key} 1-5 [comment]",
}

VERB: dict[Action, str] = {action: template.split()[0] for action, template in TEMPLATES.items()}


def command_for(action: Action, key: str, args: str) -> str:
    """`3 @carol reason: x` on a card whose action 3 is transfer -> `transfer IT-1 @carol ...`."""
    if action is Action.MERGE and args and not args.lower().startswith("into"):
        args = "into " + args
    return " ".join(part for part in (VERB[action], key, args.strip()) if part)
