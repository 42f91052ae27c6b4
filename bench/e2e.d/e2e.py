"""End-to-end benchmark of `hexaboard record` against mosquitto_sub and the chapter's program,
and of `hexaboard serve --record` with its page's event streams open against `record` alone.

Run through bench/e2e, which prepares the virtualenv and the release build. See bench/README.md.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import runs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIB = 1024


def parse_args():
    p = argparse.ArgumentParser(prog="bench/e2e", description=__doc__)
    p.add_argument("--quick", action="store_true", help="2 boards x 5,000, a 3 s latency run at QoS 1")
    p.add_argument("--soak", action="store_true", help="only hexaboard, 1,000,000 messages at QoS 1 "
                   "(or the first --qos given): memory at start and end")
    p.add_argument("--boards", type=int, help="publishers, one board each [4; quick 2]")
    p.add_argument("--count", type=int, help="readings per board [50,000; quick 5,000]")
    p.add_argument("--qos", default=None, help="comma-separated QoS levels [0,1]")
    p.add_argument("--receivers", default="hexaboard,hexaboard_sqlite,hexaboard_postgres,paho_bare,mosquitto_sub,python",
                   help="any of hexaboard (record into the CSV), hexaboard_sqlite and hexaboard_postgres "
                   "(record --store into SQLite, into a private PostgreSQL), hexaboard_serve (serve --record "
                   "into the CSV with --pages event streams open), paho_bare, mosquitto_sub, "
                   "python [all but hexaboard_serve]; --vs adds hexaboard_vs")
    p.add_argument("--pages", type=int, default=50, help="event streams (/api/events) kept open on "
                   "hexaboard_serve for the whole run [50]")
    p.add_argument("--rounds", type=int, help="throughput runs per receiver and QoS, the median reported "
                   "[11 for all but python, 1 for python; quick 1]")
    p.add_argument("--latency-rate", type=float, default=1000.0, help="messages per second [1,000]")
    p.add_argument("--latency-seconds", type=float, help="[10; quick 3]")
    p.add_argument("--no-latency", action="store_true")
    p.add_argument("--hexaboard", default=os.path.join(ROOT, "target/release/hexaboard"))
    p.add_argument("--vs", metavar="PATH", help="a second hexaboard binary, measured as receiver "
                   "hexaboard_vs in the same rounds as hexaboard: the ratios hexaboard/hexaboard_vs "
                   "compare the two builds")
    p.add_argument("--out", default=os.path.join(ROOT, "bench/out"))
    a = p.parse_args()
    a.boards = a.boards or (2 if a.quick else 4)
    a.count = a.count or (5_000 if a.quick else 50_000)
    a.soak_qos = int(a.qos.split(",")[0]) if a.qos else 1
    a.qos = [int(q) for q in (a.qos or "0,1").split(",")]
    a.latency_qos = [q for q in a.qos if q == 1] or a.qos[:1] if a.quick else a.qos
    a.latency_seconds = a.latency_seconds or (3.0 if a.quick else 10.0)
    a.receivers = a.receivers.split(",")
    if a.vs:
        a.vs = os.path.abspath(a.vs)
        if "hexaboard" not in a.receivers:
            p.error("--vs compares with hexaboard: keep hexaboard among --receivers")
        if "hexaboard_vs" not in a.receivers:
            a.receivers.insert(a.receivers.index("hexaboard") + 1, "hexaboard_vs")
    elif "hexaboard_vs" in a.receivers:
        p.error("the receiver hexaboard_vs needs --vs PATH")
    a.python_rounds = a.rounds or 1
    a.rounds = a.rounds or (1 if a.quick else 11)
    return a


def environment(args):
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
        "mosquitto": (run("mosquitto", "-h") or "").splitlines()[0:1],
        "python": platform.python_version(),
    }


def progress(done, total):
    print(f"\r    {done:>10,} / {total:,}", end="", file=sys.stderr, flush=True)


def throughput_runs(args, scratch):
    """Rounds alternate between the receivers (hexaboard, paho_bare, mosquitto_sub, python,
    then the same in reverse order, ...), so that a change in the machine's load while the
    benchmark runs weighs on all of them alike, and none always runs first; each ratio is then
    taken round by round (see `ratios`)."""
    results, failed = [], {}
    for qos in args.qos:
        rounds = {name: [] for name in args.receivers}
        for i in range(max(args.rounds, args.python_rounds)):
            for name in args.receivers if i % 2 == 0 else reversed(args.receivers):
                wanted = args.python_rounds if name == "python" else args.rounds
                if name in failed or i >= wanted:
                    continue
                print(f"  {name:<14} QoS {qos}: {args.boards} x {args.count:,} (round {i + 1} of {wanted}) ...",
                      file=sys.stderr)
                try:
                    r = runs.throughput(runs.Receiver(name, args.hexaboard, args.vs, args.pages), qos, args.boards, args.count, scratch, progress)
                except runs.ReceiverFailed as e:
                    print(f"\n    skipped: {e}", file=sys.stderr)
                    failed[name] = str(e)
                    continue
                print(file=sys.stderr)
                rounds[name].append(r)
        for name in args.receivers:
            if rounds[name]:
                ordered = sorted(rounds[name], key=lambda r: r["rate"])
                best = dict(ordered[len(ordered) // 2])
                best["rounds"] = [{k: r[k] for k in ("rate", "cpu_us_per_msg", "lost", "peak_rss_kib", "page_streams")}
                                  for r in rounds[name]]
                results.append(best)
    return results, failed


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def latency_runs(args, scratch, failed):
    results = []
    for qos in args.latency_qos:
        for name in args.receivers:
            if name in failed or name in runs.DATABASE_RECEIVERS:
                continue  # latency is measured to the row in a file
            print(f"  {name:<14} QoS {qos}: {args.latency_rate:,.0f} msg/s for {args.latency_seconds:g} s ...", file=sys.stderr)
            try:
                results.append(runs.latency(runs.Receiver(name, args.hexaboard, args.vs, args.pages), qos, args.latency_rate,
                                            args.latency_seconds, scratch))
            except runs.ReceiverFailed as e:
                print(f"    skipped: {e}", file=sys.stderr)
    return results


def fmt(value, spec, missing="-"):
    return missing if value is None else format(value, spec)


def print_throughput(results, args):
    print(f"\nThroughput: {args.boards} publishers x {args.count:,} readings, as fast as they go")
    print(f"{'receiver':<15}{'QoS':>4}{'received/sent':>20}{'lost':>8}{'seconds':>9}{'msgs/s':>10}"
          f"{'CPU us/msg':>12}{'peak RSS':>11}")
    for r in results:
        print(f"{r['receiver']:<15}{r['qos']:>4}{r['received']:>11,}/{r['sent']:<8,}{r['lost']:>8,}"
              f"{r['seconds']:>9.2f}{r['rate']:>10,.0f}{fmt(r['cpu_us_per_msg'], '12.2f'):>12}"
              f"{fmt(r['peak_rss_kib'] and r['peak_rss_kib'] / MIB, '8.1f'):>8} MiB")
    for r in results:
        p = r.get("page_streams")
        if p:
            low, mid, high = p["events_per_page"]
            print(f"  {r['receiver']} QoS {r['qos']}: {p['pages']} event streams received {p['events']:,} events "
                  f"({low:,} / {mid:,} / {high:,} per stream, lowest / median / highest; {p['bytes'] / MIB / MIB:.1f} MiB), "
                  f"{p['ended_early']} ended early; their process used {p['cpu_seconds']:.1f} s of CPU")


# Receiver pairs compared: serve --record (with its event streams), record into SQLite and into
# PostgreSQL against record into the CSV,
# hexaboard against each other receiver (hexaboard_vs: the build given with --vs), and
# paho_bare against mosquitto_sub (what the paho library costs before anything
# hexaboard does).
PAIRS = [("hexaboard_serve", "hexaboard"), ("hexaboard_sqlite", "hexaboard"), ("hexaboard_postgres", "hexaboard"), ("hexaboard", "hexaboard_vs"), ("hexaboard", "paho_bare"), ("hexaboard", "mosquitto_sub"), ("hexaboard", "python"),
         ("paho_bare", "mosquitto_sub")]


def ratios(results):
    """The median of the ratios of rounds run one after the other (round 1 with round 1, ...),
    for each pair in PAIRS, which cancels most of a shared machine's drift."""
    by = {(r["receiver"], r["qos"]): r for r in results}
    out = {}
    for (name, qos), r in by.items():
        for other in [b for a, b in PAIRS if a == name]:
            o = by.get((other, qos))
            if not o or not o["rate"]:
                continue
            pairs = list(zip(r["rounds"], o["rounds"]))
            rates = [a["rate"] / b["rate"] for a, b in pairs if b["rate"]]
            cpus = [a["cpu_us_per_msg"] / b["cpu_us_per_msg"] for a, b in pairs
                    if a["cpu_us_per_msg"] and b["cpu_us_per_msg"]]
            out[f"{name}/{other} qos{qos}"] = {
                "rate": median(rates), "cpu_per_msg": median(cpus), "pairs": len(pairs),
                "rate_range": [min(rates), max(rates)] if rates else None,
                "cpu_range": [min(cpus), max(cpus)] if cpus else None,
            }
    return out


