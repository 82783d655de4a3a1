"""One module per group of related use cases. Each handler is `async (command, Context) -> Answer`."""
