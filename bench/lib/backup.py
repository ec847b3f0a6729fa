"""The measuring half of bench/backup (see the script's header for what and how)."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from stewardbench import (PG_BIN, Cluster, Interrupted, Postgres, critical, figure, ignore_signals, say, setup,
                          stop_group)

BIN = sys.argv[1]
STEWARD = os.path.join(BIN, "steward")
SCALE = int(os.environ.get("BENCH_PGBENCH_SCALE", "64"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
JOBS = 2  # the reference: pg_restore -j2
STEP_TIMEOUT = 900

setup("backup")


def load_average():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


class Timed:
    """Runs commands to their end, each in its own session (stopped on Ctrl-C), and times them."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.current = None

    def run(self, name, argv, env=None):
        """(seconds, stdout text); raises with the output's tail when the command fails."""
        log = os.path.join(self.workdir, f"{name}.log")
        with open(log, "wb") as err:
            with critical():
                started = time.monotonic()
                self.current = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=err,
                                                stdin=subprocess.DEVNULL, start_new_session=True)
            out, _ = self.current.communicate(timeout=STEP_TIMEOUT)
            seconds = time.monotonic() - started
        status, self.current = self.current.returncode, None
        if status != 0:
            with open(log, errors="replace") as f:
                raise RuntimeError(f"{name} ({' '.join(argv[:4])} …) exited with {status}: {f.read()[-2000:]}"
                                   f"\n{out.decode(errors='replace')[-1000:]}")
        return seconds, out.decode()

    def stop(self):
        stop_group(self.current)


def stack_yaml(pg, store):
    return f"""\
version: 1
stack: bench
dependencies:
  db:
    type: postgres
    url: {pg.url("bench")}
services:
  idle:
    command: /bin/true
environments:
  bench: {{}}
backups:
  - dependency: db
    destination: {store}
    verify: false
"""


