"""Web demo: ground an expression in an uploaded image, in the browser.

    pip install -r requirements/optional.txt   # gradio
    python demo/webui.py --model transvg CONFIG CHECKPOINT \
        [--model NAME CONFIG CHECKPOINT ...] [--host 0.0.0.0] [--port 7860]
"""
import argparse
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple, Union

import gradio as gr
import mmcv
import numpy as np
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.structures import InstanceData

from mmvg.apis import GroundingInferencer
from mmvg.evaluation.metrics import GRECMetric
from mmvg.registry import METRICS, VISUALIZERS
from mmvg.utils.tool_config import add_no_strict_arg


@dataclass
class DemoModel:
    """A loaded model as the demo sees it.

    Attributes:
        predict: (RGB image, expression) -> ``pred_instances`` in image
            pixels.
        score_thr: GREC models keep every box scored at least this (none
            kept: no target); None for REC/RES, whose answer is the
            top-scoring prediction.
    """
    predict: Callable[[np.ndarray, str], InstanceData]
    score_thr: Optional[float] = None


def grec_score_thr(cfg: Config) -> Optional[float]:
    """The kept-box threshold of the config's ``GRECMetric`` (None when it
    is not evaluated as GREC), so the demo answers as the model is scored.
    """
    evaluators = cfg.get('test_evaluator', [])
    for evaluator in evaluators if isinstance(evaluators,
                                              list) else [evaluators]:
        metric = METRICS.build(evaluator)
        if isinstance(metric, GRECMetric):
            return metric.score_thr
    return None


def load_model(config: Union[str, Config],
               checkpoint: Optional[str],
               device: str = 'cpu',
               strict: bool = True) -> DemoModel:
    """Load a model for the demo: the demo's only use of the inferencer."""
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    inferencer = GroundingInferencer(cfg, checkpoint, device, strict)

    def predict(image: np.ndarray, text: str) -> InstanceData:
        # the inferencer reads arrays in mmcv's BGR order
        return inferencer(mmcv.rgb2bgr(image), text)[0].pred_instances

    return DemoModel(predict, grec_score_thr(cfg))


def answer(pred: InstanceData, score_thr: Optional[float]) -> InstanceData:
    """The predictions that answer the expression: the top one, or for GREC
    every one scored >= ``score_thr`` (maybe none)."""
    if score_thr is not None:
        return pred[pred.scores >= score_thr]
    return pred[int(pred.scores.argmax())] if len(pred) else pred


def describe(kept: InstanceData, pred: InstanceData,
             score_thr: Optional[float]) -> str:
    """One line per kept prediction (box in image pixels, score, mask
    area), or why there is no target."""
    if not len(kept):
        if not len(pred):
            return 'no target: the model predicted no box'
        return (f'no target: no box scored >= {score_thr:.2f} '
                f'(best {pred.scores.max():.3f})')
    lines = []
    for i, (box, score) in enumerate(
            zip(kept.bboxes.tolist(), kept.scores.tolist())):
        line = f'box {[round(v, 1) for v in box]} score {score:.3f}'
        if 'masks' in kept:
            line += f', mask of {int(kept.masks[i].sum())} pixels'
        lines.append(line)
    return '\n'.join(lines)


class GroundingDemo:
    """The demo's handler: draws what the chosen model answers.

    Args:
        models: the selectable models by name.
    """

    def __init__(self, models: Dict[str, DemoModel]) -> None:
        if not models:
            raise ValueError('The web demo needs at least one model.')
        self.models = models
        self.visualizer = VISUALIZERS.build(
            dict(type='GroundingVisualizer', name='webui'))

    def ground(self, image: Optional[np.ndarray], text: str,
               model_name: str) -> Tuple[np.ndarray, str]:
        """Ground ``text`` in the RGB ``image`` with model ``model_name``.

        Returns:
            the picture (answer in red, expression on top) and a summary.
        """
        if image is None:
            raise ValueError('Upload an image first.')
        text = (text or '').strip()
        if not text:
            raise ValueError('Type an expression, e.g. "the red circle".')
        if model_name not in self.models:
            raise ValueError(f'Unknown model {model_name!r}; loaded: '
                             f'{", ".join(self.models)}.')
        model = self.models[model_name]
        pred = model.predict(image, text)
        sample = DetDataSample()
        sample.text = text
        sample.pred_instances = answer(pred, model.score_thr)
        self.visualizer.add_datasample(
            'webui', image, sample, draw_gt=False, pred_score_thr=0)
        return self.visualizer.get_image(), describe(sample.pred_instances,
                                                     pred, model.score_thr)


def build_demo(models: Dict[str, DemoModel]) -> gr.Blocks:
    """The page: image, expression and model in; picture and summary out.
    The handler is served at the API name ``/ground``."""
    demo = GroundingDemo(models)

    def ground(image: Optional[np.ndarray], text: str,
               model_name: str) -> Tuple[np.ndarray, str]:
        try:
            return demo.ground(image, text, model_name)
        except ValueError as error:  # shown to the user, not as a crash
            raise gr.Error(str(error)) from error

    names = list(models)
    with gr.Blocks(title='mmvg visual grounding') as blocks:
        gr.Markdown('# mmvg visual grounding\nUpload an image, type a '
                    'referring expression, choose a model.')
        with gr.Row():
            with gr.Column():
                image = gr.Image(type='numpy', label='image', elem_id='image')
                text = gr.Textbox(
                    label='expression',
                    placeholder='the red circle left of the square',
                    elem_id='expression')
                model = gr.Dropdown(
                    names, value=names[0], label='model', elem_id='model')
                button = gr.Button('Ground', variant='primary', elem_id='run')
            with gr.Column():
                picture = gr.Image(
                    type='numpy',
                    label='answer',
                    show_label=False,  # the expression is on the picture
                    elem_id='picture')
                summary = gr.Textbox(label='summary', elem_id='summary')
        inputs, outputs = [image, text, model], [picture, summary]
        button.click(ground, inputs, outputs, api_name='ground')
        text.submit(ground, inputs, outputs, api_name=False)
    return blocks


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--model',
        nargs=3,
        action='append',
        required=True,
        metavar=('NAME', 'CONFIG', 'CHECKPOINT'),
        help='a model to offer (repeat the option for several)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--host',
        default='127.0.0.1',
        help='address to serve on (0.0.0.0: every interface)')
    parser.add_argument('--port', type=int, default=7860)
    add_no_strict_arg(parser)
    args = parser.parse_args()
    names = [name for name, _, _ in args.model]
    if len(set(names)) < len(names):
        parser.error(f'--model names must differ, got {names}')
    return args


def main() -> None:
    args = parse_args()
    models = {
        name: load_model(config, checkpoint, args.device, not args.no_strict)
        for name, config, checkpoint in args.model
    }
    build_demo(models).launch(server_name=args.host, server_port=args.port)


if __name__ == '__main__':
    main()
