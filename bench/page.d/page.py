"""Benchmark of the page of `hexaboard serve` in a real browser (headless Chromium driven by
chromedriver through selenium), against a private mosquitto on loopback.

1. latency: `serve` (no --record) with one page open; a paho publisher sends readings of board
   A at a steady rate, each with its own temperature; a MutationObserver in the page notes when
   the card's temperature text changes (performance.timeOrigin + performance.now(), the wall
   clock), matched to the time just before each publish (time.time(), the same clock).
2. chart: a SQLite store seeded with the chapter's CSV of one board over the last 7 days
   (`hexaboard import`), `serve` reading it; `GET /api/boards/A/readings?range=7d&points=2000`
   timed against the sqlite3 shell's count, min and max of the same board's rows, in turns;
   then the page loaded several times, 7 d clicked, and the charts' `data-drawn-ms` (fetch
   start to draw end) and `data-points` read.

Run through bench/page, which prepares the virtualenv and the release build. See bench/README.md.
"""

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "e2e.d"))

from broker import Broker, free_port, memory_kib  # noqa: E402

import paho.mqtt.client as mqtt  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WEEK = 7 * 86400

# Notes each new text of board A's temperature with the wall-clock time it appeared.
OBSERVER = """
window.__seen = [];
let last = null;
const look = () => {
  const el = document.querySelector('[data-board="A"] [data-field="temperature"]');
  if (!el) return;
  const text = el.textContent;
  if (text !== last) {
    last = text;
    window.__seen.push([text, performance.timeOrigin + performance.now()]);
  }
};
new MutationObserver(look).observe(document.getElementById('boards'),
  { childList: true, subtree: true, characterData: true });
look();
"""


def parse_args():
    p = argparse.ArgumentParser(prog="bench/page", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["latency", "chart"], help="one part only [both]")
    p.add_argument("--rate", type=float, default=10.0, help="readings per second in the latency part [10]")
    p.add_argument("--seconds", type=float, default=60.0, help="length of the latency part [60]")
    p.add_argument("--readings", type=int, default=120_000, help="readings of board A seeded over 7 days [120,000]")
    p.add_argument("--requests", type=int, default=12, help="timed API requests (and sqlite3 runs) [12]")
    p.add_argument("--loads", type=int, default=5, help="page loads timed for the 7 d chart [5]")
    p.add_argument("--hexaboard", default=os.path.join(ROOT, "target/release/hexaboard"))
    p.add_argument("--out", default=os.path.join(ROOT, "bench/out"))
    return p.parse_args()


def environment():
    def run(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return None
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "host": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg()[0],
        "commit": run("git", "rev-parse", "--short", "HEAD"),
        "dirty": bool(run("git", "status", "--porcelain", "--untracked-files=no")),
        "chromium": run(CHROMIUM, "--version"),
        "python": platform.python_version(),
    }


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))
    return values[k]


class Serve:
    """`hexaboard serve` on a free loopback port, pointed at `broker`, in `workdir`."""

    def __init__(self, hexaboard, broker, workdir, store=None):
        self.port = free_port()
        env = dict(os.environ)
        for name in ("MQTT_USER", "MQTT_PASSWORD", "MQTT_CA_FILE", "MQTT_TLS_INSECURE", "MQTT_VERSION",
                     "HEXABOARD_TOKEN", "TOPIC_SENSOR", "TOPIC_STATUS", "MQTT_QOS"):
            env.pop(name, None)
        env.update(MQTT_BROKER="127.0.0.1", MQTT_PORT=str(broker.port), MQTT_TLS="off", HEXABOARD_LANG="en",
                   CSV_FILE=os.path.join(workdir, "sensor_data.csv"),
                   MQTT_CLIENT_ID=f"page-serve-{os.getpid()}-{time.monotonic_ns()}")
        if store:
            env["STORE"] = store
        self.log = os.path.join(workdir, "serve.log")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([hexaboard, "serve", "--listen", f"127.0.0.1:{self.port}"], env=env,
                                         cwd=workdir, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while broker.subscriptions() < 1:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                with open(self.log, errors="replace") as f:
                    raise SystemExit(f"hexaboard serve did not subscribe: {f.read()[-600:]}")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.port}/"

    def peak_rss_kib(self):
        return memory_kib(self.proc.pid)[1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT, as Ctrl+C
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Publisher:
    """paho-mqtt on the private broker, its network loop on a thread of its own."""

    def __init__(self, broker):
        self.client = mqtt.Client(client_id=f"page-pub-{os.getpid()}", clean_session=True)
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()

    def reading(self, board, temperature, humidity=50, timestamp=817349420):
        """Publishes at QoS 0 and returns time.time() taken just before."""
        payload = '{"board": "%s", "temperature": %s, "humidity": %d, "timestamp": %d}' % (
            board, temperature, humidity, timestamp)
        at = time.time()
        self.client.publish(f"hexaboard/{board}/sensor/data", payload, qos=0)
        return at

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def browser(workdir):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-component-update", "--disable-sync", "--window-size=1600,1000",
                f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-', dir=workdir)}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def temperature_text(card_text):
    """`20.37°C` -> 20.37."""
    return float(card_text.replace("°C", "").strip())


def wait_for_card_text(driver, text, timeout=20):
    WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(
        "const el = document.querySelector('[data-board=\"A\"] [data-field=\"temperature\"]');"
        "return el && el.textContent;") == text)


