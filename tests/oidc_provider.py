"""An OpenID provider on loopback for the tests, written to the specification's core: a
discovery document, a JWKS, an authorization step the test drives (``authorize``), a
token endpoint (client secret, single-use codes, PKCE S256, redirect URI) that signs real
RS256 ID tokens, and a userinfo endpoint.

Knobs for the bad cases: ``id_token_changes`` (claims to override, e.g. an expiry in the
past or another audience) and ``signing_key`` (sign with another key under the same
``kid``)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self, *, client_id: str = "kia", client_secret: str = "s3cret") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = new_key()
        self.signing_key = self.key
        self.id_token_changes: dict = {}
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}
        self.token_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "end_session_endpoint": f"{self.url}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def authorize(self, params: dict[str, list[str]], claims: dict) -> str:
        """The person logs in at the provider: a code for these claims."""
        assert params["client_id"] == [self.client_id]
        assert params["response_type"] == ["code"]
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "claims": dict(claims),
            "nonce": params["nonce"][0],
            "challenge": params["code_challenge"][0],
            "method": params["code_challenge_method"][0],
            "redirect_uri": params["redirect_uri"][0],
        }
        return code

    def _token(self, form: dict[str, str]) -> tuple[int, dict]:
        self.token_requests += 1
        if form.get("client_id") != self.client_id or not secrets.compare_digest(
            form.get("client_secret", ""), self.client_secret
        ):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if grant["method"] != "S256" or digest.rstrip(b"=").decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        now = int(time.time())
        claims = grant["claims"]
        id_claims = {
            "iss": self.url,
            "aud": self.client_id,
            "sub": claims["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **{k: v for k, v in claims.items() if k in ("email", "email_verified")},
            **self.id_token_changes,
        }
        id_token = jwt.encode(id_claims, self.signing_key, algorithm="RS256", headers={"kid": KID})
        access = secrets.token_urlsafe(16)
        self.access[access] = claims
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    return self._send(200, provider.discovery())
                if self.path == "/jwks":
                    return self._send(200, provider.jwks())
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.access.get(token)
                    if claims is None:
                        return self._send(401, {"error": "invalid_token"})
                    return self._send(200, claims)
                return self._send(404, {"error": "not_found"})

            def do_POST(self):
                if self.path != "/token":
                    return self._send(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                return self._send(*provider._token(form))

        return Handler
