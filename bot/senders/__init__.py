"""Platform senders for the outbox relay: console, Slack Web API, DingTalk OpenAPI."""
