"""Simulators and estimators of the weight-decay pack: GD trainers of weight-decayed nets, tasks and merging,
the bound-carrying checks of the wd claims, and picture data.
"""

from ._nets import (ACTIVATIONS, DecayNet, Trained, WindowStats, gradient_magnitude, gradients, logistic_task,
                    loss_and_accuracy, merge, orthogonal_tasks, random_net, require_orthogonal, shallow_net,
                    task_overlap, train)
from ._setups import setup_values, trained_setup
from ._merging import merge_pair, merge_sweep
from ._checks import WD_CHECKS, WdCheck
from ._pictures import LayerNorms, LayerNormsPicture, LayerSpectra, MergeCurve, MergePicture, SingularValuesPicture

__all__ = [
    "ACTIVATIONS", "DecayNet", "Trained", "WindowStats", "gradient_magnitude", "gradients", "logistic_task",
    "loss_and_accuracy", "merge", "orthogonal_tasks", "random_net", "require_orthogonal", "shallow_net", "task_overlap",
    "train", "WD_CHECKS", "WdCheck", "merge_pair", "merge_sweep", "setup_values", "trained_setup",
    "LayerNorms", "LayerNormsPicture", "LayerSpectra", "MergeCurve", "MergePicture", "SingularValuesPicture"
]
