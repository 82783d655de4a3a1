"""Use cases and the chat grammar shared by every messenger. Depends on workflows and on ports."""
