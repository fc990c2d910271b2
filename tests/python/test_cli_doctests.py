"""The command line's docstring examples run (pytest's --doctest-modules does not collect
``saferstats/__main__.py``: one of them had gone stale unseen, w33b)."""
import doctest

import saferstats.__main__ as cli


def test_the_cli_docstring_examples_pass():
    result = doctest.testmod(cli, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 40
    assert result.failed == 0
