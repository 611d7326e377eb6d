"""Tests for recovery.lsa.blas_threads: one thread inside the block, the previous count after it."""
import numpy as np

from recovery.lsa.blas_threads import _thread_controls, single_blas_thread


def test_single_thread_inside_and_restored_after():
    before = [get() for get, _ in _thread_controls()]
    with single_blas_thread():
        assert all(get() == 1 for get, _ in _thread_controls())
        A = np.eye(4) * 9.0
        assert np.linalg.cholesky(A)[0, 0] == 3.0
    assert [get() for get, _ in _thread_controls()] == before


def test_restored_after_an_exception():
    before = [get() for get, _ in _thread_controls()]
    try:
        with single_blas_thread():
            raise RuntimeError("inside")
    except RuntimeError:
        pass
    assert [get() for get, _ in _thread_controls()] == before
