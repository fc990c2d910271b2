"""Which totals a reader of the report's stop-and-search tables knows (walk-through 17, a
disclosure-control check). The report's audit took as known, with ``by = ["force"]``, each ethnic
group's searches summed over the forces in the files - a total that neither the report, police.uk
nor the Home Office publishes - and its secondary suppression hid Leicestershire's 67 Black searches
(and their ratio, 5.45 times White people's rate) to protect Other = 2 through Durham's row (police.uk,
seven forces, Dec 2019 - Feb 2020). The totals a reader knows are now:

- each area's searches over the groups (police.uk publishes every force's searches a month; the
  find table's blank-flag caveat publishes each such force's searches with the flag);
- the Home Office's force x ethnicity table: by CSP or district, each force's searches by group over
  its areas (one force's files by CSP stay protected against them); by month, each area's over the
  months.

Checked independently: the published counts against the csv module's count of the police.uk files;
every hidden count against scipy's linear programme (``linprog``, HiGHS) given every published cell
of both tables, those totals, ``hits <= n <= searches`` and hidden searches of at least 1 (zeros are
published): none is pinned to one value; and the published rates, limits and ratios, which give
counts back through the published populations (checked on the published rows), are hidden with
every hidden count."""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import build_report, policeuk_stop_search_rows

MARK = "[c]"
FOLDER = "stop_search/policeuk_7forces_2019-12_to_2020-02"
GROUPS = {"Asian/Asian British": "Asian", "Black/African/Caribbean/Black British": "Black",
          "Mixed/Multiple ethnic groups": "Mixed", "White": "White"}


def _csv_counts(folder):
    """(force slug, group) -> (searches, n, hits) from the police.uk files read with the csv module:
    person searches (not vehicle-only) by self-defined ethnicity ('Other ethnic group - Not stated'
    and blanks left out), those with the 'outcome linked' flag, and those with it True."""
    out: Counter = Counter()
    for force, row in policeuk_stop_search_rows(folder):
        eth = row["Self-defined ethnicity"]
        if row["Type"] == "Vehicle search" or not eth or eth == "Other ethnic group - Not stated":
            continue
        group = GROUPS.get(eth.split(" - ")[0], "Other")
        flag = row["Outcome linked to object of search"]
        out[(force, group, "searches")] += 1
        out[(force, group, "n")] += flag != ""
        out[(force, group, "hits")] += flag == "True"
    return out


def _report(tmp_path, files, by, area):
    out = build_report(tmp_path, f'title = "T"\narea = "{area}"\n[stop_search]\nfiles = {files}\n'
                                 f'by = {by}\ncensus = "2011"\n')
    disp = pd.read_csv(out / "stop_search_disproportionality.csv", dtype=str, keep_default_na=False)
    finds = pd.read_csv(out / "stop_search_find_rates.csv", dtype=str, keep_default_na=False)
    return out, disp, finds


def _zeros(truth, disp, finds, area):
    """A group with no searches (or none with the flag) in an area has a row of zeros."""
    for frame in (disp, finds):
        for r in frame.itertuples(index=False):
            for c in ("searches", "n", "hits"):
                truth.setdefault((getattr(r, area), r.group, c), 0)


