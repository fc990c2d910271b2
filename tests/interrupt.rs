//! Long computations stop with `Error::Interrupted` once their `Cancel` flag is set (issue 15:
//! the trend fits of many series, E-tests on arrays, the area index build), and the plain forms
//! (which never cancel) give the same answers as the `_with` forms.

use saferstats::cancel::Cancel;
use saferstats::geography::{AreaIndex, AreaIndexOptions};
use saferstats::monitoring::etest::{e_test_many, e_test_many_with};
use saferstats::trend::{poisson_trend_many, poisson_trend_many_with, TrendOptions};
use saferstats::Error;

fn cancelled() -> Cancel {
    let c = Cancel::new();
    c.cancel();
    c
}

#[test]
fn poisson_trend_many_stops_when_cancelled() {
    let y = [10., 12., 15., 5., 4., 3.];
    let pop = [1e4; 6];
    let t = [0., 1., 2., 0., 1., 2.];
    let opts = TrendOptions::default();
    let r = poisson_trend_many_with(&y, &pop, &t, &[0, 3, 6], &opts, &cancelled());
    assert!(matches!(r, Err(Error::Interrupted)), "{r:?}");
    let a = poisson_trend_many(&y, &pop, &t, &[0, 3, 6], &opts).unwrap();
    let b = poisson_trend_many_with(&y, &pop, &t, &[0, 3, 6], &opts, &Cancel::new()).unwrap();
    for (p, q) in a.iter().zip(&b) {
        assert_eq!(
            (p.apc, p.apc_lower, p.apc_upper, p.p_value),
            (q.apc, q.apc_lower, q.apc_upper, q.p_value)
        );
    }
}

#[test]
fn e_test_many_stops_when_cancelled() {
    let k = [6.0, 2.0, 30.0];
    let n = [1.0, 1.0, 2.0];
    let r = e_test_many_with(&k, &k, &n, &n, &cancelled());
    assert!(matches!(r, Err(Error::Interrupted)), "{r:?}");
    let a = e_test_many(&k, &[2.0, 6.0, 10.0], &n, &n).unwrap();
    let b = e_test_many_with(&k, &[2.0, 6.0, 10.0], &n, &n, &Cancel::new()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn area_index_build_stops_when_cancelled() {
    let (x, y) = ([0.0, 2.0, 0.0], [0.0, 0.0, 2.0]);
    let opts = AreaIndexOptions::default();
    let r = AreaIndex::from_rings_with(&x, &y, &[0, 3], &[0], 1, &opts, &cancelled());
    assert!(matches!(r, Err(Error::Interrupted)));
    let idx = AreaIndex::from_rings_with(&x, &y, &[0, 3], &[0], 1, &opts, &Cancel::new()).unwrap();
    assert_eq!(
        idx.locate(&[0.5, 3.0], &[0.5, 3.0]),
        AreaIndex::from_rings(&x, &y, &[0, 3], &[0], 1, &opts)
            .unwrap()
            .locate(&[0.5, 3.0], &[0.5, 3.0])
    );
}
