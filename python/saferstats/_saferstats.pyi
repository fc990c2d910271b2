"""Type stubs for the compiled core ``saferstats._saferstats`` (Rust, PyO3).

Every array argument is a 1-D contiguous float64 numpy array (borrowed without copying); every
array result is moved from Rust into numpy without copying. Method codes index
:func:`ci_method_labels`.
"""

import numpy as np
import numpy.typing as npt

__version__: str

F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]

def ci_method_labels() -> list[str]: ...
def esp2013() -> list[float]: ...
def rate_ci(
    count: F64, population: F64, multiplier: float, confidence: float, method: str, missing: str
) -> tuple[F64, F64, F64, U8]: ...
def proportion_ci(
    successes: F64, trials: F64, multiplier: float, confidence: float, method: str, missing: str
) -> tuple[F64, F64, F64, U8]: ...
def rate_ratio(
    count_a: F64,
    population_a: F64,
    count_b: F64,
    population_b: F64,
    confidence: float,
    method: str,
    missing: str,
) -> tuple[F64, F64, F64, U8, F64, F64]: ...
def proportion_difference(
    successes_a: F64, trials_a: F64, successes_b: F64, trials_b: F64, confidence: float, missing: str
) -> tuple[F64, F64, F64, U8]: ...
def dsr(
    counts: F64, populations: F64, standard: F64, multiplier: float, confidence: float
) -> tuple[float, float, float, float, float, int, str | None]: ...