def dump_with_counts(pg, conn, env, tables, path, timed):
    """Seconds for what a backup with exact row counts needs, with the raw tools: a psql session exports a
    repeatable-read snapshot, `pg_dump -Fc --snapshot` dumps it while the same session counts every table
    in it (serially, without JIT or parallel workers, as Steward does). Timed to the later of the two."""
    started = time.monotonic()
    session = subprocess.Popen([f"{PG_BIN}/psql", "-X", "-tAq", "-v", "ON_ERROR_STOP=1"] + conn + ["-d", "bench"],
                               env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        session.stdin.write("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT pg_export_snapshot();\n")
        session.stdin.flush()
        snapshot = session.stdout.readline().strip()
        if not snapshot:
            raise RuntimeError("psql exported no snapshot")
        dump = subprocess.Popen([f"{PG_BIN}/pg_dump", "--format=custom", "--file", path, "--snapshot", snapshot,
                                 "--dbname", "bench"] + conn, env=env, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        timed.current = dump
        session.stdin.write("SET LOCAL max_parallel_workers_per_gather = 0;\nSET LOCAL jit = off;\n")
        for schema, name in tables:
            session.stdin.write(f'SELECT count(*) FROM "{schema}"."{name}";\n')
        session.stdin.flush()
        counts = [session.stdout.readline().strip() for _ in tables]
        if not all(count.isdigit() for count in counts):
            raise RuntimeError(f"psql counted {counts}")
        if dump.wait(timeout=STEP_TIMEOUT) != 0:
            raise RuntimeError(f"pg_dump --snapshot exited with {dump.returncode}")
        timed.current = None
        seconds = time.monotonic() - started
        session.stdin.write("COMMIT;\n")
        session.stdin.close()
        session.wait(timeout=60)
        return seconds
    finally:
        stop_group(session)


def job_seconds(view):
    """The control plane's own time for the operation (startedAt → finishedAt), when it says."""
    from datetime import datetime
    operation = (view or {}).get("operation") or {}
    try:
        start, end = (datetime.fromisoformat(operation[k].replace("Z", "+00:00")) for k in ("startedAt", "finishedAt"))
        return (end - start).total_seconds()
    except (KeyError, ValueError, AttributeError):
        return None


def fmt(value):
    return "?" if value is None else f"{value:.2f}"


def main():
    workdir = tempfile.mkdtemp(prefix="steward-bench-backup-")
    pg = Postgres(workdir, settings="max_wal_size = 4GB\n" + os.environ.get("BENCH_PG_SETTINGS", "").replace(";", "\n"))
    timed = Timed(workdir)
    cluster = None
    ok = False
    env = pg.client_env()
    conn = pg.client_args()
    samples = {k: [] for k in ("raw_dump", "raw_dump_counted", "steward_backup", "raw_restore", "steward_restore",
                               "steward_verify")}
    try:
        loads = [load_average()]
        say(f"scratch in {workdir}; binaries in {BIN}; load average {' '.join(loads[0])}")
        say(f"initdb + PostgreSQL on 127.0.0.1:{pg.port} …")
        pg.start()
        pg.psql("CREATE DATABASE bench")
        say(f"pgbench -i -s {SCALE} (≈ {SCALE * 16} MB) …")
        seconds, _ = timed.run("pgbench-init", [f"{PG_BIN}/pgbench", "-i", "-q", "-s", str(SCALE)] + conn + ["bench"],
                               env=env)
        size = int(pg.psql("SELECT pg_database_size('bench')"))
        rows = pg.psql("SELECT count(*) FROM pgbench_accounts", "bench")
        say(f"database bench: {size / 1e6:.0f} MB, {rows} rows in pgbench_accounts (generated in {seconds:.0f} s)")

        store = os.path.join(workdir, "store")
        cluster = Cluster(workdir, STEWARD, stack_yaml(pg, store), proxy=False)
        say("starting steward agent and steward serve on loopback …")
        cluster.start()
        cli = [STEWARD, "--server", f"http://127.0.0.1:{cluster.port}", "--data-dir", cluster.data, "--output", "json"]

        def steward(name, *arguments):
            seconds, out = timed.run(name, [STEWARD, "backup", *arguments] + cli[1:])
            return seconds, json.loads(out)

        def checkpoint():
            pg.psql("CHECKPOINT")

        tables = [line.split("|") for line in pg.psql(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
            "ORDER BY 1, 2", "bench").splitlines()]

        for n in range(ROUNDS):
            raw_file = os.path.join(workdir, f"raw-{n}.dump")
            backup = {}

            def raw_dump():
                checkpoint()
                s, _ = timed.run(f"pg_dump-{n}", [f"{PG_BIN}/pg_dump", "--format=custom", "--file", raw_file,
                                                  "--dbname", "bench"] + conn, env=env)
                samples["raw_dump"].append(s)
                say(f"  raw pg_dump -Fc -f: {s:.2f} s, {size / 1e6 / s:.1f} MB/s, file {os.path.getsize(raw_file) / 1e6:.1f} MB")

            def raw_dump_counted():
                checkpoint()
                s = dump_with_counts(pg, conn, env, tables, os.path.join(workdir, f"counted-{n}.dump"), timed)
                samples["raw_dump_counted"].append(s)
                say(f"  raw pg_dump -Fc --snapshot + count(*) of every table in that snapshot (psql): {s:.2f} s, "
                    f"{size / 1e6 / s:.1f} MB/s")

            def steward_backup():
                checkpoint()
                s, view = steward(f"create-{n}", "create", "db", "--env", "bench", "--wait")
                backup.update(view)
                samples["steward_backup"].append(s)
                manifest = view["manifest"]
                say(f"  steward backup create --wait: {s:.2f} s, {size / 1e6 / s:.1f} MB/s, artifact "
                    f"{manifest['sizeBytes'] / 1e6:.1f} MB; the control plane's job {fmt(job_seconds(view))} s, "
                    f"the engine's (counts + pg_dump + fsync + manifest) {manifest['durationSeconds']:.2f} s")

            # Each side goes first, second and third equally often (the order matters on a busy machine).
            steps = [raw_dump, raw_dump_counted, steward_backup]
            steps = steps[n % 3:] + steps[:n % 3]
            say(f"round {n + 1}/{ROUNDS}: backup ({', '.join(step.__name__ for step in steps)})")
            for step in steps:
                step()
            say(f"  this round: {samples['raw_dump'][-1] / samples['steward_backup'][-1]:.3f} x pg_dump's throughput, "
                f"{samples['raw_dump_counted'][-1] / samples['steward_backup'][-1]:.3f} x pg_dump + counts'")
            os.unlink(os.path.join(workdir, f"counted-{n}.dump"))
            steward_first = n % 2 == 1

            ident = backup["id"]
            raw_db, steward_db = f"raw_restore_{n}", f"steward_restore_{n}"
            say(f"round {n + 1}/{ROUNDS}: restore ({'Steward' if steward_first else 'raw'} first)")

            def raw_restore():
                checkpoint()
                started = time.monotonic()
                timed.run(f"createdb-{n}", [f"{PG_BIN}/createdb", "--template", "template0"] + conn + [raw_db],
                          env=env)
                timed.run(f"pg_restore-{n}", [f"{PG_BIN}/pg_restore", f"--jobs={JOBS}", "--no-owner",
                                              "--exit-on-error", "--dbname", raw_db] + conn + [raw_file], env=env)
                s = time.monotonic() - started
                samples["raw_restore"].append(s)
                say(f"  raw createdb + pg_restore -j{JOBS}: {s:.2f} s")

            def steward_restore():
                checkpoint()
                s, view = steward(f"restore-{n}", "restore", ident, "--database", steward_db, "--yes", "--wait")
                samples["steward_restore"].append(s)
                say(f"  steward backup restore --database --wait (checksum, restore beside, row counts, rename): "
                    f"{s:.2f} s; the control plane's job {fmt(job_seconds(view))} s")

            for step in ((steward_restore, raw_restore) if steward_first else (raw_restore, steward_restore)):
                step()
            say(f"  this round: {samples['steward_restore'][-1] / samples['raw_restore'][-1]:.3f} x pg_restore's time")

            checkpoint()
            s, view = steward(f"verify-{n}", "verify", ident, "--wait")
            samples["steward_verify"].append(s)
            verification = view.get("verification") or {}
            say(f"  steward backup verify --wait (checksum, restore into a scratch db, row counts, drop): {s:.2f} s; "
                f"the engine's {fmt(verification.get('durationSeconds'))} s, passed: {verification.get('passed')}")

            for database in (raw_db, steward_db):
                restored = pg.psql("SELECT count(*) FROM pgbench_accounts", database)
                if restored != rows:
                    raise RuntimeError(f"{database} holds {restored} rows in pgbench_accounts, the source {rows}")
                pg.psql(f"DROP DATABASE {database}")
            os.unlink(raw_file)
            say(f"  both restored copies hold the {rows} rows; dropped")

        loads.append(load_average())
        m = {k: statistics.median(v) for k, v in samples.items()}
        mb = size / 1e6
        backup_ratio = m["raw_dump"] / m["steward_backup"]
        counted_ratio = m["raw_dump_counted"] / m["steward_backup"]
        restore_ratio = m["steward_restore"] / m["raw_restore"]
        figure("backup_throughput_ratio_vs_pg_dump", f"{backup_ratio:.3f}", "x")
        figure("restore_verify_ratio_vs_pg_restore", f"{restore_ratio:.3f}", "x")
        figure("backup_throughput_ratio_vs_pg_dump_with_counts", f"{counted_ratio:.3f}", "x")
        figure("pg_dump_with_counts_ratio_vs_pg_dump", f"{m['raw_dump'] / m['raw_dump_counted']:.3f}", "x")
        figure("database_mb", f"{mb:.0f}", "MB")
        figure("raw_dump_mb_per_s", f"{mb / m['raw_dump']:.1f}", "MB/s")
        figure("steward_backup_mb_per_s", f"{mb / m['steward_backup']:.1f}", "MB/s")
        figure("raw_dump_seconds", f"{m['raw_dump']:.2f}", "s")
        figure("raw_dump_with_counts_seconds", f"{m['raw_dump_counted']:.2f}", "s")
        figure("steward_backup_seconds", f"{m['steward_backup']:.2f}", "s")
        figure("raw_restore_seconds", f"{m['raw_restore']:.2f}", "s")
        figure("steward_restore_seconds", f"{m['steward_restore']:.2f}", "s")
        figure("steward_verify_seconds", f"{m['steward_verify']:.2f}", "s")
        figure("verify_ratio_vs_pg_restore", f"{m['steward_verify'] / m['raw_restore']:.3f}", "x")
        figure("dump_mb", f"{backup['manifest']['sizeBytes'] / 1e6:.1f}", "MB")
        figure("load_average_1m_start", loads[0][0], "tasks")
        figure("load_average_1m_end", loads[-1][0], "tasks")
        say(f"load average at the start {' '.join(loads[0])}, at the end {' '.join(loads[-1])} (2 cores shared)")
        say(f"goal backup >= 0.95 x: {'met' if backup_ratio >= 0.95 else 'NOT met'} ({backup_ratio:.3f}); "
            f"goal restore + verify <= 1.1 x: {'met' if restore_ratio <= 1.1 else 'NOT met'} ({restore_ratio:.3f})")
        ok = True
    except Interrupted as why:
        say(f"interrupted ({why}); stopping what was started")
    except Exception as error:  # noqa: BLE001 — any failure means: could not measure
        say(f"could not measure: {error}")
    finally:
        ignore_signals()
        timed.stop()
        try:
            if cluster is not None:
                cluster.stop()
        except Exception as error:  # noqa: BLE001
            say(f"cleanup problem: {error}")
        pg.stop()
        if ok and not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            say(f"logs kept in {workdir}")
    return 0 if ok else 1


sys.exit(main())
