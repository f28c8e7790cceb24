"""Trains the safety model's three linear heads on the features Swift makes, and exports their weights.

Input: JSON lines from `tsunagu-safety features` ({"tier", "category", "features"}). The features come from
the same Swift code that scores at run time (MeCab lemmas with the same dictionary, character n-grams, what the
rules found), so training and serving cannot drift apart.

Heads (scikit-learn LogisticRegression, L2):
  risk       danger of any tier vs none                      (all messages)
  emergency  emergency vs concern                            (messages with danger)
  category   which of the eight categories                   (messages with danger)

5-fold cross-validation gives out-of-fold probabilities, from which the thresholds are chosen (printed, and
written into the model file): the lowest risk threshold whose out-of-fold precision is at least RISK_PRECISION
(the model alone raises a message only when it is that sure; the rules add recall), the lowest threshold whose
precision is at least CONFIRM_PRECISION for keeping a doubtful rule finding (distance context, an idiom) or
overruling a denial, and the lowest emergency threshold whose out-of-fold precision
among messages with danger is at least EMERGENCY_PRECISION.
"""
import json
import sys

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

RISK_PRECISION = 0.87
CONFIRM_PRECISION = 0.93
PRUNE = 0.08
EMERGENCY_PRECISION = 0.97
CATEGORIES = ["suicide", "self_harm", "violence", "sexual_violence", "confinement", "stalking", "minor_unsafe", "medical"]


def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return rows


def fit(x, y, c, multi=False):
    model = LogisticRegression(C=c, max_iter=4000, class_weight="balanced")
    return model.fit(x, y)


def out_of_fold(x, y, c, seed=7):
    """Out-of-fold probabilities of the positive class (binary) from 5 folds."""
    probabilities = np.zeros(len(y))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, y):
        probabilities[test] = fit(x[train], y[train], c).predict_proba(x[test])[:, 1]
    return probabilities


def lowest_threshold(probabilities, truth, precision, start):
    """The lowest threshold from `start` whose out-of-fold precision reaches `precision` (0.95 if none does)."""
    for threshold in np.arange(start, 0.95, 0.01):
        raised = probabilities >= threshold
        if np.sum(raised) and np.sum(raised & truth) / np.sum(raised) >= precision:
            return float(threshold)
    return 0.95


def main(features_path, output_path, report=True):
    rows = load(features_path)
    return train(rows, output_path, report)


def train(rows, output_path, report=True):
    vectorizer = DictVectorizer()
    x_all = vectorizer.fit_transform([{f: 1 for f in row["features"]} for row in rows]).tocsc()
    # Features seen in at least two messages: a feature of one message only memorises it.
    counts = np.asarray((x_all > 0).sum(axis=0)).ravel()
    keep = np.where(counts >= 2)[0]
    x = x_all[:, keep].tocsr()
    names = np.array(vectorizer.get_feature_names_out())[keep]
    risk = np.array([row["tier"] != "none" for row in rows])
    positives = np.where(risk)[0]
    emergency = np.array([row["tier"] == "emergency" for row in rows])[positives]
    category = np.array([CATEGORIES.index(row["category"]) for row in rows if row["tier"] != "none"])
    say = print if report else (lambda *args, **kwargs: None)
    say(f"messages {len(rows)}, with danger {len(positives)}, features {len(names)} (of {x_all.shape[1]})")

    c = 1.0
    risk_oof = out_of_fold(x, risk, c)
    emergency_oof = out_of_fold(x[positives], emergency, c)
    # Thresholds from the out-of-fold probabilities: the lowest risk threshold whose precision reaches
    # RISK_PRECISION (the model alone raises a message only that surely; the rules add recall), and the lowest
    # emergency threshold whose precision among messages with danger reaches EMERGENCY_PRECISION.
    risk_threshold = lowest_threshold(risk_oof, risk, RISK_PRECISION, start=0.10)
    emergency_threshold = lowest_threshold(emergency_oof, emergency, EMERGENCY_PRECISION, start=0.30)
    # Confirming a doubtful rule finding (distance, an idiom), or overruling her denial, takes more certainty.
    confirm_threshold = lowest_threshold(risk_oof, risk, CONFIRM_PRECISION, start=risk_threshold)
    raised = risk_oof >= risk_threshold
    tp = np.sum(raised & risk)
    say(
        f"model alone, 5-fold out of fold: danger recall {tp / np.sum(risk):.3f} precision {tp / max(1, np.sum(raised)):.3f} "
        f"at risk >= {risk_threshold:.2f}"
    )
    called = emergency_oof >= emergency_threshold
    say(
        f"  emergency given danger: recall {np.sum(called & emergency) / max(1, np.sum(emergency)):.3f} "
        f"precision {np.sum(called & emergency) / max(1, np.sum(called)):.3f} at >= {emergency_threshold:.2f}"
    )
    category_oof = np.zeros(len(category), dtype=int)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=7).split(x[positives], category):
        category_oof[test] = fit(x[positives][train], category[train], c).predict(x[positives][test])
    say(f"  category given danger: accuracy {np.mean(category_oof == category):.3f}")

    risk_model = fit(x, risk, c)
    emergency_model = fit(x[positives], emergency, c)
    category_model = fit(x[positives], category, c)
    weights = np.vstack([risk_model.coef_[0], emergency_model.coef_[0], category_model.coef_])
    intercepts = np.concatenate([risk_model.intercept_, emergency_model.intercept_, category_model.intercept_])
    # Weights this small change no decision; leaving them out keeps the file small (it is read at start-up).
    kept = np.where(np.max(np.abs(weights), axis=0) >= PRUNE)[0]
    with open(output_path, "w", encoding="utf-8") as out:
        out.write("# Tsunagu safety model: made by scripts/train-safety from the features tsunagu-safety makes; do not edit.\n")
        out.write("# columns: feature, risk, emergency, " + ", ".join(CATEGORIES) + "\n")
        out.write(f"@thresholds\t{risk_threshold:.2f}\t{emergency_threshold:.2f}\t{confirm_threshold:.2f}\n")
        out.write("@intercept\t" + "\t".join(f"{v:.4f}" for v in intercepts) + "\n")
        for index in kept:
            name = names[index]
            if "\t" in name or "\n" in name:
                continue
            out.write(name + "\t" + "\t".join(f"{v:.3f}" for v in weights[:, index]) + "\n")
    say(f"wrote {output_path}: {len(kept)} features")


def cross_validate(training_path, development_path, development_labels, folder):
    """The whole detector's honest figures on the development part: five models, each trained without one fifth
    of it, and that fifth written beside its model (fold-K.jsonl, model-K.tsv) for tsunagu-safety to score."""
    training = load(training_path)
    development = load(development_path)
    labels = [line for line in open(development_labels, encoding="utf-8") if line.strip()]
    tiers = [row["tier"] for row in development]
    for fold, (train_part, held_out) in enumerate(StratifiedKFold(5, shuffle=True, random_state=11).split(development, tiers)):
        train(training + [development[i] for i in train_part], f"{folder}/model-{fold}.tsv", report=False)
        with open(f"{folder}/fold-{fold}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(labels[i] for i in held_out)


if __name__ == "__main__":
    if sys.argv[1] == "--cross-validate":
        cross_validate(*sys.argv[2:6])
    else:
        main(sys.argv[1], sys.argv[2])
