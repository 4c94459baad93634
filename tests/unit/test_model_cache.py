"""The stock baseline's cache key: what reaches an NLU model, and nothing else."""

from bot.evaluation.model_cache import fingerprint

DOMAIN = """version: "3.1"
intents: [greet, deny]
entities: [exam]
responses:
  utter_greet:
    - text: こんにちは
"""


def key(tmp_path, domain=DOMAIN, data="- intent: greet\n", config="pipeline: []\n"):
    (tmp_path / "domain.yml").write_text(domain, encoding="utf-8")
    (tmp_path / "nlu").mkdir(exist_ok=True)
    (tmp_path / "nlu" / "basics.yml").write_text(data, encoding="utf-8")
    (tmp_path / "config.yml").write_text(config, encoding="utf-8")
    return fingerprint(tmp_path / "config.yml", tmp_path / "nlu", tmp_path / "domain.yml")


def test_a_new_response_keeps_the_key(tmp_path):
    assert key(tmp_path) == key(tmp_path, DOMAIN.replace("こんにちは", "こんにちは！"))


def test_intents_data_and_config_change_the_key(tmp_path):
    base = key(tmp_path)
    assert key(tmp_path, DOMAIN.replace("[greet, deny]", "[greet]")) != base
    assert key(tmp_path, data="- intent: deny\n") != base
    assert key(tmp_path, config="pipeline: [x]\n") != base
