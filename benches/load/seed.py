#!/usr/bin/env python3
"""Seeds a running `finances serve` through its API: one user, 100 investment accounts with
20 holdings each (securities and daily closes inserted with psql, as a price sync would store
them). Prints `TOKEN ACCOUNT_ID` for the load run."""

import json
import subprocess
import sys
import urllib.request
import uuid

base, db_url = sys.argv[1], sys.argv[2]
ACCOUNTS, HOLDINGS = 100, 20


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")


call("POST", "/api/v1/auth/register",
     {"email": "load@example.com", "username": "load", "password": "load-password"})
token = call("POST", "/api/v1/auth/login",
             {"username": "load", "password": "load-password"})["access_token"]

# Securities and three daily closes each.
ids = [str(uuid.uuid4()) for _ in range(HOLDINGS)]
sql = ["BEGIN;"]
for i, sid in enumerate(ids):
    sql.append(
        f"INSERT INTO securities (id, symbol, name, exchange, currency, security_type, "
        f"created_at, updated_at) VALUES ('{sid}', 'LOAD{i:02d}', 'Load Test {i}', 'NMS', "
        f"'USD', 'equity', now(), now());")
    for d in range(3):
        sql.append(
            f"INSERT INTO security_prices VALUES ('{sid}', '1d', "
            f"'2024-01-0{d + 2}T21:00:00Z', 100, 101, 99, {100 + i + d}, {100 + i + d}, 1000);")
# As the store does after writing a security's bars: its two newest closes kept in its row.
sql.append(
    "UPDATE securities SET last_close = (SELECT p.close FROM security_prices AS p "
    "WHERE p.security_id = securities.id AND p.interval = '1d' ORDER BY p.timestamp DESC LIMIT 1), "
    "last_close_at = (SELECT p.timestamp FROM security_prices AS p "
    "WHERE p.security_id = securities.id AND p.interval = '1d' ORDER BY p.timestamp DESC LIMIT 1), "
    "previous_close = (SELECT p.close FROM security_prices AS p "
    "WHERE p.security_id = securities.id AND p.interval = '1d' "
    "ORDER BY p.timestamp DESC LIMIT 1 OFFSET 1);")
sql.append("COMMIT;")
subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", db_url], input="\n".join(sql),
               text=True, check=True)

first = None
for a in range(ACCOUNTS):
    acc = call("POST", "/api/v1/accounts",
               {"name": f"Account {a:03d}", "account_type": "brokerage",
                "is_investment_account": True}, token)
    first = first or acc["id"]
    call("POST", f"/api/v1/accounts/{acc['id']}/values",
         {"balance": "10000.00", "cash_balance": "500.00"}, token)
    for h, sid in enumerate(ids):
        call("POST", f"/api/v1/accounts/{acc['id']}/holdings",
             {"security_id": sid, "shares": h + 1, "average_price_per_share": "95.5",
              "timestamp": "2024-01-05T00:00:00Z"}, token)
print(token, first)