def clock_check(driver):
    """The page's clock (timeOrigin + now) minus time.time(), from the tightest of 20 tries."""
    best = None
    for _ in range(20):
        before = time.time()
        page = driver.execute_script("return performance.timeOrigin + performance.now();") / 1000
        after = time.time()
        if best is None or after - before < best[1]:
            best = (page - (before + after) / 2, after - before)
    return {"offset_ms": round(best[0] * 1000, 3), "round_trip_ms": round(best[1] * 1000, 3)}


def latency(args, scratch):
    with tempfile.TemporaryDirectory(dir=scratch) as workdir:
        broker = Broker(workdir)
        serve = driver = publisher = None
        try:
            serve = Serve(args.hexaboard, broker, workdir)
            publisher = Publisher(broker)
            driver = browser(workdir)
            driver.get(serve.url)
            # A first reading proves the page's event stream is open before the clock starts.
            publisher.reading("A", "30.5")
            wait_for_card_text(driver, "30.5°C")
            clock = clock_check(driver)
            driver.execute_script(OBSERVER)
            total = int(args.rate * args.seconds)
            print(f"  latency: {total} readings at {args.rate:g}/s to one page ...", file=sys.stderr)
            sent = {}
            start = time.monotonic()
            for i in range(total):
                due = start + i / args.rate
                while (now := time.monotonic()) < due:
                    time.sleep(min(due - now, 0.005))
                value = f"{20 + i / 100:.2f}"
                sent[round(float(value) * 100)] = publisher.reading("A", value, timestamp=817349420 + 5 * i)
            last = f"{20 + (total - 1) / 100:.2f}°C"
            try:
                wait_for_card_text(driver, last, timeout=10)
            except Exception:
                pass  # counted as not shown below
            seen = driver.execute_script("return window.__seen;")
            peak = serve.peak_rss_kib()
        finally:
            if driver is not None:
                driver.quit()
            if publisher is not None:
                publisher.close()
            if serve is not None:
                serve.stop()
            broker.stop()
    shown = {}
    for text, at_ms in seen:
        key = round(temperature_text(text) * 100)
        if key in sent and key not in shown:
            shown[key] = at_ms / 1000
    lat = sorted((shown[k] - sent[k]) * 1000 for k in shown)
    return {
        "rate": args.rate, "seconds": args.seconds, "sent": len(sent), "shown": len(lat),
        "skipped": len(sent) - len(lat),
        "median_ms": statistics.median(lat) if lat else None, "p99_ms": percentile(lat, 99),
        "max_ms": lat[-1] if lat else None, "min_ms": lat[0] if lat else None,
        "clock": clock, "serve_peak_rss_kib": peak,
    }


