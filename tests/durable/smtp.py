"""A tiny SMTP server on loopback, to fake a mail server's failures at the SMTP level.

``refuse`` first messages are answered 451 at the end of DATA (a temporary failure, as a mail
server that is overloaded answers); with ``stall`` the server never answers the DATA, as a mail
server that hangs, and ``stalled`` is set. ``delivered`` holds the messages it accepted."""

import socketserver
import threading


class FakeSMTP:
    def __init__(self, *, refuse: int = 0, stall: bool = False):
        self.refuse = refuse
        self.stall = stall
        self.delivered: list[bytes] = []
        self.refused = 0
        self.stalled = threading.Event()
        self.release = threading.Event()
        smtp = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                smtp._session(self.rfile, self.wfile)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _session(self, rfile, wfile):
        def say(line):
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        try:
            say("220 fake.smtp ready")
            while line := rfile.readline():
                command = line.decode(errors="replace").strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    say("250 fake.smtp")
                elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                    say("250 OK")
                elif command == "DATA":
                    say("354 go ahead")
                    message = b""
                    while (chunk := rfile.readline()) and chunk != b".\r\n":
                        message += chunk
                    if self.stall:
                        self.stalled.set()
                        self.release.wait(120)
                        return
                    if self.refused < self.refuse:
                        self.refused += 1
                        say("451 4.3.0 try again later")
                    else:
                        self.delivered.append(message)
                        say("250 accepted")
                elif command == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("502 not implemented")
        except (TimeoutError, ConnectionError):
            return
