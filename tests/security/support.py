"""Reading a page the way a browser applies its Content Security Policy."""

import base64
import hashlib
from html.parser import HTMLParser


def directives(header: str) -> dict[str, list[str]]:
    """The policy as directive → sources."""
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class _InlineFinder(HTMLParser):
    """Collects inline scripts, <style> blocks, style attributes and event handler attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict, str]] = []  # (kind, attributes, text)
        self._open: tuple[str, dict] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.found.append(("style attribute", attributes, attributes["style"] or ""))
        for name in attributes:
            if name.startswith("on"):
                self.found.append(("event handler", attributes, name))
        for name in ("href", "src", "action"):
            if (attributes.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(("javascript: URL", attributes, attributes[name]))
        if tag == "script" and not attributes.get("src"):
            self._open, self._text = ("script", attributes), []
        elif tag == "style":
            self._open, self._text = ("style", attributes), []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            kind, attributes = self._open
            self.found.append((f"inline {kind}", attributes, "".join(self._text)))
            self._open = None


def blocked_inline_content(html: str, header: str) -> list[str]:
    """What on the page the policy in `header` would block: each item described in words."""
    policy = directives(header)
    finder = _InlineFinder()
    finder.feed(html)
    blocked = []
    for kind, attributes, text in finder.found:
        if kind in ("inline script", "inline style"):
            sources = policy.get("script-src" if kind == "inline script" else "style-src", [])
            if attributes.get("type") in ("application/json", "application/ld+json"):
                continue  # data, never run
            nonce = attributes.get("nonce")
            if nonce and f"'nonce-{nonce}'" in sources:
                continue
            if _sha256(text) in sources:
                continue
        blocked.append(f"{kind}: {text[:80]!r}")
    return blocked


def assert_strict_policy(response) -> None:
    header = response["Content-Security-Policy"]
    policy = directives(header)
    assert policy["default-src"] == ["'none'"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert policy["script-src"][0] == "'self'"
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    if response["Content-Type"].startswith("text/html"):
        blocked = blocked_inline_content(response.content.decode(), header)
        assert blocked == [], f"{response.request['PATH_INFO']}: {blocked}"


def assert_hardening_headers(response, referrer: str = "same-origin") -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == referrer
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
