"""The DingTalk adapter (Stream Mode): robot messages and card callbacks in, OpenAPI sends out.

Only `stream.py` and `runtime.py` touch the dingtalk-stream SDK, and only once the runtime
starts (after bot.bootstrap.configure_dingtalk_sdk has set its endpoint); everything else here
is plain translation that tests can drive without a connection.
"""