def print_ratios(rat):
    if rat:
        print()
        for key, v in rat.items():
            spread = lambda r: f" ({r[0]:.2f}-{r[1]:.2f})" if r and v["pairs"] > 1 else ""
            print(f"{key:<30} rate {v['rate']:5.2f}x{spread(v['rate_range']):<12}"
                  f" CPU per message {fmt(v['cpu_per_msg'], '5.2f')}x{spread(v['cpu_range'])}"
                  f"   median of {v['pairs']} paired round{'s' if v['pairs'] != 1 else ''}")


def print_latency(results, args):
    if not results:
        return
    print(f"\nLatency: publish to row in the file, {args.latency_rate:,.0f} msg/s for {args.latency_seconds:g} s")
    print(f"{'receiver':<15}{'QoS':>4}{'received/sent':>20}{'median ms':>11}{'p99 ms':>9}{'max ms':>9}{'>100 ms':>9}")
    for r in results:
        print(f"{r['receiver']:<15}{r['qos']:>4}{r['received']:>11,}/{r['sent']:<8,}"
              f"{fmt(r['median_ms'], '11.2f')}{fmt(r['p99_ms'], '9.2f')}{fmt(r['max_ms'], '9.2f')}{r['over_100ms']:>9,}")


def goals(results, rat, lat, soak):
    hexa = [r for r in results if r["receiver"] == "hexaboard"]
    out = []

    def goal(name, values, test, show=None):
        """values: (label, value) pairs; show formats a value for the printed line."""
        values = [(label, v) for label, v in values if v is not None]
        met = all(test(v) for _, v in values) if values else None
        measured = ", ".join(f"{label} {show(v)}".strip() for label, v in values) if show and values else None
        out.append({"goal": name, "met": met, "measured": measured})

    def qos(key):
        return "QoS " + key[-1]

    by_mosquitto = [(qos(k), v) for k, v in rat.items() if k.startswith("hexaboard/mosquitto_sub ")]
    goal("zero loss at QoS 1", [("", r["lost"]) for r in results
                                 if r["qos"] == 1 and (r["receiver"] == "hexaboard" or r["receiver"] in runs.DATABASE_RECEIVERS)]
         + ([("", soak["lost"])] if soak and soak["qos"] == 1 else []), lambda v: v == 0)
    goal("rate >= 0.98 x mosquitto_sub's", [(label, v["rate"]) for label, v in by_mosquitto],
         lambda v: v >= 0.98, lambda v: f"{v:.3f}x")
    floor = [(qos(k), v) for k, v in rat.items() if k.startswith("paho_bare/mosquitto_sub ")]
    if floor:
        # Not a goal: what the paho library reaches before anything hexaboard does, for scale.
        out.append({"goal": "paho_bare (the paho library alone) against mosquitto_sub", "met": "scale",
                    "measured": "rate " + ", ".join(f"{label} {v['rate']:.3f}x" for label, v in floor)
                    + "; CPU " + ", ".join(f"{label} {v['cpu_per_msg']:.3f}x" for label, v in floor
                                           if v["cpu_per_msg"] is not None)})
    goal("CPU per message <= 1.25 x mosquitto_sub's", [(label, v["cpu_per_msg"]) for label, v in by_mosquitto],
         lambda v: v <= 1.25, lambda v: f"{v:.3f}x")
    goal(">= 3 x the chapter's Python program's rate",
         [(qos(k), v["rate"]) for k, v in rat.items() if k.startswith("hexaboard/python ")], lambda v: v >= 3, lambda v: f"{v:.1f}x")
    goal("peak memory <= 10 MiB", [("", r["peak_rss_kib"]) for r in hexa]
         + ([("", soak["peak_rss_kib"])] if soak else []), lambda v: v <= 10 * MIB)
    goal("record into SQLite at QoS 1 >= 0.9 x record into the CSV",
         [("", v["rate"]) for k, v in rat.items() if k == "hexaboard_sqlite/hexaboard qos1"],
         lambda v: v >= 0.9, lambda v: f"{v:.3f}x")
    goal("peak memory into a database <= 16 MiB",
         [(r["receiver"][len("hexaboard_"):] + f" QoS {r['qos']}", r["peak_rss_kib"]) for r in results
          if r["receiver"] in runs.DATABASE_RECEIVERS],
         lambda v: v <= 16 * MIB, lambda v: f"{v / MIB:.1f} MiB")
    if any(k.startswith("hexaboard_postgres/") for k in rat):
        # Not a goal: each reading waits for the server's commit (fsync), for scale.
        out.append({"goal": "record into PostgreSQL against record into the CSV", "met": "scale",
                    "measured": ", ".join(f"QoS {k[-1]} {v['rate']:.3f}x" for k, v in rat.items()
                                          if k.startswith("hexaboard_postgres/"))})
    goal("record in serve with the pages open >= 0.95 x record alone",
         [(qos(k), v["rate"]) for k, v in rat.items() if k.startswith("hexaboard_serve/hexaboard ")],
         lambda v: v >= 0.95, lambda v: f"{v:.3f}x")
    goal("peak memory of serve --record with the pages open <= 40 MiB",
         [(f"QoS {r['qos']}", max(x["peak_rss_kib"] or 0 for x in r["rounds"])) for r in results
          if r["receiver"] == "hexaboard_serve"],
         lambda v: v <= 40 * MIB, lambda v: f"{v / MIB:.1f} MiB")
    goal("memory flat over 1,000,000 messages (--soak)", [("", soak["growth_kib"])] if soak else [],
         lambda v: v <= MIB)
    goal("latency p99 < 150 ms", [(f"QoS {r['qos']}", r["p99_ms"]) for r in lat if r["receiver"] == "hexaboard"],
         lambda v: v < 150, lambda v: f"{v:.1f} ms")
    return out


