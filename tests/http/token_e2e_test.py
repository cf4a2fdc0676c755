#!/usr/bin/env python3
"""The bearer token end to end, through the orderflow binary.

    token_e2e_test.py ORDERFLOW_BINARY

  - `orderflow run` with http.address 0.0.0.0:0 and no http.token_file is
    refused at start, naming the file and line of http.address (before it
    looks for a broker);
  - `orderflow run` with a token file that is empty is refused, naming
    http.token_file's line;
  - `orderflow demo --http 0.0.0.0:0` without --http-token-file is refused;
  - with one, the demo answers 401 without the token (and with a wrong
    one), 200 with it, but the probes (/healthz, /readyz) without it;
    inspect sends it (--token-file): connecting only through 127.0.0.1.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dashboard_test import check  # noqa: E402
import dashboard_test  # noqa: E402

CONFIG = """kafka:
  bootstrap_servers: 127.0.0.1:1
http:
  address: 0.0.0.0:0
%s"""


def status_of(url, token=None):
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "orderflow.yaml")
        with open(config, "w") as f:
            f.write(CONFIG % "")
        done = subprocess.run([binary, "run", "--config", config], capture_output=True,
                              text=True, timeout=60)
        check("run on 0.0.0.0 without a token is refused (status %d)" % done.returncode,
              done.returncode != 0)
        check("it names http.address's file and line: %s" % done.stderr.strip(),
              re.search(re.escape(config) + r":4:\d+: http\.address: serving HTTP on "
                        r"0\.0\.0\.0:0, which is not a loopback address, needs a bearer "
                        r"token: set http\.token_file", done.stderr) is not None)

        empty = os.path.join(tmp, "empty-token")
        open(empty, "w").close()
        with open(config, "w") as f:
            f.write(CONFIG % ("  token_file: %s\n" % empty))
        done = subprocess.run([binary, "run", "--config", config], capture_output=True,
                              text=True, timeout=60)
        check("run with an empty token file is refused: %s" % done.stderr.strip(),
              done.returncode != 0 and
              re.search(re.escape(config) + r":5:\d+: http\.token_file: .*empty",
                        done.stderr) is not None)

        done = subprocess.run([binary, "demo", "--days", "1", "--seconds", "5",
                               "--http", "0.0.0.0:0"], capture_output=True, text=True,
                              timeout=60)
        check("demo --http 0.0.0.0:0 without a token is refused: %s" % done.stderr.strip(),
              done.returncode != 0 and "--http: serving HTTP on 0.0.0.0:0" in done.stderr
              and "--http-token-file" in done.stderr)

        token = os.path.join(tmp, "token")
        with open(token, "w") as f:
            f.write("s3cret-token\n")
        demo = subprocess.Popen([binary, "demo", "--days", "1", "--seconds", "5",
                                 "--orders-per-day", "100", "--http", "0.0.0.0:0",
                                 "--http-token-file", token, "--keep-serving"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = None
            for line in demo.stdout:
                m = re.match(r"dashboard: http://[^ ]*:(\d+)/", line)
                if m:
                    port = int(m.group(1))
                    break
            check("the demo serves on 0.0.0.0 with a token (port %s)" % port, port is not None)
            if port is not None:
                base = "http://127.0.0.1:%d/" % port
                for path in ["", "api/metrics", "api/escalations", "metrics"]:
                    check("GET /%s without the token: 401" % path, status_of(base + path) == 401)
                    check("GET /%s with a wrong token: 401" % path,
                          status_of(base + path, "s3cret-tokeN") == 401)
                check("GET / with the token: 200", status_of(base, "s3cret-token") == 200)
                check("GET /api/escalations with the token: 200",
                      status_of(base + "api/escalations", "s3cret-token") == 200)
                # The orchestrator's probes carry no header (the demo has no
                # health routes: its answer is a 404, not a 401).
                for path in ["healthz", "readyz"]:
                    check("GET /%s without the token: not 401" % path,
                          status_of(base + path) == 404)
                check("GET /readyz/history without the token: 401",
                      status_of(base + "readyz/history") == 401)
                # inspect sends the token of --token-file.
                asked = subprocess.run([binary, "inspect", "NO-SUCH-ORDER", "--url", base,
                                        "--token-file", token],
                                       capture_output=True, text=True, timeout=30)
                check("inspect --token-file gets past the token: %s" % asked.stderr.strip(),
                      asked.returncode == 1 and "is not known" in asked.stderr)
                asked = subprocess.run([binary, "inspect", "NO-SUCH-ORDER", "--url", base],
                                       capture_output=True, text=True, timeout=30)
                check("inspect without it is told 401: %s" % asked.stderr.strip(),
                      asked.returncode == 1 and "401" in asked.stderr)
        finally:
            demo.send_signal(signal.SIGTERM)
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                demo.kill()
                demo.wait()
    failed = len(dashboard_test.failures)
    print("%d passed, %d failed" % (dashboard_test.checks - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
