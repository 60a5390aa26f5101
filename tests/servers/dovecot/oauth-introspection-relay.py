#!/usr/bin/env python3
"""Dovecot's oauth2 passdb asks one fixed introspection_url (dovecot-oauth2.conf.ext.in); the tests each run their own
OAuth authorization server on a free loopback port (tests/Vault.TestSupport/OAuth/TestAuthorizationServer.cs). This
relay listens on the fixed port and forwards each introspection to the server that issued the token: test access tokens
read "vt.<port>.<random>". It keeps no state, so any number of test processes can use one Dovecot at once, and a token
whose server has gone is simply not active.

Usage: oauth-introspection-relay.py <host> <port>
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FORWARD_TIMEOUT_SECONDS = 10


def issuer_port(token):
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != "vt" or not parts[1].isdigit():
        return None
    port = int(parts[1])
    return port if 1024 <= port <= 65535 else None


class Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        # Dovecot 2.3 posts token=<T>&client_id=&client_secret= (introspection_mode = post).
        token = urllib.parse.parse_qs(body.decode("ascii", "replace")).get("token", [""])[0]
        port = issuer_port(token)
        if port is None:
            self.answer(200, b'{"active":false}')
            return
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{self.path}", data=body, method="POST",
            headers={"Content-Type": self.headers.get("Content-Type", "application/x-www-form-urlencoded")})
        try:
            with urllib.request.urlopen(request, timeout=FORWARD_TIMEOUT_SECONDS) as response:
                self.answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            self.answer(error.code, error.read())
        except (urllib.error.URLError, OSError):
            # The issuing test server has stopped: its tokens are no longer active.
            self.answer(200, b'{"active":false}')

    def answer(self, status, payload):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        # Never log: request lines and bodies carry tokens.
        pass


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    server = ThreadingHTTPServer((host, port), Relay)
    server.daemon_threads = True
    print(json.dumps({"relay": f"{host}:{port}"}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
