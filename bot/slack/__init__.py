"""The Slack adapter: bolt listeners, Block Kit cards and modals, App Home."""