def _csp_truth(files, disp, finds):
    """(CSP, group, column) -> the unsuppressed count of the report's tables by CSP, from the
    package's own placing of the searches (the CSPs' sums are checked against the csv module's
    force totals where a test needs them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = saferstats.read_stop_search(files)
        d_true = saferstats.disproportionality(recs, None, by=["csp"], census=2011)
        f_true = saferstats.outcome_test(recs, outcome="find", by=["csp"])
    truth = {(r.csp, r.group, "searches"): int(r.searches) for r in d_true.itertuples(index=False)}
    truth.update({(r.csp, r.group, c): int(getattr(r, c)) for r in f_true.itertuples(index=False) for c in ("n", "hits")})
    _zeros(truth, disp, finds, "csp")
    return truth


def _hidden(v) -> bool:
    return v == MARK


def _unpublished(v) -> bool:
    """Hidden, or blank: the find table blanks the searches flagged where the find rate is withheld
    as not comparable (session 28, w45a), so a reader does not have them either."""
    return v == MARK or v == ""


def _attack(disp, finds, area, truth, totals, n_totals, hit_totals=()):
    """Bounds of every hidden count (searches, n, hits and n - hits) by linprog. ``truth``: (area,
    group, column) -> true count; ``totals``: lists of (area, group) whose searches sum to a known
    total; ``n_totals``, ``hit_totals``: lists of (area, group) whose n, or hits, sum to a known
    total. Returns
    {cell: (low, high)}."""
    from scipy.optimize import linprog

    pub = {}
    for frame, cols in ((disp, ["searches"]), (finds, ["n", "hits"])):
        for r in frame.itertuples(index=False):
            for c in cols:
                pub[(getattr(r, area), r.group, c)] = getattr(r, c)
    var = sorted(k for k, v in pub.items() if _unpublished(v))
    pos = {k: i for i, k in enumerate(var)}

    def term(key):
        """(coefficient vector, constant) of one cell: a variable or its published value."""
        row = np.zeros(len(var))
        if key in pos:
            row[pos[key]] = 1.0
            return row, 0.0
        return row, float(pub[key])

    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for members, col in [*((m, "searches") for m in totals), *((m, "n") for m in n_totals),
                         *((m, "hits") for m in hit_totals)]:
        row, const = np.zeros(len(var)), 0.0
        members = [(a, g) for a, g in members if (a, g, col) in pub]  # (no row: no searches)
        for a, g in members:
            t, k = term((a, g, col))
            row, const = row + t, const + k
        if row.any():
            a_eq.append(row)
            b_eq.append(sum(truth[(a, g, col)] for a, g in members) - const)
    for a, g, c in pub:
        if c != "n":
            continue
        s = (a, g, "searches")
        pairs = [((a, g, "hits"), (a, g, "n"))] + ([((a, g, "n"), s)] if s in pub else [])
        for lo, hi in pairs:  # lo <= hi
            (tl, kl), (th, kh) = term(lo), term(hi)
            if (tl - th).any():
                a_ub.append(tl - th)
                b_ub.append(kh - kl)
        if s in pub and truth[(a, g, "n")] == truth[(a, g, "searches")]:
            # every search of the group has the flag (Essex records it on all): n is the searches count
            (tn, kn), (ts, ks) = term((a, g, "n")), term(s)
            if (tn - ts).any():
                a_eq.append(tn - ts)
                b_eq.append(ks - kn)
    # zeros are published in the searches table, so a hidden count there is at least 1 - unless the
    # report hid a zero as a last resort (two 1s alone under a known total), which it does so that
    # no hidden count is known to be positive (docs/methods/disclosure.md, E6)
    floor = 1 if all(truth[k] > 0 for k in var if k[2] == "searches") else 0
    bounds = [(floor if k[2] == "searches" else 0, None) for k in var]
    kw = dict(A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None, A_ub=np.array(a_ub) if a_ub else None,
              b_ub=b_ub or None, bounds=bounds, method="highs")
    objectives = {k: np.eye(len(var))[pos[k]] for k in var}
    for a, g, c in var:  # the unpublished n - hits of a row with n or hits hidden
        if c in ("n", "hits"):
            (tn, kn), (th, kh) = term((a, g, "n")), term((a, g, "hits"))
            objectives.setdefault((a, g, "n-hits"), (tn - th, kn - kh))
    out = {}
    for k, obj in objectives.items():
        vec, const = obj if isinstance(obj, tuple) else (obj, 0.0)
        lo, hi = linprog(vec, **kw), linprog(-vec, **kw)
        assert lo.status == 0 and hi.status == 0, k
        out[k] = (lo.fun + const, -hi.fun + const)
    return out


def _derived_hidden(disp, finds, area, per_year):
    """Rates x population give counts back (checked on the published rows), so every rate, limit,
    ratio and label of a row with a hidden count is hidden, and every ratio of an area whose White
    count is hidden; in the find table every rate and comparison of a row with n or hits hidden."""
    shown = disp[~disp["searches"].map(_hidden)]
    back = shown["rate"].astype(float) * shown["population"].astype(float) / (1000 * per_year)
    slack = 0.0005 * shown["population"].astype(float) / (1000 * per_year) + 1e-9
    assert ((back - shown["searches"].astype(float)).abs() <= slack).all()  # the attack works
    gone = disp["searches"].map(_hidden)
    for c in ("rate", "rate_lower", "rate_upper", "ratio", "ratio_lower", "ratio_upper", "reliable", "ratio_method"):
        assert disp.loc[gone, c].map(_hidden).all(), c
    for a, g in disp.groupby(area):
        if g.loc[g["group"] == "White", "searches"].map(_hidden).any():
            assert g.loc[g["group"] != "White", "ratio"].map(lambda v: _hidden(v) or v == "").all(), a
    f_gone = finds["n"].map(_hidden) | finds["hits"].map(_hidden)
    for c in ("rate", "rate_lower", "rate_upper", "diff", "rr", "p_value"):
        assert finds.loc[f_gone, c].map(lambda v: _hidden(v) or v in ("", "withheld")).all(), c


def _check_not_pinned(bounds, truth, threshold=5):
    """No hidden count is pinned to one value, nor a small unpublished n - hits; zeros aside (they
    are published where they are not parts of a hidden count: a zero is not a small count)."""
    for k, (lo, hi) in bounds.items():
        if k[2] == "n-hits":
            true = truth[(k[0], k[1], "n")] - truth[(k[0], k[1], "hits")]
            if not 0 < true < threshold:
                continue
        elif truth[k] == 0:
            continue
        assert hi - lo >= 1 - 1e-7, f"{k} is pinned to {lo:g}"


def test_by_force_publishes_leicestershire_black_and_protects_small_counts(tmp_path, shared_data):
    folder = shared_data / FOLDER
    out, disp, finds = _report(tmp_path, f'["{folder}"]', '["force"]', "Leicestershire")
    from saferstats.report.sections import _force_names

    counts = _csv_counts(folder)
    from saferstats.geography import display_name

    # the CSVs name forces as the page does (session 20: "City of London", not the ONS "London, City of")
    names = {f: display_name(n) for f, n in _force_names(sorted({f for f, _, _ in counts})).items()}
    truth = {(names[f], g, c): v for (f, g, c), v in counts.items()}
    _zeros(truth, disp, finds, "force")
    # the published counts are the csv module's
    for frame, cols in ((disp, ["searches"]), (finds, ["n", "hits"])):
        for r in frame.itertuples(index=False):
            for c in cols:
                if not _unpublished(getattr(r, c)):
                    assert int(getattr(r, c)) == truth[(r.force, r.group, c)], (r.force, r.group, c)
    leics = disp[disp["force"] == "Leicestershire"].set_index("group")
    assert truth[("Leicestershire", "Other", "searches")] == 2  # the premise
    assert leics.at["Black", "searches"] == "67" and leics.at["Black", "ratio"] != MARK
    assert _hidden(leics.at["Other", "searches"])
    # no more hidden than the force's total needs: one partner for Other in Leicestershire
    assert leics["searches"].map(_hidden).sum() == 2
    html = (out / "index.html").read_text()
    assert "Black people were searched at 5.45 times the rate of White people" in html
    # what a reader knows: each force's searches (police.uk), and the searches with the flag of
    # each force the blank-flag caveat names (it publishes them); not group totals over the forces
    groups = sorted(set(disp["group"]))
    totals = [[(f, g) for g in groups] for f in disp["force"].unique()]
    blank = {"Durham", "Leicestershire", "Merseyside"}
    assert all(f"{f}: " in html for f in blank)
    n_totals = [[(f, g) for g in groups] for f in sorted(blank)]
    bounds = _attack(disp, finds, "force", truth, totals, n_totals)
    assert len(bounds) >= 10
    _check_not_pinned(bounds, truth)
    _derived_hidden(disp, finds, "force", per_year=365.25 / 91)  # w44b: per year by days (Dec-Feb: 91)


def test_one_force_by_csp_stays_protected_against_its_force_totals(tmp_path, shared_data):
    """Leicestershire by CSP: its searches by group are the Home Office's force x ethnicity figures
    (police.uk's files give them too), so the CSPs' counts of each group sum to a known total."""
    files = sorted((shared_data / FOLDER).glob("*-leicestershire-stop-and-search.csv"))
    out, disp, finds = _report(tmp_path, [str(f) for f in files], '["csp"]', "Charnwood")
    truth = _csp_truth([str(f) for f in files], disp, finds)
    # the placed searches of each group are the force's (the csv module's count) less the few placed
    # outside the force: the CSPs' sum is within 4 of it (the exact sum is taken as known: more
    # protection, not less)
    counts = _csv_counts(files[0].parent)
    for g in sorted(set(disp["group"])):
        placed = sum(v for (a, gg, c), v in truth.items() if gg == g and c == "searches")
        assert 0 <= counts[("leicestershire", g, "searches")] - placed <= 4
    assert disp["searches"].map(_hidden).any()
    groups = sorted(set(disp["group"]))
    csps = list(disp["csp"].unique())
    totals = [[(a, g) for g in groups] for a in csps] + [[(a, g) for a in csps] for g in groups]
    bounds = _attack(disp, finds, "csp", truth, totals, [[(a, g) for a in csps for g in groups]])
    _check_not_pinned(bounds, truth)
    _derived_hidden(disp, finds, "csp", per_year=365.25 / 91)  # w44b: per year by days (Dec-Feb: 91)


@pytest.mark.parametrize("by, expect", [
    (["force"], 1), (["force", "month"], 2), (["csp"], 2), (["month"], 2), ([], 1)])
def test_known_totals_by_layout(by, expect):
    """The known totals of each layout, on a frame shaped like the report's (two CSPs of
    Leicestershire, one of Essex; the CSPs' forces from the ONS lookup by code)."""
    from saferstats.report.sections import _search_totals

    rows = [{"force": f, "csp": c, "csp_code": code, "month": m, "group": g}
            for f, c, code in (("Leicestershire", "Charnwood", "E22000165"), ("Leicestershire", "Leicester", "E22000168"),
                               ("Essex", "Basildon", "E22000079"))
            for m in ("2020-01", "2020-02") for g in ("Black", "White")]
    frame = pd.DataFrame(rows).drop_duplicates([*by, "group"]).reset_index(drop=True)
    labels = _search_totals(frame, by)
    assert len(labels) == expect
    parts = [sorted(map(tuple, frame.loc[lab == v, [*by, "group"]].to_numpy().tolist())) for lab in labels
             for v in np.unique(lab)]
    if by == ["force"]:  # each force's searches; no group total over the forces
        assert sorted(parts) == [[("Essex", "Black"), ("Essex", "White")],
                                 [("Leicestershire", "Black"), ("Leicestershire", "White")]]
    if by == ["csp"]:  # each CSP's searches, and each force's by group over its CSPs (not over all)
        assert [("Charnwood", "Black"), ("Leicester", "Black")] in parts
        assert [("Basildon", "Black")] in parts
        assert not any(len({x[0] for x in p}) == 3 for p in parts)
    if by == ["force", "month"]:  # each force's month, and each force's period by group
        assert [("Essex", "2020-01", "Black"), ("Essex", "2020-02", "Black")] in parts
        assert not any(len({x[0] for x in p}) > 1 for p in parts)


def test_seven_forces_by_csp_protected_against_each_forces_totals(tmp_path, shared_data):
    """Seven forces by CSP: each force's searches by group is a known total over its own CSPs (the
    Home Office's force x ethnicity table), not only their sum over the seven. Before, the audit
    knew only the sum, and a reader with the force's figures had Durham's Darlington Other (1) and
    Mixed (4) back (every Durham search is placed in one of its CSPs); with the sums over each
    force's CSPs taken as exact (the report's model), also Essex's Maldon Black (1) and five
    Leicestershire counts of 1 or 2."""
    from saferstats.geography import area_lookup

    folder = shared_data / FOLDER
    out, disp, finds = _report(tmp_path, f'["{folder}"]', '["csp"]', "Leicestershire")
    truth = _csp_truth(folder, disp, finds)
    force = area_lookup().drop_duplicates("csp_code").set_index("csp_code")["force"]
    force_of = dict(zip(disp["csp"], disp["csp_code"].map(force)))
    assert force_of["Darlington"] == "durham" and force_of["Maldon"] == "essex"
    assert [truth[("Darlington", g, "searches")] for g in ("Mixed", "Other")] == [4, 1]  # the premise
    groups, csps = sorted(set(disp["group"])), list(disp["csp"].unique())
    totals = [[(a, g) for g in groups] for a in csps]
    for f in sorted(set(force_of.values())):
        totals += [[(a, g) for a in csps if force_of[a] == f] for g in groups]
    blank = ["durham", "leicestershire", "merseyside"]  # the caveat on blank flags names these
    n_totals = [[(a, g) for a in csps if force_of[a] == f for g in groups] for f in blank]
    bounds = _attack(disp, finds, "csp", truth, totals, n_totals)
    assert len(bounds) > 100
    _check_not_pinned(bounds, truth)
    _derived_hidden(disp, finds, "csp", per_year=365.25 / 91)  # w44b: per year by days (Dec-Feb: 91)


def test_derbyshire_by_csp_protected_against_the_finds_the_caveat_publishes(tmp_path, shared_data):
    """The caution on finds that ended in no further action publishes Derbyshire's finds ("275 of
    369"), the sum of the find table's hits over its CSPs: a known total, in the problem with the
    force's searches by group."""
    import re

    files = sorted((shared_data / FOLDER).glob("*-derbyshire-stop-and-search.csv"))
    out, disp, finds = _report(tmp_path, [str(f) for f in files], '["csp"]', "Derbyshire")
    truth = _csp_truth([str(f) for f in files], disp, finds)
    html = (out / "index.html").read_text()
    said = [int(x.replace(",", "")) for x in re.findall(r"Derbyshire: [\d,]+ of ([\d,]+)", html)]
    hits = sum(v for k, v in truth.items() if k[2] == "hits")
    assert hits in said  # the caveat's total is the table's
    assert finds["hits"].map(_unpublished).any()  # (withheld rows' hits are blank, not [c], w46b)
    groups, csps = sorted(set(disp["group"])), list(disp["csp"].unique())
    totals = [[(a, g) for g in groups] for a in csps] + [[(a, g) for a in csps] for g in groups]
    bounds = _attack(disp, finds, "csp", truth, totals, [], [[(a, g) for a in csps for g in groups]])
    _check_not_pinned(bounds, truth)
    _derived_hidden(disp, finds, "csp", per_year=365.25 / 91)  # w44b: per year by days (Dec-Feb: 91)


def test_csp_report_headline_names_its_force_as_the_area_that_includes_it(tmp_path, shared_data):
    """A Charnwood report with searches by force: the headline is Leicestershire's, said as the
    hate-crime finding says it; the ratio is the table's (5.45 on 67 Black searches, counted by csv)."""
    files = sorted((shared_data / FOLDER).glob("*-leicestershire-stop-and-search.csv"))
    out, disp, _ = _report(tmp_path, [str(f) for f in files], '["force"]', "Charnwood")
    row = disp[disp["group"] == "Black"].iloc[0]
    assert int(row["searches"]) == _csv_counts(files[0].parent)[("leicestershire", "Black", "searches")] == 67
    html = (out / "index.html").read_text()
    assert (f"In Leicestershire (the police force area that includes Charnwood), Black people were searched at "
            f"{float(row['ratio']):.2f} times the rate of White people") in html
