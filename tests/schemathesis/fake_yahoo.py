#!/usr/bin/env python3
"""A stand-in for Yahoo Finance on a local port, for the schemathesis run: every symbol is
known, with the recorded responses of assets/yahoo (a profile, a quote and ten daily bars)
under its own name; search answers the recorded search. The session routes hand out a cookie
and a crumb as Yahoo's do. Nothing here reaches the internet.

    fake_yahoo.py PORT ASSETS_DIR
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

port, assets = int(sys.argv[1]), Path(sys.argv[2])
RECORDED = {name: (assets / f"{name}.json").read_text() for name in
            ("chart_TEST_1d_history", "quoteSummary_TEST", "quote_TEST", "search_test")}
NOT_FOUND = json.dumps({"finance": {"result": None, "error": {
    "code": "Not Found", "description": "HTTP 404 Not Found"}}})


def as_symbol(body, symbol):
    # Symbols are letters, digits and .-^=_, none of which needs escaping in JSON.
    return body.replace('"TEST"', json.dumps(symbol))


class Yahoo(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.split("/") if p]
        query = parse_qs(url.query)
        status, body, kind, headers = 200, None, "application/json", {}
        if not parts:
            status, body, kind = 404, "<html>not here</html>", "text/html"
            headers["Set-Cookie"] = "A3=d=fakesession; Path=/; HttpOnly"
        elif parts == ["v1", "test", "getcrumb"]:
            body, kind = "Fk3crumbX9a", "text/plain"
        elif parts[:3] == ["v8", "finance", "chart"] and len(parts) == 4:
            body = as_symbol(RECORDED["chart_TEST_1d_history"], parts[3])
        elif parts[:3] == ["v10", "finance", "quoteSummary"] and len(parts) == 4:
            body = as_symbol(RECORDED["quoteSummary_TEST"], parts[3])
        elif parts == ["v7", "finance", "quote"]:
            symbol = query.get("symbols", ["TEST"])[0].split(",")[0]
            body = as_symbol(RECORDED["quote_TEST"], symbol)
        elif parts == ["v1", "finance", "search"]:
            body = RECORDED["search_test"]
        else:
            status, body = 404, NOT_FOUND
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Yahoo).serve_forever()
