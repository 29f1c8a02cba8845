"""The example files a hall copies must themselves be valid."""

from core.config import PROJECT_ROOT
from terminal.config import load_config


def test_example_hall_and_terminal_files_load():
    examples = PROJECT_ROOT / "config" / "examples"
    config = load_config([examples / "hall.toml", examples / "terminal.toml"])
    assert config["backend"]["mode"] == "remote"
    assert config["terminal"]["fullscreen"] is True