def print_goals(gs):
    print("\nGoals")
    for g in gs:
        state = {True: "met    ", False: "NOT MET", None: "not run", "scale": "  for scale:"}[g["met"]]
        measured = f"   ({g['measured']})" if g.get("measured") else ""
        print(f"  {state}  {g['goal']}{measured}")


def soak_run(args, scratch):
    boards, count = 4, 250_000
    qos = args.soak_qos
    print(f"  hexaboard      QoS {qos}: soak, {boards} x {count:,} ...", file=sys.stderr)
    r = runs.throughput(runs.Receiver("hexaboard", args.hexaboard), qos, boards, count, scratch, progress)
    print(file=sys.stderr)
    samples = r["samples"]
    tenth = next((s for s in samples if s[1] >= boards * count // 10), samples[0] if samples else None)
    r["rss_at_10pct_kib"] = tenth[2] if tenth else None
    r["growth_kib"] = (r["rss_end_kib"] - tenth[2]) if tenth and r["rss_end_kib"] is not None else None
    print(f"\nSoak: hexaboard record, QoS {qos}, {r['received']:,}/{r['sent']:,} messages in {r['seconds']:.1f} s "
          f"({r['rate']:,.0f} msgs/s, {fmt(r['cpu_us_per_msg'], '.2f')} us CPU each)")
    print(f"  RSS at start {r['rss_start_kib'] / MIB:.1f} MiB, after {boards * count // 10:,} messages "
          f"{fmt(r['rss_at_10pct_kib'] and r['rss_at_10pct_kib'] / MIB, '.1f')} MiB, at the end "
          f"{fmt(r['rss_end_kib'] and r['rss_end_kib'] / MIB, '.1f')} MiB, peak {fmt(r['peak_rss_kib'] and r['peak_rss_kib'] / MIB, '.1f')} MiB")
    marks = []
    for tenth in range(1, 11):
        s = next((s for s in samples if s[1] >= boards * count * tenth // 10), None)
        if s:
            marks.append(f"{s[1] // 1000:,}k {s[2] / MIB:.1f}")
    print("  RSS (MiB) after messages: " + ", ".join(marks))
    return r


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    scratch = os.environ.get("TMPDIR", "/tmp")
    env = environment(args)
    if env["loadavg_start"] > 0.5 * (env["cpus"] or 1):
        print(f"note: load average {env['loadavg_start']:.1f} on {env['cpus']} CPUs; other work will skew the numbers",
              file=sys.stderr)
    started = time.monotonic()
    report = {"environment": env, "settings": {k: v for k, v in vars(args).items() if k not in ("out",)}}
    if args.soak:
        soak = soak_run(args, scratch)
        report["soak"] = soak
        report["goals"] = goals([], {}, [], soak)
    else:
        results, failed = throughput_runs(args, scratch)
        lat = [] if args.no_latency else latency_runs(args, scratch, failed)
        rat = ratios(results)
        print_throughput(results, args)
        print_ratios(rat)
        print_latency(lat, args)
        for name, why in failed.items():
            print(f"\n{name}: not measured: {why}")
        report.update(throughput=results, ratios=rat, latency=lat, failed=failed)
        report["goals"] = goals(results, rat, lat, None)
    print_goals(report["goals"])
    env["loadavg_end"] = os.getloadavg()[0]
    env["duration_seconds"] = round(time.monotonic() - started, 1)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(args.out, f"e2e-{stamp}{'-soak' if args.soak else '-quick' if args.quick else ''}.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
    print(f"\n{env['duration_seconds']:.0f} s; written to {os.path.relpath(path, ROOT)}"
          f" (load average {env['loadavg_start']:.1f} at start, {env['loadavg_end']:.1f} at the end)")


if __name__ == "__main__":
    main()
