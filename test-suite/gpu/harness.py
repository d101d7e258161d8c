#!/usr/bin/env python3
"""Runs Tessera's CUDA artifacts on a GPU, checks them against PyTorch and benchmarks them.

Input: the folder prepare.sh wrote (one sub-folder per case of cases.txt with NAME.manifest.json,
NAME.ptx and NAME.cubin). Each case's inputs are generated here (seeded; ranges from the manifest)
unless --inputs DIR holds CASE/NAME.npy files. Every output is compared with a float64 PyTorch
implementation of the zoo meaning (ZOO.md) using DESIGN.md's tolerances; cases marked `bench` are
also timed against torch.nn.functional.scaled_dot_product_attention (flash and cuDNN backends) and
torch.nn.attention.flex_attention where Flex can express the variant. Writes results.md and
results.json into --out. Needs PyTorch with CUDA and CuPy; no JDK, no network.
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

try:
    import cupy as cp
except ImportError:  # pragma: no cover - the GPU machine has CuPy
    cp = None

TORCH_DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16,
                "int8": torch.int8, "bool": torch.bool}
LIMIT = {"f16": 1e-2, "bf16": 2e-2}
CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8


def read_cases(path):
    cases = []
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, file, dtype, *rest = line.split()
        bench = "bench" in rest
        dims = dict(tok.split("=") for tok in rest if tok != "bench")
        cases.append({"name": name, "file": file, "dtype": dtype, "bench": bench,
                      "dims": {k: int(v) for k, v in dims.items()}})
    return cases


# ---- our kernels ----------------------------------------------------------------------------

class Artifact:
    """One compiled kernel: its manifest, its module and device buffers."""

    def __init__(self, folder):
        manifests = sorted(Path(folder).glob("*.manifest.json"))
        if len(manifests) != 1:
            raise RuntimeError(f"{folder}: expected one manifest, found {len(manifests)}")
        self.manifest = json.loads(manifests[0].read_text())
        stem = manifests[0].name[: -len(".manifest.json")]
        image = Path(folder) / f"{stem}.cubin"
        if not image.exists() or self.manifest["arch"] != device_arch():
            image = Path(folder) / f"{stem}.ptx"  # PTX JIT-compiles for any newer GPU
        if not image.exists():
            raise RuntimeError(f"{folder}: no {stem}.ptx (was nvcc on PATH when prepare.sh ran?)")
        self.module = cp.RawModule(path=str(image))
        self.kernels = []
        for launch in self.manifest["launches"]:
            k = self.module.get_function(launch["entry"])
            smem = launch["shared_bytes"]
            if smem > 48 * 1024:
                try:
                    k.max_dynamic_shared_size_bytes = smem
                except AttributeError:
                    cp.cuda.driver.funcSetAttribute(k.kernel.ptr, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem)
            self.kernels.append((k, launch))

    def buffers(self, inputs):
        """Device tensors for every buffer: inputs converted to their storage type, the rest zeroed."""
        bufs = {}
        for b in self.manifest["buffers"]:
            dt = TORCH_DTYPES[b["dtype"]]
            if b["role"] == "input":
                t = inputs[b["name"]].to(device="cuda", dtype=dt).contiguous()
                assert t.numel() * t.element_size() == b["bytes"], b
            else:
                t = torch.zeros(b["shape"], dtype=dt, device="cuda")
            bufs[b["name"]] = t
        return bufs

    def launch(self, bufs):
        for k, launch in self.kernels:
            args = tuple(np.uint64(bufs[p["buffer"]].data_ptr()) for p in launch["params"])
            k((launch["grid"][0],), (launch["block"][0],), args, shared_mem=launch["shared_bytes"])


def device_arch():
    major, minor = torch.cuda.get_device_capability()
    return f"sm_{major}{minor}"


def make_inputs(manifest, seed):
    g = torch.Generator().manual_seed(seed)
    out = {}
    for b in manifest["buffers"]:
        if b["role"] != "input":
            continue
        shape = b["shape"]
        lo, hi = b.get("range", [None, None])
        if b["dtype"] in ("int8", "bool"):
            lo, hi = (int(math.ceil(lo)), int(math.floor(hi))) if lo is not None else (-3, 3)
            t = torch.randint(lo, hi + 1, shape, generator=g).to(torch.float64)
        elif lo is not None:
            t = lo + (hi - lo) * torch.rand(shape, generator=g, dtype=torch.float64)
        else:
            t = torch.randn(shape, generator=g, dtype=torch.float64)
        # Round to the storage type first, so the reference sees exactly what the kernel sees.
        out[b["name"]] = t.to(TORCH_DTYPES[b["dtype"]]).to(torch.float64)
    return out


# ---- reference meanings (ZOO.md) ------------------------------------------------------------

def causal(M, N, dev):
    m = torch.arange(M, device=dev)[:, None]
    n = torch.arange(N, device=dev)[None, :]
    return n <= m + (N - M)


def softmax_visible(s, vis):
    s = s.masked_fill(~vis, float("-inf"))
    mx = s.amax(-1, keepdim=True)
    mx = torch.where(torch.isfinite(mx), mx, torch.zeros_like(mx))
    p = torch.exp(s - mx) * vis
    l = p.sum(-1, keepdim=True)
    return p / torch.where(l > 0, l, torch.ones_like(l))


def scores(q, k):
    if k.shape[1] != q.shape[1]:
        k = k.repeat_interleave(q.shape[1] // k.shape[1], dim=1)
    return (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])


def expand(v, h):
    return v.repeat_interleave(h // v.shape[1], dim=1) if v.shape[1] != h else v


def visibility(name, x, M, N, dev):
    if name in ("mha", "sigmoid", "relu", "mla_decode"):
        return torch.ones(M, N, dtype=torch.bool, device=dev)
    c = causal(M, N, dev)
    if name == "sliding_window":
        m = torch.arange(M, device=dev)[:, None]
        n = torch.arange(N, device=dev)[None, :]
        return c & (m + (N - M) - n < 128)
    if name == "block_sparse":
        blk = x["blocks"] != 0
        m = torch.arange(M, device=dev) // 64
        n = torch.arange(N, device=dev) // 64
        return blk[:, :, m][:, :, :, n]
    return c


def reference(name, x):
    """The zoo meaning of `name` on inputs `x` (dict of tensors); computed in their dtype."""
    dev = next(iter(x.values())).device
    if name in ("mha", "mha_causal", "gqa", "sliding_window", "alibi", "softcap", "block_sparse", "sigmoid", "relu"):
        q, k, v = x["Q"], x["K"], x["V"]
        M, N = q.shape[2], k.shape[2]
        s = scores(q, k)
        vis = visibility(name, x, M, N, dev)
        v = expand(v, q.shape[1])
        if name == "sigmoid":
            return {"O": torch.sigmoid(s - math.log(N)) @ v}
        if name == "relu":
            return {"O": torch.relu(s) @ v}
        if name == "alibi":
            m = torch.arange(M, device=dev)[:, None]
            n = torch.arange(N, device=dev)[None, :]
            s = s + x["slopes"][None, :, None, None] * (n - (m + N - M)).to(s.dtype)
        if name == "softcap":
            s = 30 * torch.tanh(s / 30)
        return {"O": softmax_visible(s, vis) @ v}
    if name == "diff":
        M, N = x["Q1"].shape[2], x["K1"].shape[2]
        vis = causal(M, N, dev)
        o1 = softmax_visible(scores(x["Q1"], x["K1"]), vis) @ x["V"]
        o2 = softmax_visible(scores(x["Q2"], x["K2"]), vis) @ x["V"]
        return {"O": o1 - x["lam"] * o2}
    if name == "mla_decode":
        q, c = x["Q"], x["C"]
        s = (q @ c.transpose(-1, -2)) / math.sqrt(192)
        return {"O": torch.softmax(s, -1) @ c[..., :512]}
    if name == "retnet_parallel":
        q, k, v = x["Q"], x["K"], x["V"]
        T = q.shape[2]
        t = torch.arange(T, device=dev)
        dist = (t[:, None] - t[None, :]).to(q.dtype)
        vis = t[None, :] <= t[:, None]
        decay = torch.where(vis, x["gamma"][:, None, None] ** dist.clamp(min=0), torch.zeros((), dtype=q.dtype, device=dev))
        r = scores(q, k) * decay[None]
        return {"O": (r @ v) / r.sum(-1, keepdim=True).abs().clamp(min=1)}
    if name in ("retnet_recurrent", "mamba2_ssd"):
        q, k, v = x["Q"], x["K"], x["V"]
        T = q.shape[2]
        t = torch.arange(T, device=dev)
        vis = t[None, :] <= t[:, None]
        if name == "retnet_recurrent":
            dist = (t[:, None] - t[None, :]).clamp(min=0).to(q.dtype)
            decay = x["gamma"][None, :, None, None] ** dist
        else:
            c = torch.cumsum(x["a"], -1)
            decay = torch.exp((c[..., :, None] - c[..., None, :]).masked_fill(~vis, 0))
        w = (q @ k.transpose(-1, -2)) * decay * vis
        return {"O": w @ v}
    if name == "gla":
        q, k, v, g = x["Q"], x["K"], x["V"], x["g"]
        B, H, T, D = q.shape
        S = torch.zeros(B, H, D, v.shape[-1], dtype=q.dtype, device=dev)
        out = []
        for t in range(T):
            S = torch.exp(g[:, :, t, :, None]) * S + k[:, :, t, :, None] * v[:, :, t, None, :]
            out.append((q[:, :, t, :, None] * S).sum(-2))
        return {"O": torch.stack(out, 2)}
    if name == "gemm":
        return {"C": x["A"] @ x["B"]}
    if name == "gemv":
        return {"y": x["W"] @ x["x"]}
    if name == "gated_mlp":
        return {"Y": (F.silu(x["X"] @ x["W1"]) * (x["X"] @ x["W3"])) @ x["W2"]}
    raise KeyError(name)


def kernel_name(case):
    return Path(case["file"]).stem


def check(case, art, inputs, bufs):
    """Compares every output with the float64 reference; low precision also with a naive evaluation in that precision."""
    name = kernel_name(case)
    x64 = {k: v.to("cuda", torch.float64) for k, v in inputs.items()}
    ref = reference(name, x64)
    rows = []
    for out_name, want in ref.items():
        got = bufs[out_name].to(torch.float64)
        scale = max(1.0, want.abs().max().item())
        err = (got - want).abs().max().item()
        if case["dtype"] == "f32":
            ok = err <= 1e-4 * scale
            naive = float("nan")
        else:
            low = torch.float16 if case["dtype"] == "f16" else torch.bfloat16
            xl = {k: (v.to(low) if v.is_floating_point() else v) for k, v in x64.items()}
            naive = (reference(name, xl)[out_name].to(torch.float64) - want).abs().max().item()
            ok = err <= max(2 * naive, 1e-3 * scale) and err <= LIMIT[case["dtype"]] * scale
        rows.append({"case": case["name"], "output": out_name, "max_abs_error": err, "naive_low_precision_error": naive,
                     "scale": scale, "ok": bool(ok)})
    return rows


# ---- timing ---------------------------------------------------------------------------------

def time_ms(fn, warmup=3, iters=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return float(np.median(times))


def visible_pairs(name, x, M, N):
    dev = "cuda"
    if name == "block_sparse":
        return float(visibility(name, {"blocks": x["blocks"].to(dev)}, M, N, dev).sum().item()) / (x["blocks"].shape[0] * x["blocks"].shape[1])
    return float(visibility(name, x, M, N, dev).sum().item())


def baselines(case, inputs):
    """Callables for SDPA (flash, cuDNN) and FlexAttention that compute the same thing, where they can."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    name = kernel_name(case)
    low = torch.float16 if case["dtype"] == "f16" else torch.bfloat16
    q, k, v = (inputs[n].to("cuda", low) for n in ("Q", "K", "V"))
    M, N = q.shape[2], k.shape[2]
    out = {}
    if name in ("mha", "mha_causal"):
        causal_flag = name == "mha_causal" and M > 1
        for label, backend in (("sdpa_flash", SDPBackend.FLASH_ATTENTION), ("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION)):
            def run(backend=backend):
                with sdpa_kernel(backend):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=causal_flag)
            out[label] = run
        if M == 1:
            out["sdpa_default"] = lambda: F.scaled_dot_product_attention(q, k, v)
    try:
        from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    except ImportError:
        return out
    flex = torch.compile(flex_attention)
    B, H = q.shape[0], q.shape[1]
    score_mod = None
    mask_mod = None
    if name in ("mha_causal", "softcap", "alibi"):
        def mask_mod(b, h, qi, kv):
            return kv <= qi + (N - M)
    if name == "sliding_window":
        def mask_mod(b, h, qi, kv):
            return (kv <= qi + (N - M)) & (qi + (N - M) - kv < 128)
    if name == "block_sparse":
        blocks = inputs["blocks"].to("cuda") != 0

        def mask_mod(b, h, qi, kv):
            return blocks[b, h, qi // 64, kv // 64]
    if name == "softcap":
        def score_mod(s, b, h, qi, kv):
            return 30 * torch.tanh(s / 30)
    if name == "alibi":
        slopes = inputs["slopes"].to("cuda", torch.float32)

        def score_mod(s, b, h, qi, kv):
            return s + slopes[h] * (kv - (qi + (N - M)))
    if name in ("mha", "mha_causal", "softcap", "alibi", "sliding_window", "block_sparse") and M > 1:
        bm = create_block_mask(mask_mod, B, H, M, N, device="cuda") if mask_mod else None
        out["flex"] = lambda: flex(q, k, v, score_mod=score_mod, block_mask=bm)
    return out


# ---- main -----------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("artifacts", help="the folder prepare.sh wrote")
    ap.add_argument("--out", default="gpu-results", help="where results.md and results.json go")
    ap.add_argument("--inputs", help="folder of CASE/NAME.npy inputs (default: generated)")
    ap.add_argument("--only", nargs="*", help="case names to run")
    ap.add_argument("--no-bench", action="store_true", help="correctness only")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if cp is None or not torch.cuda.is_available():
        sys.exit("harness.py needs CuPy and a CUDA GPU visible to PyTorch")
    root = Path(args.artifacts)
    cases = read_cases(root / "cases.txt")
    if args.only:
        cases = [c for c in cases if c["name"] in args.only]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    checks, bench = [], []
    device = torch.cuda.get_device_name()
    for case in cases:
        print(f"== {case['name']}", flush=True)
        try:
            art = Artifact(root / case["name"])
            if args.inputs:
                inputs = {b["name"]: torch.from_numpy(np.load(Path(args.inputs) / case["name"] / f"{b['name']}.npy")).to(torch.float64)
                          for b in art.manifest["buffers"] if b["role"] == "input"}
            else:
                inputs = make_inputs(art.manifest, args.seed)
            bufs = art.buffers(inputs)
            art.launch(bufs)
            torch.cuda.synchronize()
            rows = check(case, art, inputs, bufs)
        except Exception as e:  # report and go on: the first GPU run should say everything that is wrong
            rows = [{"case": case["name"], "output": "-", "error": f"{type(e).__name__}: {e}", "ok": False}]
            checks.extend(rows)
            print(f"   FAILED: {rows[0]['error']}", flush=True)
            continue
        checks.extend(rows)
        for r in rows:
            print(f"   {r['output']}: max |err| {r['max_abs_error']:.3g} (naive {r['naive_low_precision_error']:.3g}) -> {'ok' if r['ok'] else 'FAIL'}", flush=True)
        if not case["bench"] or args.no_bench:
            continue
        name = kernel_name(case)
        d = case["dims"]
        M, N = d.get("M", 1), d.get("N", 1)
        pairs = visible_pairs(name, {k: v.to("cuda") for k, v in inputs.items()}, M, N)
        flops = 2.0 * d["B"] * d["H"] * pairs * (d["D"] + d["E"])
        row = {"case": case["name"], "kernel": name, "B": d["B"], "H": d["H"], "M": M, "N": N, "D": d["D"],
               "tessera_ms": time_ms(lambda: art.launch(bufs))}
        try:
            others = baselines(case, inputs)
        except Exception as e:  # a missing backend or a Flex compile failure must not stop the table
            others = {}
            row["baseline_error"] = f"{type(e).__name__}: {e}"
        for label, fn in others.items():
            try:
                row[f"{label}_ms"] = time_ms(fn)
            except Exception as e:
                row[f"{label}_ms"] = float("nan")
                row[f"{label}_error"] = f"{type(e).__name__}: {e}"
        for key in [k for k in row if k.endswith("_ms")]:
            row[key.replace("_ms", "_tflops")] = flops / (row[key] * 1e-3) / 1e12 if row[key] == row[key] else float("nan")
        bench.append(row)
        print("   " + ", ".join(f"{k} {v:.1f}" for k, v in row.items() if k.endswith("_tflops")), flush=True)
    (out / "results.json").write_text(json.dumps({"device": device, "checks": checks, "bench": bench}, indent=2))
    (out / "results.md").write_text(markdown(device, checks, bench))
    failed = [c for c in checks if not c["ok"]]
    print(f"{len(checks) - len(failed)}/{len(checks)} outputs ok; results in {out}")
    sys.exit(1 if failed else 0)


def markdown(device, checks, bench):
    lines = [f"# Tessera CUDA kernels on {device}", "", "## Correctness", "",
             "| case | output | max abs error | naive low-precision error | ok |", "|---|---|---|---|---|"]
    for c in checks:
        if "error" in c:
            lines.append(f"| {c['case']} | - | {c['error']} | | no |")
        else:
            lines.append(f"| {c['case']} | {c['output']} | {c['max_abs_error']:.3g} | {c['naive_low_precision_error']:.3g} | {'yes' if c['ok'] else 'no'} |")
    labels = ["tessera", "sdpa_flash", "sdpa_cudnn", "sdpa_default", "flex"]
    lines += ["", "## TFLOP/s (f16, median of 20 runs; FLOPs count visible score entries only)", "",
              "| case | B | H | M | N | D | " + " | ".join(labels) + " |", "|---" * (6 + len(labels)) + "|"]
    for r in bench:
        cells = [f"{r[l + '_tflops']:.1f}" if l + "_tflops" in r and r[l + "_tflops"] == r[l + "_tflops"] else "-" for l in labels]
        lines.append(f"| {r['case']} | {r['B']} | {r['H']} | {r['M']} | {r['N']} | {r['D']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
