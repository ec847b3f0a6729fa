"""Shared Python side of bench/proxy, bench/zero-downtime and bench/canary-rollback.

Standard library only. Every process a bench starts goes through `Children.spawn` (or a
`Cluster`), in its own session, so that `finally` can stop it and everything it started; Ctrl-C,
SIGTERM and SIGHUP raise `Interrupted`, deferred while a child is being spawned and recorded.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

NAME = "bench"


def setup(name):
    """Names the bench in progress lines and installs the signal handlers."""
    global NAME
    NAME = name
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def say(*parts):
    print(f"[{NAME}]", *parts, file=sys.stderr, flush=True)


def figure(name, value, unit):
    print(f"{name}={value} {unit}", flush=True)


# ---------------------------------------------------------------------------------------------
# Signals

class Interrupted(Exception):
    pass


_critical = 0
_pending = None


def _on_signal(number, _frame):
    global _pending
    if _critical:
        _pending = signal.Signals(number).name  # raised when the critical section ends
    else:
        raise Interrupted(signal.Signals(number).name)


class critical:
    """Defers Ctrl-C/SIGTERM while a child is spawned and recorded, so none escapes the cleanup."""

    def __enter__(self):
        global _critical
        _critical += 1

    def __exit__(self, *_):
        global _critical, _pending
        _critical -= 1
        if not _critical and _pending:
            name, _pending = _pending, None
            raise Interrupted(name)


def ignore_signals():
    """For the cleanup: a second Ctrl-C must not leave servers behind."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


# ---------------------------------------------------------------------------------------------
# Ports, HTTP

_taken = set()


def free_port():
    """A free loopback port, never one this process handed out before."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _taken:
            _taken.add(port)
            return port


def get(port, path, headers=None, timeout=1.0):
    """One GET on a fresh connection: (status, headers, body bytes). Raises OSError when nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


