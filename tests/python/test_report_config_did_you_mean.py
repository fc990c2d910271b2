"""An unknown key in the report's config names the key it is close to (session 15): "unknown key(s)
['fles']" (since session 31 "unknown key 'fles'") alone left the analyst to find 'files' in the list of valid keys. The library's one
matcher (_frames.near_column) decides, so a key close to nothing gets no guess."""

import pytest

from saferstats.report.config import ConfigError, validate_config


@pytest.mark.parametrize("section, key, meant", [("hotspots", "fles", "files"), ("stop_search", "by_", "by"),
                                                 ("report", "auther", "author")])
def test_an_unknown_key_names_the_one_meant(section, key, meant):
    cfg = {"title": "T", section: {key: "x"}}
    with pytest.raises(ConfigError, match=rf"unknown key '{key}' \(did you mean '{meant}' for '{key}'\?\); valid: "):
        validate_config(cfg)


def test_a_key_close_to_nothing_gets_no_guess():
    with pytest.raises(ConfigError) as e:
        validate_config({"title": "T", "hotspots": {"zzz": 1}})
    assert "did you mean" not in str(e.value) and "unknown key 'zzz'; valid: " in str(e.value)
