"""quote-service: a paid container product written in Python, with the standard library only.

It meters through the Meterline agent, which runs beside it in the same task or pod (a second
container) and does the entitlement check, the durable spool and the hourly MeterUsage records.
The product only asks the agent, on localhost:

  GET  /v1/status                                  at start: is the agent up, and entitled?
  POST /v1/usage {"dimension": "Quotes", "quantity": 1}   for every quote served

A quote is served only after the agent has recorded its usage (200), so a crash loses nothing that
was served. Configuration: METERLINE_AGENT_URL (default http://127.0.0.1:9181), QUOTES_PORT
(default 8090).
"""

import json
import os
import random
import signal
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AGENT = os.environ.get("METERLINE_AGENT_URL", "http://127.0.0.1:9181").rstrip("/")
PORT = int(os.environ.get("QUOTES_PORT", "8090"))
QUOTES = [
    "Measure twice, bill once.",
    "An hour not metered is an hour not paid.",
    "Every record counts, exactly once.",
]


def agent(method, path, body=None):
    """Calls the agent; returns (status, parsed JSON body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(AGENT + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def wait_for_agent(seconds=120):
    """The agent's status once it is up; exits 3 if it never comes (it exits when not entitled)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, body = agent("GET", "/v1/status")
            if status == 200:
                return body
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    print("quote-service: the Meterline agent did not come up at " + AGENT, file=sys.stderr)
    sys.exit(3)


class Quotes(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/quote":
            status, body = agent("POST", "/v1/usage", {"dimension": "Quotes", "quantity": 1})
            if status != 200:
                self.answer(503, {"error": "cannot meter this quote", "agent": body})
                return
            self.answer(200, {"quote": random.choice(QUOTES)})
        elif self.path == "/status":
            self.answer(*agent("GET", "/v1/status"))
        else:
            self.answer(404, {"error": "no route " + self.path})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    status = wait_for_agent()
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Quotes)
    def stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print("quote-service: %s (%s) via the agent; listening on http://127.0.0.1:%d"
          % (status["productCode"], status["tier"], PORT), flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
