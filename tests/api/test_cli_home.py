"""The command line finds its configuration the same way from any directory, says where it
looked when it finds none, and `remu serve` checks its port before anything else."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from api.composition import main
from api.settings import ConfigurationError, find_home, load_settings
from remuneration.demo.loader import demo_sign_ins

ROOT = Path(__file__).resolve().parents[2]

_CLEAN = ("REMU_HOME", "REMU_JWT_SECRET", "REMU_DATA_KEY", "DATABASE_URL", "REMU_DATABASE_URL")


@pytest.fixture(autouse=True)
def _no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _CLEAN:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A directory where `remu demo` ran once: var/ holds the secrets and the database."""
    (tmp_path / "docs" / "deep").mkdir(parents=True)
    return tmp_path


def _demo(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(home)
    assert main(["demo", "--trainees", "3"]) == 0


def test_the_configuration_is_found_from_a_subdirectory(
    checkout: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _demo(checkout, monkeypatch)
    capsys.readouterr()
    monkeypatch.chdir(checkout / "docs" / "deep")
    assert find_home() == checkout.resolve()
    settings = load_settings()
    assert settings.database_url.endswith(f"{checkout.resolve()}/var/remu.sqlite3")
    assert settings.document_store_dir == checkout.resolve() / "var" / "documents"
    assert main(["check-config"]) == 0
    assert "Configuration valide" in capsys.readouterr().out
    assert not (checkout / "docs" / "deep" / "var").exists()


def test_remu_home_wins_over_the_current_directory(
    checkout: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    _demo(checkout, monkeypatch)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("REMU_HOME", str(checkout))
    assert find_home() == checkout.resolve()
    assert main(["jobs", "list"]) == 0


def test_without_configuration_the_error_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    start = tmp_path / "a" / "b"
    start.mkdir(parents=True)
    monkeypatch.chdir(start)
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    message = str(refused.value)
    assert str(start.resolve() / "var" / "remu.env") in message
    assert "REMU_HOME" in message
    assert main(["check-config"]) == 2
    assert str(start.resolve()) in capsys.readouterr().err


def test_serve_refuses_a_taken_port_before_creating_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--demo", "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert f"port {port}" in err and "PORT=" in err
    assert out == ""  # no token printed
    assert not (tmp_path / "var").exists()


def test_a_found_but_refused_file_is_named_as_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "remu.env").write_text("REMU_JWT_SECRET=changeme\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    assert f"{tmp_path.resolve() / 'var' / 'remu.env'} (trouvé et lu)" in str(refused.value)
    assert "REMU_JWT_SECRET" in str(refused.value)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_serve_prints_the_sign_ins_with_the_port_it_serves(
    checkout: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`remu serve --demo --port P` (what `make run PORT=P` runs) names P in the sign-ins, and
    the console answers there."""
    _demo(checkout, monkeypatch)
    assert "http://127.0.0.1:8000/" in capsys.readouterr().err  # `remu demo` serves nothing
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in _CLEAN}
    env["PYTHONPATH"] = str(ROOT)
    entry = "import sys; from api.composition import main; sys.exit(main(sys.argv[1:]))"
    server = subprocess.Popen(
        [sys.executable, "-c", entry, "serve", "--demo", "--port", str(port)],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        last_name = demo_sign_ins()[-1][1]
        lines: list[str] = []
        while not lines or last_name not in lines[-1]:
            line = server.stderr.readline()
            assert line, "remu serve stopped before printing its sign-ins:\n" + "".join(lines)
            lines.append(line)
        printed = "".join(lines)
        assert f"ouvrez http://127.0.0.1:{port}/ et connectez-vous avec" in printed
        assert ":8000" not in printed
        _wait_for_console(port)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)


def _wait_for_console(port: int) -> None:
    """The sign-in page answers on the printed port (the server may still be starting)."""
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion", timeout=5) as page:
                assert page.status == 200
                assert "Connexion" in page.read().decode("utf-8")
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing answers on port {port}")
