"""lsahard.recovery: the LSA side (prompts, model, population objective, realisability, programs, solvers, training)."""
from .phi import (
    D_matrix,
    D_pattern,
    S_to_X,
    X_to_S,
    features,
    flat_index,
    gram,
    gvec,
    num_pairs,
    pair_position,
    pairs,
    phi,
    phi_block,
    phi_matrix_in_A,
    phi_matrix_in_b,
    unflat_index,
)
from .lsa import lsa_forward, predict, predict_one_layer, sparse_to_dense
