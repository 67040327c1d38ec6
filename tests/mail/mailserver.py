"""A real SMTP server on 127.0.0.1 for the delivery tests (aiosmtpd, in a thread).

It answers as told: `data_replies` are used one by one for each DATA (then 250), and
`refused` maps an address to the reply its RCPT gets. Every accepted message is kept.
"""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class ScriptedHandler:
    def __init__(self):
        # Seconds the server takes over each message before it answers.
        self.slowness = 0.0
        self.data_replies: list[str] = []
        self.refused: dict[str, str] = {}
        self.received = []
        # Called once a message is accepted, before the sender hears "250".
        self.on_accept = None
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refused.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.slowness:
            await asyncio.sleep(self.slowness)
        with self._lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.on_accept:
            self.on_accept()
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        """The To address of every message accepted, in order."""
        return [message["To"].addresses[0].addr_spec for message in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send_through(settings, port: int, *, timeout: int = 5) -> None:
    """Kollega sends through the SMTP server on 127.0.0.1:`port` (a pytest settings fixture)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, timeout
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


class MailServer:
    def __init__(self):
        self.handler = ScriptedHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def __enter__(self) -> "MailServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