def chapter_csv(path, readings, now):
    """`readings` rows of board A evenly over the 7 days before `now`: the chapter's CSV (local
    times, CRLF lines), temperatures and humidities drifting through the day."""
    step = WEEK / readings
    with open(path, "w", newline="") as f:
        f.write("Timestamp,Board,Temperature,Humidity,Light\r\n")
        for i in range(readings):
            at = now - WEEK + (i + 1) * step
            day = 2 * math.pi * at / 86400
            temperature = round(22 + 4 * math.sin(day) + (i % 7) * 0.1, 1)
            humidity = round(55 + 10 * math.cos(day)) + i % 3
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))
            f.write(f"{stamp},A,{temperature:g},{humidity},\r\n")


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def chart(args, scratch):
    with tempfile.TemporaryDirectory(dir=scratch) as workdir:
        csv_path = os.path.join(workdir, "week.csv")
        db = os.path.join(workdir, "readings.db")
        print(f"  chart: seeding {args.readings:,} readings of board A over 7 days ...", file=sys.stderr)
        chapter_csv(csv_path, args.readings, time.time() - 60)
        env = dict(os.environ, STORE=db, HEXABOARD_LANG="en")
        imported = subprocess.run([args.hexaboard, "import", csv_path], env=env, cwd=workdir,
                                  capture_output=True, text=True)
        if imported.returncode:
            raise SystemExit(f"hexaboard import failed: {imported.stderr.strip()}")
        sql = "SELECT count(*), min(temperature), max(temperature) FROM readings WHERE board='A'"
        rows = int(subprocess.run(["sqlite3", db, sql], capture_output=True, text=True,
                                  check=True).stdout.split("|")[0])
        broker = Broker(workdir)
        serve = driver = publisher = None
        try:
            serve = Serve(args.hexaboard, broker, workdir, store=db)
            api = f"{serve.url}api/boards/A/readings?range=7d&points=2000"
            api_s, sqlite_s, answer = [], [], None
            print(f"  chart: {args.requests} API requests and sqlite3 runs, in turns ...", file=sys.stderr)
            for _ in range(args.requests):
                seconds, body = timed(lambda: urllib.request.urlopen(api, timeout=60).read())
                api_s.append(seconds)
                answer = json.loads(body)
                seconds, _ = timed(lambda: subprocess.run(["sqlite3", db, sql], capture_output=True, check=True))
                sqlite_s.append(seconds)
            # A live reading makes board A's card, which the page selects for its charts.
            publisher = Publisher(broker)
            publisher.reading("A", "22.5")
            print(f"  chart: {args.loads} page loads, 7 d clicked ...", file=sys.stderr)
            driver = browser(workdir)
            loads = []
            for _ in range(args.loads):
                loads.append(chart_load(driver, serve.url))
            peak = serve.peak_rss_kib()
        finally:
            if driver is not None:
                driver.quit()
            if publisher is not None:
                publisher.close()
            if serve is not None:
                serve.stop()
            broker.stop()
    ratios = [a / s for a, s in zip(api_s, sqlite_s)]
    return {
        "readings_seeded": args.readings, "rows_in_store": rows,
        "api": {"url_path": "/api/boards/A/readings?range=7d&points=2000",
                "median_s": statistics.median(api_s), "seconds": api_s,
                "readings": answer["readings"], "points": len(answer["temperature"]["t"])},
        "sqlite3": {"sql": sql, "median_s": statistics.median(sqlite_s), "seconds": sqlite_s},
        "api_over_sqlite3": {"median": statistics.median(ratios), "range": [min(ratios), max(ratios)]},
        "page": {"loads": loads,
                 "temperature_drawn_ms_median": statistics.median(l["temperature_drawn_ms"] for l in loads),
                 "humidity_drawn_ms_median": statistics.median(l["humidity_drawn_ms"] for l in loads)},
        "serve_peak_rss_kib": peak,
    }


CHARTS = ("temperature", "humidity")


