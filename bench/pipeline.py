"""The core pipeline done the way the chapter does it, in Python: json.loads, a list for the
rolling window, csv.writer into a StringIO. Baseline for `bench/pipeline`.

Usage: python3 bench/pipeline.py [MESSAGES]   (prints one JSON line)
"""
import csv
import io
import json
import sys
import time
from datetime import datetime


def payloads():
    """The same payload mix as benches/pipeline.rs: four boards, firmware-style JSON."""
    out = []
    for i in range(1024):
        board = "ABCD"[i % 4]
        temp = 20 + (i * 7) % 11
        humid = 40 + (i * 13) % 31
        if i % 8 == 7:
            out.append(('{"board": "%s", "temperature": %d.5, "humidity": %d, '
                        '"timestamp": %d}' % (board, temp, humid, 817349415 + i)).encode())
        else:
            out.append(('{"board": "%s", "temperature": %d, "humidity": %d, '
                        '"timestamp": %d}' % (board, temp, humid, 817349415 + i)).encode())
    return out


def run(n):
    msgs = payloads()
    sink = io.StringIO()
    writer = csv.writer(sink)
    history = {}
    alerts = {}
    start = time.perf_counter()
    for i in range(n):
        payload = msgs[i % len(msgs)]
        data = json.loads(payload.decode())
        board = data.get("board", "Unknown")
        temp = data.get("temperature")
        humid = data.get("humidity")
        light = data.get("light")
        if not (-40 <= temp <= 125 and 0 <= humid <= 100):
            continue
        h = history.setdefault(board, [])
        h.append((temp, humid))
        if len(h) > 100:
            del h[0]
        window = [t for t, _ in h[-5:]]
        avg = sum(window) / len(window)
        comfort = "too cold" if temp < 18 else "too hot" if temp > 28 else "comfortable"
        active = alerts.get(board, False)
        alerts[board] = temp >= 25 if not active else temp >= 24
        timestamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([timestamp, board, temp, humid, light])
        if sink.tell() > 1 << 20:
            sink.seek(0)
            sink.truncate()
    elapsed = time.perf_counter() - start
    return elapsed, avg, comfort


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    elapsed, _, _ = run(n)
    print(json.dumps({"impl": "python", "messages": n, "seconds": elapsed,
                      "msgs_per_sec": n / elapsed}))
