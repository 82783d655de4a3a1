"""A chat-like session in the terminal: the same commands as in Slack and DingTalk."""