class Client:
    """A keep-alive JSON client with a bearer token (reconnects when the connection drops)."""

    def __init__(self, port, token):
        self.port, self.token, self.conn = port, token, None

    def call(self, method, path, body=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                headers = {"Authorization": f"Bearer {self.token}"}
                data = None
                if body is not None:
                    data = json.dumps(body).encode()
                    headers["Content-Type"] = "application/json"
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read()
                return response.status, (json.loads(text) if text else None)
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def close(self):
        if self.conn:
            self.conn.close()


def wait_until(what, condition, watched=(), timeout=60.0, every=0.02):
    """Polls `condition` until true. `watched`: (name, Popen, log path) that must stay alive."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            pass
        for name, proc, log in watched:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode} while waiting for {what}:\n{tail(log)}")
        if time.monotonic() > deadline:
            logs = "".join(f"\n--- {name} ---\n{tail(log)}" for name, _, log in watched)
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}{logs}")
        time.sleep(every)


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Processes

def stop_group(proc, grace=5.0):
    """SIGTERM the process group of a child started with start_new_session, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def pids_with_marker(marker):
    """Processes of this user whose environment carries `marker` (the agent's STEWARD_AGENT_ID=…)."""
    found = []
    needle = marker.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            pass
    return found


def kill_pids(pids, grace=5.0):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = []
        for pid in pids:
            try:
                os.kill(pid, sig)
                alive.append(pid)
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + grace
        while alive and time.monotonic() < deadline:
            alive = [p for p in alive if os.path.exists(f"/proc/{p}") and not is_zombie(p)]
            time.sleep(0.05)
        pids = alive
        if not pids:
            return


def cpu_seconds(pid):
    """utime + stime of `pid` and its reaped children's (/proc/PID/stat fields 14–17), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")


def child_pids(pid):
    """Direct children of `pid` (Linux 3.5+ /proc/PID/task/*/children)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return found


class Children:
    """Every process this bench started directly, stopped in reverse order by `stop_all`."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []  # (name, Popen, log path)
        self.commands = {}  # name -> (argv, env, cwd), for restarts

    def spawn(self, name, argv, env=None, cwd=None):
        """Starts `argv` in its own session; its output goes to NAME.log (appended on a restart)."""
        self.commands[name] = (argv, env, cwd)
        log_path = os.path.join(self.workdir, f"{name}.log")
        log = open(log_path, "ab")
        with critical():
            proc = subprocess.Popen(argv, cwd=cwd or self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            self.procs.append((name, proc, log_path))
        log.close()
        return proc

    def watched(self, *names):
        """The running children (the latest process of each name) that a wait should watch."""
        latest = {name: entry for entry in self.procs for name in [entry[0]]}
        return [entry for name, entry in latest.items() if not names or name in names]

    def kill(self, name):
        """SIGKILLs the latest process called `name` (the process only, as a crash would) and reaps it."""
        proc = [p for n, p, _ in self.procs if n == name][-1]
        with critical():
            proc.kill()
            proc.wait(timeout=10)

    def restart(self, name):
        """Starts `name` again with the command it was first started with."""
        argv, env, cwd = self.commands[name]
        return self.spawn(name, argv, env, cwd)

    def stop_all(self):
        for _name, proc, _log in reversed(self.procs):
            stop_group(proc)


# ---------------------------------------------------------------------------------------------
# Steward: proxy + agent + control plane

class Cluster:
    """`steward proxy`, `steward agent` and `steward serve --proxy …` on loopback, one stack file.

    `stack` is the stack file's text; the control plane pushes the routing table to the proxy
    itself. With `proxy=False` there is no proxy (benches that deploy nothing, e.g. bench/backup).
    `stop()` stops the control plane first (so nothing restarts instances), then every
    instance through the agent, the agent, leftovers carrying the agent's marker, and the proxy.
    """

    def __init__(self, workdir, steward, stack, proxy=True):
        self.workdir = workdir
        self.steward = steward
        self.stack = stack
        self.with_proxy = proxy
        self.children = Children(workdir)
        self.data = os.path.join(workdir, "data")
        self.agent_state = os.path.join(workdir, "agent")
        self.proxy_state = os.path.join(workdir, "proxy")
        self.agent_port = free_port()
        self.port = free_port()
        self.proxy_admin_port = free_port()
        self.client = self.proxy_client = None
        self.marker = None

    def watched(self):
        return self.children.watched()

    def start(self):
        os.makedirs(self.agent_state, exist_ok=True)
        stack_path = os.path.join(self.workdir, "steward.yaml")
        with open(stack_path, "w") as f:
            f.write(self.stack)
        token_path = os.path.join(self.proxy_state, "proxy.token")
        if self.with_proxy:
            self.children.spawn("proxy", [self.steward, "proxy", "--state-dir", self.proxy_state,
                                          "--admin-port", str(self.proxy_admin_port)])
            wait_until("the proxy's token", lambda: os.path.getsize(token_path) > 0, self.watched())
            with open(token_path) as f:
                self.proxy_client = Client(self.proxy_admin_port, f.read().strip())
            wait_until("the proxy's admin API", lambda: self.proxy_client.call("GET", "/v1/routes")[0] == 200,
                       self.watched())
        self.children.spawn("agent", [self.steward, "agent", "--state-dir", self.agent_state,
                                      "--port", str(self.agent_port)])
        wait_until("the agent", lambda: get(self.agent_port, "/healthz")[0] == 200, self.watched())
        with open(os.path.join(self.agent_state, "agent-id")) as f:
            self.marker = "STEWARD_AGENT_ID=" + f.read().strip()
        proxy_arguments = ["--proxy", f"http://127.0.0.1:{self.proxy_admin_port}",
                           "--proxy-token-file", token_path] if self.with_proxy else []
        self.children.spawn("serve", [
            self.steward, "serve", "--stack", stack_path, "--data-dir", self.data, "--port", str(self.port),
            "--agent", f"http://127.0.0.1:{self.agent_port}",
            "--agent-token-file", os.path.join(self.agent_state, "agent.token")] + proxy_arguments)
        self.wait_serve_ready()
        admin = os.path.join(self.data, "admin.token")
        wait_until("the admin token", lambda: os.path.getsize(admin) > 0, self.watched())
        with open(admin) as f:
            self.client = Client(self.port, f.read().strip())

    def crash(self, name):
        """SIGKILLs `serve` or `agent` (the process only: instances and the proxy live on)."""
        if name == "serve" and self.client:
            self.client.close()
        self.children.kill(name)

    def restart_agent(self):
        self.children.restart("agent")
        wait_until("the restarted agent", lambda: get(self.agent_port, "/healthz")[0] == 200, self.watched())

    def restart_serve(self):
        self.children.restart("serve")
        self.wait_serve_ready()

    def wait_serve_ready(self):
        def ready():
            status, _, body = get(self.port, "/readyz")
            return status == 200 and json.loads(body).get("agent") == "reachable"

        wait_until("the control plane's /readyz (agent reachable)", ready, self.watched())

    def api(self, method, path, body=None, expect=(200,)):
        status, answer = self.client.call(method, "/api/v1" + path, body)
        if status not in expect:
            raise RuntimeError(f"{method} /api/v1{path} answered {status}: {answer}")
        return answer

    def deploy(self, service, environment, version, settings=None, strategy=None):
        body = {"service": service, "environment": environment, "version": version}
        if settings:
            body["set"] = settings
        if strategy:
            body["strategy"] = strategy
        return self.api("POST", "/deployments", body, expect=(200, 201, 202))

    def deployment(self, ident):
        return self.api("GET", f"/deployments/{ident}")

    def wait_deployment(self, ident, phases, timeout=120.0, every=0.05):
        """Polls the deployment until its phase is one of `phases`; returns it."""
        found = {}

        def reached():
            found["d"] = self.deployment(ident)
            return found["d"]["phase"] in phases

        wait_until(f"deployment {ident} to be {'/'.join(phases)}", reached, self.watched(), timeout, every)
        return found["d"]

    def routes(self):
        status, body = self.proxy_client.call("GET", "/v1/routes")
        if status != 200:
            raise RuntimeError(f"GET /v1/routes of the proxy answered {status}: {body}")
        return body["routes"]

    def agent_instances(self):
        """The agent's instances: {id: state} (`starting`, `running`, `backoff`, `stopping`, `exited`)."""
        with open(os.path.join(self.agent_state, "agent.token")) as f:
            token = f.read().strip()
        status, _, body = get(self.agent_port, "/v1/instances", {"Authorization": f"Bearer {token}"}, timeout=5)
        if status != 200:
            raise RuntimeError(f"GET /v1/instances of the agent answered {status}")
        return {i["spec"]["id"]: i["state"] for i in json.loads(body).get("instances", [])}

    def wait_stopped(self, instances, timeout=60.0):
        """Waits until none of `instances` runs on the agent any more (gone, or exited)."""
        def stopped():
            states = self.agent_instances()
            return all(states.get(ident, "exited") == "exited" for ident in instances)

        wait_until(f"instances {', '.join(instances)} to stop", stopped, self.watched(), timeout, every=0.1)

    def stop(self):
        for client in (self.client, self.proxy_client):
            if client:
                client.close()
        names = {name: proc for name, proc, _ in self.children.watched()}
        stop_group(names.get("serve"))  # first, so that nothing restarts instances meanwhile
        agent = names.get("agent")
        if agent is not None and agent.poll() is None:
            try:
                with open(os.path.join(self.agent_state, "agent.token")) as f:
                    token = f.read().strip()
                auth = {"Authorization": f"Bearer {token}"}
                status, _, body = get(self.agent_port, "/v1/instances", auth, timeout=5)
                for instance in json.loads(body).get("instances", []) if status == 200 else []:
                    conn = http.client.HTTPConnection("127.0.0.1", self.agent_port, timeout=15)
                    try:
                        conn.request("DELETE", f"/v1/instances/{instance['spec']['id']}", headers=auth)
                        conn.getresponse().read()
                    finally:
                        conn.close()
            except (OSError, ValueError, KeyError, http.client.HTTPException) as error:
                say(f"could not stop instances through the agent ({error}); killing them")
        stop_group(agent)
        # Instances outlive an agent by design; whatever still carries this agent's marker goes.
        if self.marker:
            leftovers = pids_with_marker(self.marker)
            if leftovers:
                say(f"killing {len(leftovers)} leftover instance process(es): {leftovers}")
                kill_pids(leftovers)
        self.children.stop_all()  # the proxy, and anything else still running


def demo_service_yaml(demo_app, name, port, instances, deploy_keys):
    """A demo-app service of a stack file; `deploy_keys` is the `deploy:` mapping's text (no indent)."""
    deploy = "\n".join("      " + line for line in deploy_keys.strip("\n").split("\n"))
    return f"""\
  {name}:
    command: {json.dumps(demo_app)}
    port: {port}
    instances: {instances}
    readiness:
      http:
        path: /api/health/readyz
        expectJSON:
          status: Ready
      interval: 1s
      timeout: 1s
    stopGracePeriod: 5s
    deploy:
{deploy}
"""


# ---------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster on loopback

PG_BIN = os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin")


class Postgres:
    """A PostgreSQL cluster of its own: `initdb` in `workdir/pg`, 127.0.0.1 on a free port, trust auth.

    The server runs as `postgres` when this runs as root (it refuses root), started with
    `pg_ctl -w` and stopped with `pg_ctl -m fast`; `stop()` is safe to call twice.
    `settings` are extra `postgresql.conf` lines. The client tools connect as `postgres`
    over TCP (`client_args()`), like Steward does.
    """

    def __init__(self, workdir, settings=""):
        self.dir = os.path.join(workdir, "pg")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "postgres.log")
        self.port = free_port()
        self.settings = settings
        self.started = False
        self.user = None
        if os.getuid() == 0:
            import pwd
            try:
                pwd.getpwnam("postgres")
                self.user = "postgres"
            except KeyError:
                raise RuntimeError("running as root and there is no `postgres` user to run the server as")

    def _as_server_user(self, argv):
        return (["/usr/sbin/runuser", "-u", self.user, "--"] + argv) if self.user else argv

    def _run(self, argv, what):
        result = subprocess.run(self._as_server_user(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{tail(self.log)}")

    def start(self):
        os.makedirs(self.dir, mode=0o700)
        if self.user:
            import pwd
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            # The server user must reach its directory through the scratch dir.
            os.chmod(os.path.dirname(self.dir), 0o711)
        self._run([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-sync"], "initdb")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"\n# bench\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                    f"unix_socket_directories = '{self.dir}'\n{self.settings}\n")
        with critical():
            self.started = True
            self._run([f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"], "pg_ctl start")

    def stop(self):
        if not self.started:
            return
        self.started = False
        subprocess.run(self._as_server_user([f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60",
                                             "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def client_args(self):
        return ["--host", "127.0.0.1", "--port", str(self.port), "--username", "postgres"]

    def client_env(self):
        return {k: v for k, v in os.environ.items() if not k.startswith("PG")}

    def psql(self, sql, database="postgres"):
        """One statement through psql; its output, unaligned, without headers."""
        result = subprocess.run([f"{PG_BIN}/psql"] + self.client_args() + ["-d", database, "-v", "ON_ERROR_STOP=1",
                                                                          "-tAc", sql],
                                env=self.client_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql {sql!r} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"
