"""Inference cost of a model: latency, throughput, peak memory, parameters
and FLOPs, measured in one run; :func:`benchmark_config` does it for any
mmvg config on a synthetic batch."""
import statistics
import tempfile
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from functools import partial
from typing import Callable, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config
from torch import nn

from mmvg.registry import MODELS
from .benchmark import gflops, paired_times, peak_memory_mib
from .checkpoint_fit import allowed_missing, load_fitting_checkpoint
from .setup_env import register_all_modules
from .synthetic_batch import EXPRESSION, pipeline_input_size, synthetic_batch
from .text_stand_ins import stand_in_text_files


@dataclass
class ModelBenchmark:
    """What one benchmark run measured (times of one batch)."""
    batch_size: int
    latency_ms: float  # median over the timed rounds
    latency_p90_ms: float
    expressions_per_s: float  # batch size / median latency
    peak_memory_mib: float  # see mmvg.utils.benchmark.peak_memory_mib
    parameters: int
    gflops: float  # per batch
    gflops_per_s: float  # per batch / median latency


def measure(model: nn.Module,
            step: Callable[[], object],
            batch_size: int,
            device: torch.device,
            warmup: int = 2,
            repeat: int = 5,
            amp: bool = False) -> ModelBenchmark:
    """Time ``step`` (one batch through ``model``, without autograd and,
    with ``amp``, under autocast), after counting its FLOPs once."""

    def run() -> None:
        with torch.no_grad(), (torch.autocast(device.type)
                               if amp else nullcontext()):
            step()

    flops = gflops(run)
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)
    times = paired_times([run], warmup, repeat, device)[0]
    median = statistics.median(times)
    return ModelBenchmark(
        batch_size=batch_size,
        latency_ms=median * 1e3,
        latency_p90_ms=float(np.percentile(times, 90)) * 1e3,
        expressions_per_s=batch_size / median,
        peak_memory_mib=peak_memory_mib(device),
        parameters=sum(p.numel() for p in model.parameters()),
        gflops=flops,
        gflops_per_s=flops / median)


def build_model(cfg: Config,
                checkpoint: Optional[str] = None) -> Tuple[nn.Module, list]:
    """The config's model in eval mode, random weights (its ``init_cfg``,
    which may name pretrained files, is not applied) or ``checkpoint``'s;
    text files it lacks are stood in for (:mod:`.text_stand_ins`).
    Returns the model and the notes on the stand-ins."""
    register_all_modules()
    with tempfile.TemporaryDirectory() as work_dir:
        notes = stand_in_text_files(cfg.model, work_dir)
        model = MODELS.build(cfg.model)
    if checkpoint is not None:
        load_fitting_checkpoint(model, checkpoint, True,
                                allowed_missing(model, cfg))
    return model.eval(), notes


def benchmark_config(cfg: Config,
                     batch_size: int = 1,
                     size: Optional[Tuple[int, int]] = None,
                     checkpoint: Optional[str] = None,
                     device: str = 'cpu',
                     warmup: int = 2,
                     repeat: int = 5,
                     amp: bool = False) -> dict:
    """Benchmark ``model.test_step`` of a config on ``batch_size`` random
    images of ``size`` (default: the test pipeline's) with
    :data:`EXPRESSION`; the data preprocessor is timed, the data pipeline
    is not (the inputs start on ``device``). Returns the
    :class:`ModelBenchmark` fields and the run's settings."""
    device = torch.device(device)
    size = tuple(size or pipeline_input_size(cfg))
    torch.manual_seed(0)
    model, notes = build_model(cfg, checkpoint)
    model.to(device)
    data = synthetic_batch(batch_size, size, device)
    result = measure(model, partial(model.test_step, data), batch_size, device,
                     warmup, repeat, amp)
    return dict(
        device=str(device),
        threads=torch.get_num_threads(),
        amp=amp,
        input_size=list(size),
        expression=EXPRESSION,
        warmup=warmup,
        repeat=repeat,
        stand_ins=notes,
        **asdict(result))
