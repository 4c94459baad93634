"""The confusion-matrix image of one system on one set (matplotlib, Agg backend, ASCII labels)."""

from __future__ import annotations

from pathlib import Path


def save(matrix: dict, path: Path, title: str) -> None:
    """``matrix`` = {"labels": [...], "rows": [[...]]} as in the JSON report; rows are gold intents
    (the last label, nlu_fallback, is a predicted column only)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = matrix["labels"]
    rows = np.array(matrix["rows"], dtype=float)
    gold_labels = labels[:-1] if labels and labels[-1] == "nlu_fallback" else labels
    rows = rows[: len(gold_labels)]
    totals = rows.sum(axis=1, keepdims=True)
    shares = np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)

    figure, axes = plt.subplots(figsize=(12, 10), dpi=100)
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    axes.set_xticks(range(len(labels)), labels=labels, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(gold_labels)), labels=gold_labels, fontsize=8)
    axes.set_xlabel("predicted intent")
    axes.set_ylabel("true intent")
    axes.set_title(title, fontsize=11)
    for i in range(rows.shape[0]):
        for j in range(rows.shape[1]):
            count = int(rows[i, j])
            if count:
                axes.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if shares[i, j] > 0.5 else "black",
                )
    figure.colorbar(image, ax=axes, fraction=0.035, label="share of the true intent's utterances")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
