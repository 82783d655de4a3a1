"""Feishu (Lark): events posted to /feishu/events, answers and cards through the Open API."""
