#!/usr/bin/env python3
"""A deliberately bad registry for mfc's tests: bearer-token auth in front of one model whose
model blob is served with a flipped byte. Usage: fake-registry.py PORTFILE USER:PASSWORD.
Writes the port it listens on to PORTFILE, then serves until killed."""
import base64, hashlib, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, credentials = sys.argv[1], sys.argv[2]
TOKEN = "fake-token-123"
good = b"model bytes " * 5000
corrupt = bytearray(good); corrupt[7] ^= 1
config = b'{"model_format":"gguf","model_family":"llama"}'
def digest(b): return "sha256:" + hashlib.sha256(b).hexdigest()
blobs = {digest(good): bytes(corrupt), digest(config): config}
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": digest(config), "size": len(config)},
    "layers": [{"mediaType": "application/vnd.ollama.image.model", "digest": digest(good), "size": len(good)}]},
    separators=(",", ":")).encode()

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def do_HEAD(self): self.do_GET()
    def do_GET(self):
        host = self.headers.get("Host")
        if self.path.startswith("/token"):
            expected = "Basic " + base64.b64encode(credentials.encode()).decode()
            if self.headers.get("Authorization") != expected: return self.send(401)
            return self.send(200, json.dumps({"token": TOKEN}).encode())
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = f'Bearer realm="http://{host}/token",service="fake",scope="repository:test/bad:pull"'
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"token needed"}]}', [("WWW-Authenticate", challenge)])
        if self.path == "/v2/test/bad/manifests/latest":
            return self.send(200, manifest, [("Content-Type", "application/vnd.docker.distribution.manifest.v2+json"),
                                             ("Docker-Content-Digest", digest(manifest))])
        for d, body in blobs.items():
            if self.path == "/v2/test/bad/blobs/" + d: return self.send(200, body)
        self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}')

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file, "w") as f: f.write(str(server.server_address[1]))
server.serve_forever()
