"""A TCP proxy on 127.0.0.1 between the engines and the broker, which can
delay what it forwards and cut every connection it carries.

The broker advertises the proxy's port for its PROXIED listener
(deploy/kafka/local-broker.sh, ORDERFLOW_KAFKA_PROXY_PORT), so a client
that bootstraps through the proxy keeps going through it. Only the
standard library; threads, one pair per connection.
"""

import socket
import struct
import threading
import time


class Proxy:
    def __init__(self):
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self.target = None  # (host, port) of the broker's PROXIED listener
        self.delay = 0.0  # seconds added before each chunk is forwarded
        self._refuse_until = 0.0
        self._lock = threading.Lock()
        self._conns = set()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def address(self):
        return "127.0.0.1:%d" % self.port

    def cut(self, refuse_seconds=0.0):
        """Closes every connection at once (as a reset), and refuses new
        ones for `refuse_seconds`."""
        with self._lock:
            self._refuse_until = time.time() + refuse_seconds
            conns, self._conns = self._conns, set()
        for s in conns:
            _abort(s)

    def close(self):
        self._closed = True
        self.cut()
        try:
            self._listener.close()
        except OSError:
            pass

    def _accept(self):
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if time.time() < self._refuse_until or self.target is None:
                _abort(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _abort(client)
                continue
            with self._lock:
                self._conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if self.delay > 0:
                    time.sleep(self.delay)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)
            _abort(src)
            _abort(dst)


def _abort(s):
    """Drops a connection: no lingering on unsent data; the shutdown wakes
    the thread blocked reading it."""
    for step in (lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0)),
                 lambda: s.shutdown(socket.SHUT_RDWR),
                 s.close):
        try:
            step()
        except OSError:
            pass
