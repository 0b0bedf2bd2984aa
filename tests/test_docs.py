"""Every command is documented in the README with an example; every setting in docs/settings.md; the public API is explicit."""

from pathlib import Path

import typer.main

import storyline
from storyline.cli import app
from storyline.settings import SETTINGS, settings_markdown

ROOT = Path(__file__).resolve().parents[1]


def _commands():
    return typer.main.get_command(app).commands


def test_every_command_in_readme_and_has_an_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in _commands().items():
        assert f"storyline {name}" in readme, f"README does not show `storyline {name}`"
        assert "Example" in (command.help or ""), f"`storyline {name}` help has no example"


def test_every_module_and_package_is_in_the_readme_layout():
    """The layout left out narration/, web/, watching.py and five more: where `storyline report` and `serve`
    come from could not be read off it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    package = ROOT / "src" / "storyline"
    names = [p.name + ("/" if p.is_dir() else "") for p in package.iterdir()
             if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").exists()]
    missing = [n for n in sorted(names) if f"`{n}`" not in layout and f"`src/storyline/{n}`" not in layout]
    assert not missing, f"README's Layout does not name {missing}"


def test_settings_doc_is_generated_from_the_declarations():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), "docs/settings.md is stale: run `storyline settings --markdown > docs/settings.md`"
    assert all(f"`{s.name}`" in doc for s in SETTINGS)


def test_public_api_is_explicit():
    for name in storyline.__all__:
        assert hasattr(storyline, name), name
    assert len(storyline.__all__) == len(set(storyline.__all__))
    assert issubclass(storyline.MalformedLine, storyline.InputError)
    assert issubclass(storyline.InputError, storyline.StorylineError)


def test_packaged_default_config_matches_the_declarations():
    from storyline.settings import default_config

    packaged = (ROOT / "src" / "storyline" / "default.cfg").read_text(encoding="utf-8")
    assert packaged.strip() == default_config().strip(), "run `storyline settings --cfg > src/storyline/default.cfg`"


def test_the_readme_gives_the_packaged_models_shares_of_pairs_that_belong_together_as_train_prints_them():
    """The README said ECB+ join 17.9%, story 7.2%, GVA story 0.4%; the packaged model holds 17.8%, 6.9%, 0.5%."""
    import re

    from storyline.events.model import Models

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"the packaged model's: ECB\+ dev join ([\d.]+%), story ([\d.]+%); GVA dev join ([\d.]+%), "
                     r"story ([\d.]+%)", readme)
    together = Models.load().scores["together"]
    held = [f"{together[name][model]:.1%}" for name in ("ecbplus-dev.jsonl", "gva-dev.jsonl") for model in ("join", "story")]
    assert said and list(said.groups()) == held