def chart_load(driver, url):
    """One page load: the first chart (24 h) drawn, its marks cleared, 7 d clicked, both charts
    drawn again."""
    driver.get(url)
    drawn = "return ['temperature', 'humidity'].every(s => document.getElementById('chart-' + s).dataset.drawnMs);"
    WebDriverWait(driver, 60, poll_frequency=0.02).until(lambda d: d.execute_script(drawn))
    driver.execute_script("for (const s of ['temperature', 'humidity']) "
                          "delete document.getElementById('chart-' + s).dataset.drawnMs;")
    driver.find_element(By.CSS_SELECTOR, '[data-range="7d"]').click()
    WebDriverWait(driver, 60, poll_frequency=0.02).until(lambda d: d.execute_script(drawn))
    out = {}
    for s in CHARTS:
        box = driver.find_element(By.ID, f"chart-{s}")
        out[f"{s}_drawn_ms"] = int(box.get_attribute("data-drawn-ms"))
        out[f"{s}_points"] = int(box.get_attribute("data-points"))
    return out


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    scratch = os.environ.get("TMPDIR", "/tmp")
    for tool in ("mosquitto", "sqlite3", CHROMIUM, CHROMEDRIVER):
        if not shutil.which(tool):
            raise SystemExit(f"bench/page needs {tool} (apt-get install mosquitto sqlite3 chromium chromium-driver)")
    env = environment()
    started = time.monotonic()
    report = {"environment": env, "settings": {k: v for k, v in vars(args).items() if k != "out"}}
    if args.only in (None, "latency"):
        report["latency"] = latency(args, scratch)
    if args.only in (None, "chart"):
        report["chart"] = chart(args, scratch)
    env["loadavg_end"] = os.getloadavg()[0]
    env["duration_seconds"] = round(time.monotonic() - started, 1)
    print_report(report)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(args.out, f"page-{stamp}.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
    print(f"\n{env['duration_seconds']:.0f} s; written to {os.path.relpath(path, ROOT)}"
          f" (load average {env['loadavg_start']:.1f} at start, {env['loadavg_end']:.1f} at the end)")


def print_report(report):
    goals = []
    lat = report.get("latency")
    if lat:
        print(f"\nLatency: publish to the card's text, {lat['rate']:g} readings/s for {lat['seconds']:g} s, one page")
        print(f"{'sent':>6}{'shown':>7}{'median ms':>11}{'p99 ms':>9}{'max ms':>9}{'clock offset ms':>17}")
        print(f"{lat['sent']:>6}{lat['shown']:>7}{lat['median_ms']:>11.1f}{lat['p99_ms']:>9.1f}{lat['max_ms']:>9.1f}"
              f"{lat['clock']['offset_ms']:>17.2f}")
        goals.append(("latency p99 <= 250 ms", lat["p99_ms"] <= 250, f"{lat['p99_ms']:.1f} ms"))
    ch = report.get("chart")
    if ch:
        api, sq, r = ch["api"], ch["sqlite3"], ch["api_over_sqlite3"]
        print(f"\n7-day chart of one board, {ch['rows_in_store']:,} readings in SQLite")
        print(f"{'what':<44}{'median':>10}{'runs':>6}")
        print(f"{'GET ' + api['url_path']:<44}{api['median_s'] * 1000:>8.1f}ms{len(api['seconds']):>6}"
              f"   ({api['readings']:,} readings, {api['points']:,} points)")
        print(f"{'sqlite3 count, min, max of the board':<44}{sq['median_s'] * 1000:>8.1f}ms{len(sq['seconds']):>6}")
        print(f"{'ratio API / sqlite3 (round by round)':<44}{r['median']:>9.2f}x"
              f"       ({r['range'][0]:.2f}-{r['range'][1]:.2f})")
        page = ch["page"]
        points = sorted({l["temperature_points"] for l in page["loads"]})
        print(f"{'page: 7 d clicked to temperature drawn':<44}{page['temperature_drawn_ms_median']:>8.0f}ms"
              f"{len(page['loads']):>6}   ({', '.join(str(l['temperature_drawn_ms']) for l in page['loads'])} ms;"
              f" {'/'.join(map(str, points))} points)")
        print(f"{'page: 7 d clicked to humidity drawn':<44}{page['humidity_drawn_ms_median']:>8.0f}ms"
              f"{len(page['loads']):>6}")
        goals.append(("7 d API answer <= 0.3 s", api["median_s"] <= 0.3, f"{api['median_s'] * 1000:.0f} ms"))
        goals.append(("7 d chart drawn <= 1 s", page["humidity_drawn_ms_median"] <= 1000,
                      f"{page['humidity_drawn_ms_median']:.0f} ms, both charts"))
    peaks = [x["serve_peak_rss_kib"] for x in (lat, ch) if x]
    print(f"\nserve's peak RSS: {', '.join(f'{p / 1024:.1f} MiB' for p in peaks)}")
    print("\nGoals")
    for name, met, measured in goals:
        print(f"  {'met    ' if met else 'NOT MET'}  {name}   ({measured})")
    report["goals"] = [{"goal": n, "met": m, "measured": v} for n, m, v in goals]


if __name__ == "__main__":
    main()
