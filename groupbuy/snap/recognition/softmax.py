"""Multinomial logistic regression in numpy, and its temperature calibration."""

from __future__ import annotations

import numpy as np

ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def fit_softmax(
    features: np.ndarray,
    targets: np.ndarray,
    classes: int,
    *,
    regularisation: float,
    iterations: int,
    learning_rate: float = 0.05,
) -> tuple[np.ndarray, np.ndarray]:
    """Return weights (dims x classes) and bias minimising L2-regularised log loss.

    Full-batch Adam: the feature matrices here (thousands of photos, a few
    thousand dimensions) fit in memory, and each step is two BLAS products.
    The loss is convex, so starting from zero gives a reproducible model.
    """
    features = features.astype(np.float32, copy=False)
    weights = np.zeros((features.shape[1], classes), np.float32)
    bias = np.zeros(classes, np.float32)
    one_hot = np.eye(classes, dtype=np.float32)[targets]
    moments = [
        (np.zeros_like(weights), np.zeros_like(weights)),
        (np.zeros_like(bias), np.zeros_like(bias)),
    ]
    for step in range(1, iterations + 1):
        error = (softmax(features @ weights + bias) - one_hot) / len(features)
        gradients = (features.T @ error + regularisation * weights, error.sum(axis=0))
        for parameter, gradient, (first, second) in zip(
            (weights, bias), gradients, moments, strict=True
        ):
            first *= ADAM_BETA1
            first += (1 - ADAM_BETA1) * gradient
            second *= ADAM_BETA2
            second += (1 - ADAM_BETA2) * gradient * gradient
            corrected_first = first / (1 - ADAM_BETA1**step)
            corrected_second = second / (1 - ADAM_BETA2**step)
            parameter -= (
                learning_rate * corrected_first / (np.sqrt(corrected_second) + 1e-8)
            )
    return weights, bias


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """Return the temperature minimising the log loss of ``logits`` on ``targets``."""
    candidates = np.exp(np.linspace(np.log(0.25), np.log(8.0), 61))
    losses = [_log_loss(logits / t, targets) for t in candidates]
    return float(candidates[int(np.argmin(losses))])


def _log_loss(logits: np.ndarray, targets: np.ndarray) -> float:
    probabilities = softmax(logits)
    chosen = probabilities[np.arange(len(targets)), targets]
    return float(-np.log(np.maximum(chosen, 1e-12)).mean())
