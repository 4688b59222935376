"""moto's server, serving one request at a time, recording the SNS Publish requests it gets.

moto applies a TransactWriteItems by snapshotting the tables and restoring the snapshot if a
condition fails. Under its default threaded server, a failing transaction can therefore undo a
concurrent one that succeeded, which real DynamoDB never does (each request is atomic). Served
serially, every request is atomic again, so the race tests exercise our conditions and
transactions rather than the emulator's locking.

moto keeps the phone number and text of an SMS but drops its message attributes (sender ID,
DLT entity and template ids, max price). The wrapper below keeps each Publish request's
parameters as sent, served at `GET /_capture/sns-publish`, so the tests can check what the SNS
adapter really put on the wire. Usage: moto_serial.py HOST PORT
"""

import io
import json
import signal
import sys
from urllib.parse import parse_qs

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

CAPTURE_PATH = "/_capture/sns-publish"


class PublishCapture:
    """WSGI middleware: records form-encoded `Action=Publish` bodies, then passes them on."""

    def __init__(self, app):
        self.app = app
        self.published = []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == CAPTURE_PATH:
            body = json.dumps(self.published).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if environ.get("REQUEST_METHOD") == "POST" and length:
            raw = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(raw)
            if b"Action=Publish" in raw:
                params = parse_qs(raw.decode("utf-8", "replace"))
                self.published.append({k: v[0] for k, v in params.items()})
        return self.app(environ, start_response)


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = PublishCapture(DomainDispatcherApplication(create_backend_app))
    run_simple(host, port, app, threaded=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
