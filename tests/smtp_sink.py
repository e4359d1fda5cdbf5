"""A real SMTP server for the tests (aiosmtpd, on loopback): every message
it accepts is written to OUTDIR as NNNN.eml; a recipient whose local part
starts with "reject" is refused with 550 (a permanent failure).

    python3 tests/smtp_sink.py PORT OUTDIR [starttls|tls CERT KEY]

With "starttls" the server offers STARTTLS and requires it before MAIL;
with "tls" it speaks TLS from the first byte (port 465 style).

It prints "ready" when it listens and stops when its stdin closes.
"""
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.outdir, "%04d.eml" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Ok: queued"


def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    kwargs = {}
    if len(sys.argv) == 6:
        import ssl

        mode, cert, key = sys.argv[3:6]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if mode == "starttls":
            kwargs["server_kwargs"] = {"tls_context": context, "require_starttls": True}
        else:
            kwargs["ssl_context"] = context
    controller = Controller(Sink(outdir), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
