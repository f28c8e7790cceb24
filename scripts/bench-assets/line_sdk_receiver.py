"""The baseline a team would otherwise deploy: a minimal LINE webhook receiver on LINE's official Python
SDK (its WebhookParser verifies the signature and parses), storing each event in SQLite (WAL,
synchronous=FULL, insert-or-ignore on webhookEventId) and committing before it answers 200.
Run under gunicorn: BENCH_CHANNEL_SECRET=... BENCH_DB=... gunicorn -w 2 line_sdk_receiver:app"""
import os
import sqlite3

from flask import Flask, abort, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser

app = Flask(__name__)
parser = WebhookParser(os.environ["BENCH_CHANNEL_SECRET"])
db = sqlite3.connect(os.environ["BENCH_DB"], isolation_level=None, check_same_thread=False)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("PRAGMA busy_timeout=10000")
db.execute("CREATE TABLE IF NOT EXISTS inbox (event_id TEXT PRIMARY KEY, type TEXT, body TEXT)")
print("synchronous =", db.execute("PRAGMA synchronous").fetchone()[0], flush=True)


@app.post("/webhook")
def webhook():
    signature = request.headers.get("x-line-signature", "")
    body = request.get_data(as_text=True)
    try:
        events = parser.parse(body, signature)
    except InvalidSignatureError:
        abort(401)
    db.execute("BEGIN IMMEDIATE")
    for event in events:
        db.execute("INSERT OR IGNORE INTO inbox VALUES (?, ?, ?)", (event.webhook_event_id, event.type, event.to_json()))
    db.execute("COMMIT")
    return "OK"
