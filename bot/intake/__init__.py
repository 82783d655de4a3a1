"""Monitoring intake over HTTP: payload shapes per sender, authentication, problem documents."""
