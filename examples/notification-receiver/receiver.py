#!/usr/bin/env python3
"""A seller's notification endpoint for trying Meterline's subscription notifications.

Listens on 127.0.0.1:PORT (first argument, 9182 unless given), answers every POST with 200 and
prints one line per notification: the action of an SNS message (its JSON Message), or the
detail-type of an EventBridge event. Standard library only.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        try:
            event = json.loads(body)
        except ValueError:
            print("receiver: a body that is not JSON", flush=True)
            return
        if "Message" in event:
            message = json.loads(event["Message"])
            print(
                "receiver: %s for %s of %s"
                % (message["action"], message["customer-identifier"], message["product-code"]),
                flush=True,
            )
        else:
            print("receiver: %s" % event.get("detail-type"), flush=True)

    def log_message(self, *args):
        pass  # one line per notification, printed above


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9182
    server = HTTPServer(("127.0.0.1", port), Receiver)
    print("receiver: listening on http://127.0.0.1:%d/" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
