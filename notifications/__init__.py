"""Turning answers and domain events into words: Jinja2 catalogs per locale (en, zh-CN)."""
