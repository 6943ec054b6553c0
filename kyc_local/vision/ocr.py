"""RapidOCR (its bundled default models only) on a flat card image, returned as words with positions."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidocr import RapidOCR
from rapidocr.ch_ppocr_rec.typings import WordType

# Cards are upright after perspective correction, so no angle classifier. The detector sees the card (already cropped
# to about 1000×630) scaled down to 576 px on its long side: the card's text is large enough for it there, and it costs
# a quarter of RapidOCR's default (736 px on the short side). The recogniser reads each line from the full-size card
# whatever the detector's size, one line at a time: a batch is padded to its widest line, and a batch of six card
# lines was slower and kept ~80 MB more memory per engine. One ONNX thread per session and a memory arena: the endpoint
# runs one engine per core (kyc_local.vision.engines).
_PARAMS = {
    "Global.log_level": "error",
    "Global.use_cls": False,
    "Global.return_word_box": True,
    "Global.text_score": 0.3,
    "Det.limit_type": "max",
    "Det.limit_side_len": 576,
    "Rec.rec_img_shape": [3, 48, 64],
    "Rec.rec_batch_num": 1,
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
}


@dataclass(frozen=True)
class Word:
    """One word read by OCR: text, confidence 0–100 (mean of its characters'), box in pixels, whether the
    recogniser read it as one with the word before it (no space between them: split only by a wide letter gap), and
    the index of the text line the detector found it in."""

    text: str
    confidence: float
    left: float
    top: float
    right: float
    bottom: float
    glued: bool = False
    line: int = 0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


class _RapidOCR(RapidOCR):
    """RapidOCR with two fixes to its word boxes (3.10): each word gets its own characters' mean confidence (it
    pairs word i with character i's), and full-width punctuation the Chinese-English model emits ('：') is folded to
    ASCII first, so a line such as 'ID：123' keeps word boxes instead of falling back to one box per character."""

    def calc_word_boxes(self, img: Any, dt_boxes: Any, rec_res: Any) -> Any:
        rec_res.txts = tuple(_fold(text) for text in rec_res.txts)
        for text, info in zip(rec_res.txts, rec_res.word_results):
            info.words = [[_fold(char) for char in word] for word in info.words]
            if not any(_is_cjk(char) for word in info.words for char in word):
                info.word_types = [WordType.EN_NUM] * len(info.words)
                info.confs = _word_confidences(text, info.words, info.confs)
            else:  # boxes per character: one confidence per character
                info.confs = [conf for char, conf in zip(text, info.confs) if not char.isspace()]
        return super().calc_word_boxes(img, dt_boxes, rec_res)


def _fold(text: str) -> str:
    """NFKC compatibility folding character by character, keeping the length ('：' → ':')."""
    return "".join(folded if len(folded := unicodedata.normalize("NFKC", char)) == 1 else char for char in text)


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _word_confidences(text: str, words: list[list[str]], confs: list[float]) -> list[float]:
    """Per-word mean of the per-character confidences (`confs` runs over `text`, spaces included)."""
    chars = [conf for char, conf in zip(text, confs) if not char.isspace()]
    if len(confs) != len(text) or sum(len(word) for word in words) != len(chars):
        return [sum(confs) / max(len(confs), 1)] * len(words)  # unexpected shape: the line's mean for every word
    result, start = [], 0
    for word in words:
        result.append(sum(chars[start:start + len(word)]) / len(word))
        start += len(word)
    return result


class OcrEngine:
    """One RapidOCR instance, for one caller at a time; `params` override RapidOCR settings of _PARAMS."""

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self._engine = _RapidOCR(params={**_PARAMS, **(params or {})})

    def words(self, image: np.ndarray) -> list[Word]:
        """The words in an RGB image."""
        result = self._engine(image)
        if not result.txts:
            return []
        words = []
        for index, (line_text, line) in enumerate(zip(result.txts, result.word_results)):
            position = 0
            for text, score, box in line:
                found = line_text.find(text, position)
                glued = 0 < found == position
                position = found + len(text) if found >= 0 else position
                if box is None or not text.strip():
                    continue
                xs, ys = [point[0] for point in box], [point[1] for point in box]
                words.append(Word(text.strip(), 100.0 * float(score), min(xs), min(ys), max(xs), max(ys), glued, index))
        return words

    def warm(self) -> None:
        """One inference on a card-sized image with a few text-like bars, so every model session is initialised."""
        image = np.full((630, 1000, 3), 235, np.uint8)
        for row in range(120, 600, 60):
            image[row:row + 24, 320:760:14] = 30
        self.words(image)
