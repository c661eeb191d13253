#!/usr/bin/env python3
"""A token service for the distribution registry's `auth: token` mode, for mfc's tests.

Usage: token-service.py DIR USER:PASSWORD ISSUER SERVICE

Makes an RSA key and its self-signed certificate (DIR/key.pem, DIR/cert.pem: the registry's
rootcertbundle) with the openssl command, writes the port it listens on to DIR/port, then serves
GET /token?service=...&scope=... until killed. A request with the right basic credentials gets a
JWT signed RS256 whose header carries the certificate as x5c (how registry 2.8 finds the key)
and whose `access` grants every scope asked for; anything else gets a 401. Each token request's
scopes are appended to DIR/token-requests.log, one line per request, so tests can count them."""
import base64, json, os, subprocess, sys, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

folder, credentials, issuer, service = sys.argv[1:5]
key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                "-days", "2", "-subj", "/CN=mfc-test-token-issuer"], check=True, capture_output=True)
der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True, capture_output=True).stdout
expected = "Basic " + base64.b64encode(credentials.encode()).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def access(scope):
    """`repository:team/model:pull,push` -> a claim entry (the name may not hold a colon)."""
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    return {"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]}


def token(user, scopes):
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    claims = {"iss": issuer, "sub": user, "aud": service, "iat": now, "nbf": now - 10, "exp": now + 300,
              "jti": b64url(os.urandom(12)), "access": [access(s) for s in scopes]}
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input,
                               check=True, capture_output=True).stdout
    return signing_input.decode() + "." + b64url(signature)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args): pass

    def send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        scopes = [s for value in query.get("scope", []) for s in value.split(" ") if s]
        with open(os.path.join(folder, "token-requests.log"), "a") as log:
            log.write(" ".join(sorted(scopes)) + "\n")
        if url.path != "/token" or query.get("service") != [service]:
            return self.send(400, b'{"errors":[{"code":"DENIED","message":"unknown service"}]}')
        if self.headers.get("Authorization") != expected:
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
        body = json.dumps({"token": token(credentials.split(":")[0], scopes), "expires_in": 300}).encode()
        self.send(200, body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(folder, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
server.serve_forever()
