"""An ONNX Runtime backend for sentence-transformers BERT-style models (all-MiniLM-L6-v2).

The ONNX graph is exported from the model's own weights on first use (no download) and cached
on disk, in fp32 and optionally int8 (dynamic quantization). Tokenising uses the fast Rust
tokenizer; texts are batched by similar length; mean pooling and L2 normalisation follow the
sentence-transformers pipeline. torch and transformers are only imported for the one-off export.
onnxruntime and tokenizers are touched only in this module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from kb.errors import ConfigError
from kb.lock import WriteLock

DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kb" / "onnx"


def _fingerprint(model_path: Path) -> str:
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json"):
        file = model_path / name
        if file.exists():
            stat = file.stat()
            digest.update(f"{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:16]


def export_onnx(model_path: Path, target: Path) -> None:
    """Export the transformer of a sentence-transformers model directory to ONNX (fp32)."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager")
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))

    class Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = tokenizer(
        ["an example sentence", "another, longer example sentence here"],
        padding=True,
        return_tensors="pt",
    )
    axes = {0: "batch", 1: "tokens"}
    tmp = target.with_suffix(".tmp")
    # the tracer's warnings are about shapes the export handles (dynamic axes); the vectors
    # are checked against sentence-transformers in tests/test_onnx.py
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Encoder(model),
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)


def quantize(fp32: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(".tmp")
    # quantize_dynamic warns through the root logger, which would also switch on default
    # logging for every library in the process: a handler of our own keeps it quiet
    root, quiet = logging.getLogger(), logging.NullHandler()
    level = root.level
    root.addHandler(quiet)
    root.setLevel(logging.ERROR)
    # Per-channel int8 on the MatMul weights keeps cosine similarity to fp32 above 0.99;
    # per-tensor quantization of every op drops it to about 0.92.
    try:
        quantize_dynamic(
            str(fp32),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
        )
    finally:
        root.removeHandler(quiet)
        root.setLevel(level)
    os.replace(tmp, target)


def cached_onnx(
    model_path: Path,
    *,
    int8: bool,
    cache_dir: Path = DEFAULT_CACHE,
    on_export: Callable[[str], None] | None = None,
    name: str | None = None,
) -> Path:
    """The ONNX file for this model, exporting (and quantizing) it on first use; `on_export`
    hears a line before that one-off work starts."""
    folder = cache_dir / f"{model_path.name}-{_fingerprint(model_path)}"
    fp32 = folder / "model.onnx"
    wanted = folder / ("model-int8pc.onnx" if int8 else "model.onnx")
    if wanted.exists():
        return wanted
    folder.mkdir(parents=True, exist_ok=True)
    if on_export is not None:
        on_export(
            f"Preparing the ONNX Runtime copy of {name or model_path.name} from its local weights "
            f"(once per machine, cached in {folder})..."
        )
    with WriteLock(folder / "export.lock", timeout=900):
        try:
            if not fp32.exists():
                export_onnx(model_path, fp32)
            if int8 and not wanted.exists():
                quantize(fp32, wanted)
        except Exception as exc:
            raise ConfigError(
                f"Could not export {model_path} to ONNX: {exc}",
                "Use KB_EMBED_BACKEND=torch, or check that the model directory is a "
                "sentence-transformers BERT-style model.",
            ) from exc
    return wanted


class OnnxEmbedder:
    """Mean-pooled, normalised sentence embeddings computed with ONNX Runtime."""

    def __init__(
        self,
        onnx_path: Path,
        model_path: Path,
        name: str,
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        max_len = 256
        config = model_path / "sentence_bert_config.json"
        if config.exists():
            max_len = int(json.loads(config.read_text()).get("max_seq_length", max_len))
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_len)
        self._tokenizer.no_padding()
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.name = name
        self.batch_size = batch_size
        self.dimension = int(self.embed(["dimension probe"]).shape[1])

    @classmethod
    def from_model(
        cls,
        model_path: str,
        name: str,
        *,
        quantize: bool,
        batch_size: int = 64,
        on_export: Callable[[str], None] | None = None,
    ) -> OnnxEmbedder:
        path = Path(model_path)
        if not (path / "tokenizer.json").exists():
            raise ConfigError(
                f"The ONNX backend needs a local model directory; {model_path!r} is not one.",
                "Use KB_EMBED_BACKEND=torch for hub model names.",
            )
        cache = Path(os.environ.get("KB_ONNX_CACHE", DEFAULT_CACHE))
        onnx_path = cached_onnx(
            path, int8=quantize, cache_dir=cache, on_export=on_export, name=name
        )
        return cls(onnx_path, path, name, batch_size)

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(order), self.batch_size):
            batch = [encodings[i] for i in order[start : start + self.batch_size]]
            width = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for row, e in enumerate(batch):
                n = len(e.ids)
                ids[row, :n] = e.ids
                mask[row, :n] = e.attention_mask
                types[row, :n] = e.type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[
                0
            ]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            if out is None:
                out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            out[order[start : start + self.batch_size]] = pooled
        assert out is not None
        return out


__all__ = ["OnnxEmbedder", "cached_onnx"]
