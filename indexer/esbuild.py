"""Building the local node's launcher (`esnode/`, with Maven, from Maven Central) and finding a JDK
new enough for the pinned Elasticsearch: what `indexer.esnode` needs before it can start a node."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

Progress = Callable[[str], None]

ESNODE_DIR = Path(__file__).resolve().parent.parent / "esnode"
POM = ESNODE_DIR / "pom.xml"
TARGET_DIR = ESNODE_DIR / "target"
JAR = TARGET_DIR / "esnode.jar"
CLASSPATH_FILE = TARGET_DIR / "classpath.txt"
LAUNCHER_CLASS = "quotes.esnode.Launcher"
BUILD_LOG_NAME = "build.log"
DEFAULT_HEAP_MIN = "512m"
DEFAULT_HEAP_MAX = "1g"


class EsNodeError(RuntimeError):
    """The local node could not be built, started or stopped (one-line message)."""


def _silent(_: str) -> None:
    return None


# --------------------------------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------------------------------


def es_version() -> str:
    """The Elasticsearch version pinned in esnode/pom.xml."""
    match = re.search(r"<elasticsearch\.version>\s*([^<\s]+)\s*</elasticsearch\.version>", POM.read_text())
    if match is None:
        raise EsNodeError(f"no <elasticsearch.version> in {POM}")
    return match.group(1)


def required_java_version() -> int:
    """Elasticsearch 9.x is Java 21 bytecode, 8.x runs on 17."""
    major = int(es_version().split(".")[0])
    return 21 if major >= 9 else 17


def ensure_built(progress: Progress | None = None) -> str:
    """Compile the launcher and resolve the jars if needed; return the Java classpath string."""
    say = progress or _silent
    if _build_is_current():
        return _classpath()
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with _build_lock():
        if _build_is_current():  # built by someone else while we waited
            return _classpath()
        mvn = shutil.which("mvn")
        if mvn is None:
            raise EsNodeError(
                "Maven (mvn) is not installed; it is needed once to fetch Elasticsearch from Maven Central"
            )
        java_home = find_java(required_java_version()).parent.parent
        env = {**os.environ, "JAVA_HOME": str(java_home)}
        base = [mvn, "-q", "-B", "-f", str(POM), "package"]
        build_log = TARGET_DIR / BUILD_LOG_NAME
        attempts: list[list[str]] = []
        if CLASSPATH_FILE.exists():
            attempts.append([*base[:1], "-o", *base[1:]])  # jars already resolved once: stay offline
        attempts.append(base)
        if not CLASSPATH_FILE.exists():
            say(f"building esnode: fetching Elasticsearch {es_version()} from Maven Central (~90 MB, once)")
        else:
            say("rebuilding esnode launcher")
        result: subprocess.CompletedProcess[str] | None = None
        for cmd in attempts:
            result = subprocess.run(
                cmd, env=env, cwd=ESNODE_DIR, capture_output=True, text=True, stdin=subprocess.DEVNULL
            )
            build_log.write_text(f"$ {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
            if result.returncode == 0:
                break
        assert result is not None
        if result.returncode != 0:
            output = (result.stdout + "\n" + result.stderr).splitlines()
            line = last_error_line(output) or f"exit {result.returncode}"
            raise EsNodeError(f"building esnode failed (see {build_log}): {line}")
        # Maven leaves an unchanged jar / classpath file alone; mark both as fresh after a good build
        for built in (JAR, CLASSPATH_FILE):
            if built.exists():
                os.utime(built)
        if not _build_is_current():
            raise EsNodeError(f"Maven finished but {JAR} / {CLASSPATH_FILE} are missing or stale")
        return _classpath()


def _build_is_current() -> bool:
    if not (JAR.exists() and CLASSPATH_FILE.exists()):
        return False
    built = min(JAR.stat().st_mtime, CLASSPATH_FILE.stat().st_mtime)
    sources = [POM, *(p for p in (ESNODE_DIR / "src").rglob("*") if p.is_file())]
    if any(p.stat().st_mtime > built for p in sources):
        return False
    return all(Path(entry).exists() for entry in _classpath_entries())


def _classpath_entries() -> list[str]:
    return [e for e in CLASSPATH_FILE.read_text().strip().split(os.pathsep) if e]


def _classpath() -> str:
    return os.pathsep.join([str(JAR), *_classpath_entries()])


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    with open(TARGET_DIR / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --------------------------------------------------------------------------------------------------
# Java
# --------------------------------------------------------------------------------------------------


def find_java(required: int) -> Path:
    """The ``java`` executable to use: ``$QUOTES_ES_JAVA_HOME``, else the newest JDK >= ``required``."""
    forced = os.environ.get("QUOTES_ES_JAVA_HOME")
    if forced:
        java = Path(forced).expanduser() / "bin" / "java"
        if not java.exists():
            raise EsNodeError(f"QUOTES_ES_JAVA_HOME={forced} has no bin/java")
        version = _java_major(java.parent.parent)
        if version is not None and version < required:
            raise EsNodeError(
                f"QUOTES_ES_JAVA_HOME={forced} is Java {version}; "
                f"Elasticsearch {es_version()} needs Java {required}+"
            )
        return java

    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        candidates += sorted(p for p in jvm_root.iterdir() if p.is_dir())
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)

    best: tuple[int, Path] | None = None
    seen: set[Path] = set()
    for home in candidates:
        home = home.resolve()
        if home in seen or not (home / "bin" / "java").exists():
            continue
        seen.add(home)
        version = _java_major(home)
        if version is not None and version >= required and (best is None or version > best[0]):
            best = (version, home)
    if best is None:
        raise EsNodeError(
            f"Elasticsearch {es_version()} needs Java {required}+; none found in $JAVA_HOME, /usr/lib/jvm "
            "or PATH (set QUOTES_ES_JAVA_HOME)"
        )
    return best[1] / "bin" / "java"


def _java_major(home: Path) -> int | None:
    release = home / "release"
    text = ""
    if release.exists():
        match = re.search(r'^JAVA_VERSION="([^"]+)"', release.read_text(errors="replace"), re.MULTILINE)
        text = match.group(1) if match else ""
    if not text:
        try:
            out = subprocess.run(
                [str(home / "bin" / "java"), "-version"], capture_output=True, text=True, timeout=30
            ).stderr
        except (OSError, subprocess.TimeoutExpired):
            return None
        match = re.search(r'version "([^"]+)"', out)
        text = match.group(1) if match else ""
    match = re.match(r"(?:1\.)?(\d+)", text)
    return int(match.group(1)) if match else None


def jvm_options(home: Path, heap: str | None = None) -> list[str]:
    heap_min = heap or os.environ.get("QUOTES_ES_HEAP_MIN", DEFAULT_HEAP_MIN)
    heap_max = heap or os.environ.get("QUOTES_ES_HEAP_MAX", DEFAULT_HEAP_MAX)
    opts = [
        f"-Xms{heap_min}",
        f"-Xmx{heap_max}",
        "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        "-Xss1m",
        f"-Djava.io.tmpdir={home / 'tmp'}",
        "-Dfile.encoding=UTF-8",
        "-Djava.locale.providers=CLDR",
        "-Djna.nosys=true",
        # the same Netty/Log4j switches as the Elasticsearch distribution's system JVM options
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        "-Dlog4j.shutdownHookEnabled=false",
        "-Dlog4j2.disable.jmx=true",
        "-Dlog4j2.formatMsgNoLookups=true",
        "--enable-native-access=ALL-UNNAMED",
        "--add-modules=jdk.incubator.vector",
    ]
    extra = os.environ.get("QUOTES_ES_JAVA_OPTS", "").split()
    return opts + extra


ERROR_HINT = re.compile(
    r"(esnode: node failed|ERROR|Exception|Error:|Caused by|error:|Could not|Unrecognized)"
)


def last_error_line(lines: list[str]) -> str:
    for line in reversed(lines):
        text = line.strip()
        if not text or text.startswith("at ") or text.startswith("..."):
            continue
        if ERROR_HINT.search(text):
            return text[:400]
    return ""
