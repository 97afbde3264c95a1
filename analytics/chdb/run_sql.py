"""Runs SQL statements on chdb (ClickHouse in-process, a current release) for analytics' engine test.

Reads JSON from stdin: {"statements": ["...", ...]}; prints JSON: one {"ok": bool, "result"|"error"}
per statement, in order. Results are JSONEachRow text. Stops nothing on error: every statement runs.
"""
import json
import sys

from chdb import session

def main() -> None:
    request = json.load(sys.stdin)
    db = session.Session()
    out = [{"version": db.query("SELECT version()", "CSV").data().strip().strip('"')}]
    for statement in request["statements"]:
        try:
            result = db.query(statement, "JSONEachRow")
            out.append({"ok": True, "result": result.data() if result is not None else ""})
        except Exception as error:  # the test reports which statement failed and why
            out.append({"ok": False, "error": str(error)[:2000]})
    json.dump(out, sys.stdout)

if __name__ == "__main__":
    main()
