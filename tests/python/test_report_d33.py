"""The report's study area: a name that is a county council and a larger police force area (Essex),
or areas of different extent (Durham), is refused as the choice it is, in the config's words (it was
"is not a police force area, CSP or local authority", since the refusal is an UnknownAreaError too)."""
import pandas as pd
import pytest

from saferstats.report.config import ConfigError
from saferstats.report.inputs import points_in_study_area

POINT = pd.DataFrame({"lat": [51.73], "lon": [0.47]})  # Chelmsford


@pytest.mark.parametrize("area, says", [
    ("Essex", 'add study_area_level = "force" for the force area, or a district\'s name'),
    ("Durham", 'add study_area_level = "force", "csp" or "la"'),
])
def test_an_ambiguous_study_area_is_refused_as_a_choice_in_config_words(area, says):
    with pytest.raises(ConfigError) as err:
        points_in_study_area(POINT, "lat", "lon", area, None)
    text = str(err.value)
    assert text.startswith(f"[hotspots] study_area = '{area}': ") and says in text
    assert "is not a police force area" not in text and "level=" not in text
    assert err.value.argument == "hotspots.study_area"


def test_the_level_chooses():
    inside, note, _ = points_in_study_area(POINT, "lat", "lon", "Essex", "force")
    assert len(inside) == 1 and "Essex" in note


def test_a_force_key_that_selects_nothing_is_said_as_the_config_key(shared_data):
    """[stop_search] force = "Derbyshire" with the seven-force folder: the key names the force of files
    that do not say theirs and selects nothing (w33d's reader warning); the report says so as its key,
    not with the reader's pandas advice."""
    import warnings

    from conftest import shared_path
    from saferstats.report.sections import _stop_search

    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Derbyshire"}
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        _stop_search(cfg, {"files": [str(folder)], "force": "Derbyshire", "by": ["force"]})
    said = [str(w.message) for w in got if "selects nothing" in str(w.message)]
    assert len(said) == 1, said
    assert said[0].startswith('read_stop_search: [stop_search] force = "Derbyshire" names the force of files')
    assert "derbyshire 506" in said[0] and "22,587 records" in said[0]
    assert said[0].endswith("list only its files in [stop_search] files") and "df[" not in said[0]
