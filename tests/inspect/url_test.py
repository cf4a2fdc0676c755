#!/usr/bin/env python3
"""`orderflow inspect --url` against a stand-in engine: a local HTTP server
that serves, for GET /api/orders/O-1042, the JSON captured from
`inspect --replay --json`, and 404 for anything else. The text printed from
the remote JSON must be the same bytes as from the replay; an unknown order
and an unreachable engine are one line on stderr and exit 1.

Usage: url_test.py ORDERFLOW INPUT ORDER EXPECTED_TEXT
"""
import http.server
import json
import socket
import subprocess
import sys
import tempfile
import threading

binary, input_path, order_id, expected_text_path = sys.argv[1:5]
failures = []


def run(*args):
    return subprocess.run([binary, *args], capture_output=True, text=True,
                          timeout=60)


def expect(cond, what):
    if not cond:
        failures.append(what)


captured = run("inspect", order_id, "--replay", input_path, "--json")
expect(captured.returncode == 0, f"replay --json: exit {captured.returncode}")
body = captured.stdout.encode()
requests = []


class Engine(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        requests.append(self.path)
        if self.path == f"/api/orders/{order_id}":
            status, answer = 200, body
        else:
            status, answer = 404, json.dumps({"error": "not known"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Engine)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}"

# The same text as from the replay, byte for byte.
text = run("inspect", order_id, "--url", url)
expect(text.returncode == 0, f"--url: exit {text.returncode}: {text.stderr}")
expected = open(expected_text_path).read()
expect(text.stdout == expected,
       "--url text differs from the expected text:\n" + text.stdout)

# --json prints the engine's JSON as the replay path does.
remote_json = run("inspect", order_id, "--url", url + "/", "--json")
expect(remote_json.returncode == 0, f"--url --json: exit {remote_json.returncode}")
expect(remote_json.stdout == captured.stdout, "--url --json differs from --replay --json")

# An id that needs escaping in a path is escaped.
unknown = run("inspect", "O 1/2", "--url", url)
expect(unknown.returncode == 1, f"unknown order: exit {unknown.returncode}")
expect(unknown.stdout == "", "unknown order: something on stdout")
expect(len(unknown.stderr.splitlines()) == 1,
       f"unknown order: not one line: {unknown.stderr!r}")
expect("/api/orders/O%201%2F2" in requests, f"requests: {requests}")

# --url from the configuration's http.address.
with tempfile.NamedTemporaryFile("w", suffix=".yaml") as config:
    config.write(f"http:\n  address: 127.0.0.1:{server.server_address[1]}\n")
    config.flush()
    from_config = run("inspect", order_id, "--config", config.name)
expect(from_config.stdout == expected, "--config http.address: text differs")
server.shutdown()

# Nothing listens: a port that was free a moment ago.
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    free_port = s.getsockname()[1]
down = run("inspect", order_id, "--url", f"http://127.0.0.1:{free_port}")
expect(down.returncode == 1, f"unreachable: exit {down.returncode}")
expect(down.stdout == "", "unreachable: something on stdout")
expect(len(down.stderr.splitlines()) == 1,
       f"unreachable: not one line: {down.stderr!r}")

for f in failures:
    print(f, file=sys.stderr)
sys.exit(1 if failures else 0)
