"""bench/device_check.py runs on CPU at tiny sizes and writes its JSON."""

import importlib.util
import json
import pathlib

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "bench" / "device_check.py"


def _load():
    spec = importlib.util.spec_from_file_location("device_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(report, expected):
    assert report["tiny"] is True
    assert "cpu" in report["machine"]
    results = report["results"]
    assert len(results) == expected
    for result in results:
        assert "error" not in result, result
        assert result["images_per_second"] > 0
        assert result["losses_finite"]
        if not report["machine"]["accelerators"]:
            assert result["peak_gpu_memory_bytes"] is None


def test_tiny_dcgan_float32_and_bf16(tmp_path):
    out = tmp_path / "device_check.json"
    report = _load().main(
        [
            "--tiny",
            "--models",
            "dcgan64",
            "--precisions",
            "float32",
            "mixed_bfloat16",
            "--jit",
            "off",
            "--out",
            str(out),
        ]
    )
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))
    _check(report, expected=2)


@pytest.mark.large
def test_tiny_every_combination():
    module = _load()
    report = module.main(["--tiny", "--budget-seconds", "1e9"])
    _check(report, expected=len(module.PAPER) * 3 * 2)
