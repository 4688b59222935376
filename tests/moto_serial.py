"""moto's server, serving one request at a time.

moto applies a TransactWriteItems by snapshotting the tables and restoring the snapshot if a
condition fails. Under its default threaded server, a failing transaction can therefore undo a
concurrent one that succeeded, which real DynamoDB never does (each request is atomic). Served
serially, every request is atomic again, so the race tests exercise our conditions and
transactions rather than the emulator's locking. Usage: moto_serial.py HOST PORT
"""

import signal
import sys

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
