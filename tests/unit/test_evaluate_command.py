"""``python -m bot evaluate`` fails early with one clear line on bad arguments (no training starts)."""

from bot import cli
from bot.evaluation import quiet


def test_unknown_system_is_one_line_and_exit_1(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(quiet, "silence", lambda: None)  # keep this process's environment as it is
    monkeypatch.setenv("MANABI_LOG_DIR", str(tmp_path))
    assert cli.main(["evaluate", "--systems", "ours,nonsense"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("evaluation failed: unknown system: nonsense")
    assert (tmp_path / "evaluate.log").exists()


def test_missing_config_is_reported(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(quiet, "silence", lambda: None)
    monkeypatch.setenv("MANABI_LOG_DIR", str(tmp_path))
    assert cli.main(["evaluate", "--systems", "ours", "--config", str(tmp_path / "missing.yml")]) == 1
    assert "config not found" in capsys.readouterr().err
