#!/usr/bin/env python3
"""End-to-end tests of `oar serve` with the official tritonclient[http].

Starts the real server on a free localhost port over a model repository
built from tests/data fixtures (symlinks), then checks: health and metadata
bodies and codes; inference with JSON and with binary tensors against each
fixture's reference outputs (its case.txt tolerance); 256 requests from 64
threads all correct, merged by the dynamic batcher; malformed requests each
answered 4xx with a JSON error while the server stays ready; a full queue
503 and a request timeout; SIGTERM finishing a request in flight and
exiting 0.

usage: test_serve.py OAR_BINARY TESTS_DATA_DIR
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

OAR, DATA = sys.argv[1], sys.argv[2]
FAILURES = []


def check(cond, what):
    if cond:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}")
        FAILURES.append(what)


def read_case(case_dir):
    case = {"inputs": [], "outputs": [], "rtol": 1e-4, "atol": 1e-5}
    for line in open(os.path.join(case_dir, "case.txt")):
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        if w[0] == "input":
            case["inputs"].append((w[1], np.load(os.path.join(case_dir, w[2]))))
        elif w[0] == "output":
            case["outputs"].append((w[1], np.load(os.path.join(case_dir, w[2]))))
        elif w[0] == "tolerance":
            case["rtol"], case["atol"] = float(w[1]), float(w[2])
    return case


def close_enough(got, want, case):
    if got is None or got.shape != want.shape:
        return False
    if want.dtype.kind == "f":
        return bool(np.all(np.abs(got - want) <= case["atol"] + case["rtol"] * np.abs(want)))
    return bool(np.array_equal(got, want))


# model name in the repository -> (fixture directory, config.json or None)
MODELS = {
    "digits": ("models/digits_cnn", {"max_batch_size": 8, "instance_group": [{"count": 2}],
                                     "dynamic_batching": {"max_queue_delay_microseconds": 5000}}),
    "mnist_fc": ("models/mnist_fc", None),
    "add": ("ops/elementwise_add_same", None),
    "add_pir": ("ops/elementwise_add_same_pir", None),
    # Holds each request 2 s in the queue (batch of 4 never fills): for the
    # full-queue, timeout and drain-on-SIGTERM checks.
    "slow": ("models/mnist_fc", {"max_batch_size": 4, "dynamic_batching": {
        "max_queue_delay_microseconds": 2000000, "max_queue_size": 1}}),
}
DTYPES = {np.float32: "FP32", np.int64: "INT64", np.int32: "INT32", np.float64: "FP64", np.bool_: "BOOL"}


def make_repo(root):
    for name, (fixture, config) in MODELS.items():
        os.makedirs(os.path.join(root, name))
        os.symlink(os.path.abspath(os.path.join(DATA, fixture)), os.path.join(root, name, "1"))
        if config:
            with open(os.path.join(root, name, "config.json"), "w") as f:
                json.dump(config, f)


def start_server(repo):
    proc = subprocess.Popen([OAR, "serve", "--model-repository", repo, "--http-port", "0", "--address", "127.0.0.1",
                             "--max-body-mb", "1", "--max-tensor-elements", "1000000", "--idle-timeout-s", "2",
                             "--metrics-port", "0"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    metrics_port = None
    if "metrics on" in line:
        metrics_port = int(line.rsplit(":", 1)[1].split("/")[0])
        line = proc.stdout.readline()
    if "listening on" not in line or metrics_port is None:
        proc.kill()
        sys.exit(f"server did not start: {line!r}")
    return proc, int(line.rsplit(":", 1)[1]), metrics_port


def raw(port, method, path, body=b"", headers=None, chunked=False):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    if chunked:  # Transfer-Encoding: chunked, in 64 KiB pieces
        body = [body[i:i + 65536] for i in range(0, len(body), 65536)]
    conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def error_of(data):
    try:
        return json.loads(data)["error"]
    except Exception:
        return None


def infer_inputs(case, binary, rows=None):
    ins = []
    for name, x in case["inputs"]:
        if rows is not None:
            x = x[rows]
        i = httpclient.InferInput(name, list(x.shape), DTYPES[x.dtype.type])
        i.set_data_from_numpy(x, binary_data=binary)
        ins.append(i)
    return ins


def test_fixtures(client):
    for name, (fixture, _) in MODELS.items():
        if name == "slow":
            continue
        case = read_case(os.path.join(DATA, fixture))
        for binary in (False, True):
            outs = [httpclient.InferRequestedOutput(o, binary_data=binary) for o, _ in case["outputs"]]
            r = client.infer(name, infer_inputs(case, binary), outputs=outs, request_id="r1")
            ok = all(close_enough(r.as_numpy(o), want, case) for o, want in case["outputs"])
            check(ok and r.get_response()["id"] == "r1" and r.get_response()["model_name"] == name,
                  f"{name}: {'binary' if binary else 'JSON'} inference equals the fixture's reference")
    # Mixed: binary input, JSON input, outputs unlisted (binary by default).
    case = read_case(os.path.join(DATA, "ops/elementwise_add_same"))
    (xn, x), (yn, y) = case["inputs"]
    a = httpclient.InferInput(xn, list(x.shape), "FP32")
    a.set_data_from_numpy(x, binary_data=True)
    b = httpclient.InferInput(yn, list(y.shape), "FP32")
    b.set_data_from_numpy(y, binary_data=False)
    r = client.infer("add", [a, b])
    oname, want = case["outputs"][0]
    check(close_enough(r.as_numpy(oname), want, case), "add: one binary and one JSON input, binary output")


def test_compression(client, port):
    case = read_case(os.path.join(DATA, "models/digits_cnn"))
    (oname, want), = case["outputs"]
    for req_alg, resp_alg, binary in (("gzip", "deflate", True), ("deflate", "gzip", False), ("gzip", None, True)):
        outs = [httpclient.InferRequestedOutput(oname, binary_data=binary)]
        r = client.infer("digits", infer_inputs(case, binary), outputs=outs, request_compression_algorithm=req_alg,
                         response_compression_algorithm=resp_alg)
        check(close_enough(r.as_numpy(oname), want, case),
              f"compression: request {req_alg}, response {resp_alg}, {'binary' if binary else 'JSON'}")
    x = [0.5] * 64
    body = json.dumps({"inputs": [{"name": "x", "shape": [1, 1, 8, 8], "datatype": "FP32", "data": x}]}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/v2/models/digits/infer", body=body, headers={"Content-Encoding": "br"})
    r = conn.getresponse()
    data = r.read()
    check(r.status == 501 and error_of(data) == "Unsupported compression type" and
          r.getheader("Accept-Encoding") == "gzip, deflate", "compression: Content-Encoding br 501")
    conn.close()
    import gzip
    import zlib
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/v2/models/digits/infer", body=body, headers={"Accept-Encoding": "deflate;q=0.5, gzip"})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    got = json.loads(gzip.decompress(data)) if r.getheader("Content-Encoding") == "gzip" else None
    check(got is not None and got["outputs"][0]["shape"] == [1, 10], "compression: response gzip by q weight")
    st, data = raw(port, "POST", "/v2/models/digits/infer", zlib.compress(body)[:-6],
                   headers={"Content-Encoding": "deflate"})
    check(st == 400 and "failed to decompress" in error_of(data), "compression: truncated deflate body 400")
    bomb = zlib.compress(b" " * (3 << 20))  # 3 MiB of blanks, past --max-body-mb 1
    st, data = raw(port, "POST", "/v2/models/digits/infer", bomb, headers={"Content-Encoding": "deflate"})
    check(st == 400 and "decompressed request body is larger" in error_of(data), "compression: inflated size capped")


def test_metadata(client, port):
    check(client.is_server_live() and client.is_server_ready(), "server live and ready")
    st, body = raw(port, "GET", "/v2/health/ready")
    check(st == 200 and json.loads(body) == {"ready": True}, "ready body is {\"ready\":true}")
    meta = client.get_server_metadata()
    check(meta["name"] == "oar" and "binary_tensor_data" in meta["extensions"], "server metadata")
    m = client.get_model_metadata("digits")
    check(m["versions"] == ["1"] and m["inputs"][0]["shape"] == [-1, 1, 8, 8] and
          m["outputs"][0]["datatype"] == "FP32", "digits metadata: versions strings, batch dim -1")
    cfg = client.get_model_config("digits")
    check(cfg["max_batch_size"] == 8 and cfg["input"][0]["dims"] == [1, 8, 8] and "dynamic_batching" in cfg,
          "digits config: max_batch_size 8, dims without the batch dim")
    check(client.is_model_ready("add_pir") and client.is_model_ready("add", "1") and
          not client.is_model_ready("add", "2") and not client.is_model_ready("nope"), "model ready per version")
    st, body = raw(port, "GET", "/v2/models/nope")
    check(st == 404 and error_of(body) == "Request for unknown model: 'nope' is not found", "unknown model 404")
    st, body = raw(port, "GET", "/v2/models/add/versions/abc")
    check(st == 404 and error_of(body) == "Not Found", "non-numeric version 404")
    st, body = raw(port, "GET", "/v2/nothing")
    check(st == 404 and error_of(body) == "Not Found", "unknown path 404")
    st, body = raw(port, "POST", "/v2/health/ready")
    check(st == 405 and error_of(body) == "Method Not Allowed", "POST to a GET endpoint 405")
    st, body = raw(port, "GET", "/v2/models/add/infer")
    check(st == 405, "GET on infer 405")
    st, body = raw(port, "POST", "/v2/repository/index")
    check(st == 200 and sorted(e["name"] for e in json.loads(body)) == sorted(MODELS), "repository index")


def test_concurrency(port):
    case = read_case(os.path.join(DATA, "models/digits_cnn"))
    (xname, x), = case["inputs"]
    (oname, want), = case["outputs"]
    results = [None] * 256
    errors = []

    def work(t):
        try:
            c = httpclient.InferenceServerClient(f"127.0.0.1:{port}")
            for k in range(4):
                i = t * 4 + k
                row = i % x.shape[0]
                inp = httpclient.InferInput(xname, [1] + list(x.shape[1:]), "FP32")
                inp.set_data_from_numpy(x[row:row + 1], binary_data=(i % 2 == 0))
                r = c.infer("digits", [inp], outputs=[httpclient.InferRequestedOutput(oname, binary_data=(i % 3 == 0))])
                results[i] = close_enough(r.as_numpy(oname), want[row:row + 1], case)
            c.close()
        except Exception as e:  # noqa: BLE001 - any failure counts
            errors.append(repr(e))

    st, before = raw(port, "GET", "/metrics")
    threads = [threading.Thread(target=work, args=(t,)) for t in range(64)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    check(not errors and all(r is True for r in results), f"256 requests from 64 threads all correct ({errors[:2]})")
    metrics = {}
    for line in raw(port, "GET", "/metrics")[1].decode().splitlines():
        if line.startswith("oar_") and 'model="digits"' in line and "_bucket" not in line:
            key, val = line.rsplit(" ", 1)
            metrics[key.split("{")[0]] = float(val)
    succ, execs = metrics["oar_inference_request_success_total"], metrics["oar_inference_exec_count_total"]
    check(succ >= 256 and execs < succ, f"dynamic batching merged requests ({succ:.0f} requests, {execs:.0f} runs)")
    check(metrics["oar_inference_inflight_requests"] == 0, "no request left in flight")
    c = httpclient.InferenceServerClient(f"127.0.0.1:{port}")
    st = c.get_inference_statistics("digits")["model_stats"][0]
    inf = st["inference_stats"]
    check(st["name"] == "digits" and st["version"] == "1" and int(inf["success"]["count"]) == succ and
          int(st["execution_count"]) == execs and int(st["inference_count"]) == metrics["oar_inference_count_total"]
          and sum(int(b["compute_infer"]["count"]) for b in st["batch_stats"]) == execs and
          int(inf["queue"]["count"]) >= execs, "statistics extension agrees with /metrics")
    names = sorted(m["name"] for m in c.get_inference_statistics()["model_stats"])
    check(names == sorted(MODELS), "/v2/models/stats lists every model")
    c.close()


def infer_body(model_inputs, outputs=None):
    body = {"inputs": model_inputs}
    if outputs is not None:
        body["outputs"] = outputs
    return json.dumps(body).encode()


def test_malformed(client, port):
    x = [0.5] * 64
    good = {"name": "x", "shape": [1, 1, 8, 8], "datatype": "FP32", "data": x}
    st, body = raw(port, "POST", "/v2/models/digits/infer", infer_body([good]))
    check(st == 200, "well-formed raw JSON request 200")

    def bad(what, path, payload, want_status=400, want_msg=None, headers=None, chunked=False):
        st, body = raw(port, "POST", path, payload, headers, chunked)
        msg = error_of(body)
        ok = st == want_status and msg is not None and (want_msg is None or want_msg in msg)
        check(ok, f"{what}: {st} {msg!r}")

    p = "/v2/models/digits/infer"
    bad("bad JSON", p, b'{"inputs": [', want_msg="failed to parse the request JSON")
    bad("trailing garbage", p, infer_body([good]) + b"x", want_msg="unexpected bytes after the JSON value")
    bad("not an object", p, b"[1,2]", want_msg="must be a JSON object")
    bad("no inputs", p, b"{}", want_msg="needs an 'inputs' array")
    bad("wrong shape", p, infer_body([dict(good, shape=[1, 1, 8, 9], data=[0.5] * 72)]),
        want_msg="dimension 3 is 9, the model expects 8")
    bad("wrong rank", p, infer_body([dict(good, shape=[64])]), want_msg="shape has 1 dimensions, the model expects 4")
    bad("batch over max_batch_size", p, infer_body([dict(good, shape=[9, 1, 8, 8], data=[0.5] * 576)]),
        want_msg="batch size 9 is outside 1..8")
    bad("negative dim", p, infer_body([dict(good, shape=[1, 1, -8, 8])]), want_msg="non-negative integers")
    bad("wrong dtype", p, infer_body([dict(good, datatype="INT64", data=[1] * 64)]),
        want_msg="datatype INT64, the model expects FP32")
    bad("too few elements", p, infer_body([dict(good, data=x[:63])]), want_msg="shape holds 64, 'data' has 63")
    bad("too many elements", p, infer_body([dict(good, data=x + [1.0])]), want_msg="shape holds 64, 'data' has 65")
    bad("string element", p, infer_body([dict(good, data=["a"] * 64)]), want_msg="must be an array of numbers")
    bad("unknown input", p, infer_body([good, dict(good, name="z")]), want_msg="unexpected inference input 'z'")
    bad("missing input", "/v2/models/add/infer",
        infer_body([{"name": "x", "shape": [2, 3, 4], "datatype": "FP32", "data": [1] * 24}]),
        want_msg="expected input 'y' is missing")
    bad("unknown output", p, infer_body([good], [{"name": "nope"}]), want_msg="unexpected inference output 'nope'")
    bad("both data and binary_data_size", p,
        infer_body([dict(good, parameters={"binary_data_size": 256})]), want_msg="Input must set only one")
    bad("reserved parameter", p, json.dumps({"inputs": [good], "parameters": {"triton_x": 1}}).encode(),
        want_msg="reserved")
    bad("unknown model (malformed body)", "/v2/models/nope/infer", b"{{{", want_status=404,
        want_msg="unknown model: 'nope'")
    bad("unknown version", "/v2/models/digits/versions/7/infer", infer_body([good]), want_status=404)
    bad("huge declared shape", p, infer_body([dict(good, shape=[8, 1, 100000000000, 8])]),
        want_msg="more than 1000000 elements")
    bad("huge declared batch*dims overflow", "/v2/models/add/infer",
        infer_body([{"name": "x", "shape": [2**52, 2**52, 2], "datatype": "FP32", "data": []},
                    {"name": "y", "shape": [2, 3, 4], "datatype": "FP32", "data": [1] * 24}]),
        want_msg="more than 1000000 elements")
    hdr = json.dumps({"inputs": [{"name": "x", "shape": [1, 1, 8, 8], "datatype": "FP32",
                                  "parameters": {"binary_data_size": 256}}]}).encode()
    bad("binary data shorter than declared", p, hdr + b"\0" * 100,
        want_msg="expecting 156 additional bytes", headers={"Inference-Header-Content-Length": str(len(hdr))})
    bad("binary data longer than declared", p, hdr + b"\0" * 300,
        want_msg="unexpected additional input data", headers={"Inference-Header-Content-Length": str(len(hdr))})
    huge = json.dumps({"inputs": [{"name": "x", "shape": [1, 1, 8, 8], "datatype": "FP32",
                                   "parameters": {"binary_data_size": 2**50}}]}).encode()
    bad("huge binary_data_size", p, huge + b"\0" * 256, want_msg="does not match shape and datatype",
        headers={"Inference-Header-Content-Length": str(len(huge))})
    bad("header length beyond the body", p, hdr, want_msg="larger than the body",
        headers={"Inference-Header-Content-Length": "999999"})
    bad("header length not a number", p, hdr, want_msg="non-negative integer",
        headers={"Inference-Header-Content-Length": "12abc"})
    bad("chunked body over --max-body-mb", p, b" " * (1 << 20) + b"{}", want_msg="larger than the server's limit",
        chunked=True)
    st, _ = raw(port, "POST", p, b"  " + infer_body([good]), chunked=True)
    check(st == 200, "chunked request body 200")

    # Declared Content-Length beyond the limit: answered from the headers.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /v2/models/digits/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
    reply = s.recv(4096).decode(errors="replace")
    s.close()
    check(reply.startswith("HTTP/1.1 400") and "larger than the server's limit" in reply,
          "huge declared Content-Length: 400 before the body")

    # A slow client (headers trickling in) holds only its own connection and
    # is closed after the idle timeout (2 s); others are served meanwhile.
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow.sendall(b"POST /v2/models/digits/infer HTTP/1.1\r\nHost: x\r\nContent-Le")
    t0 = time.time()
    st, _ = raw(port, "POST", p, infer_body([good]))
    served = time.time()
    closed = slow.recv(4096)
    waited = time.time() - t0
    slow.close()
    check(st == 200 and served - t0 < waited, "requests are served while a slow client stalls")
    check(closed == b"" and 1.5 < waited < 15, f"stalled client closed after the idle timeout ({waited:.1f} s)")

    # tritonclient sees our code and message.
    try:
        client.infer("digits", [httpclient.InferInput("x", [1, 2], "FP32")])
        check(False, "tritonclient raises on a bad request")
    except InferenceServerException as e:
        check(e.status() == "400", f"tritonclient raises with status 400 ({e.message()!r})")
    check(client.is_server_ready() and raw(port, "POST", p, infer_body([good]))[0] == 200,
          "server still ready and serving after the malformed requests")
    text = raw(port, "GET", "/metrics")[1].decode()
    inflight = [line for line in text.splitlines() if line.startswith("oar_inference_inflight_requests{")]
    check(len(inflight) == len(MODELS) and all(line.endswith(" 0") for line in inflight),
          f"every model's in-flight gauge is back to 0 ({inflight})")
    failures = float(re.search(r'^oar_inference_request_failure_total\{model="digits",version="1"\} (\d+)$', text,
                               re.M).group(1))
    check(failures >= 20, f"digits' failure counter counts the malformed requests ({failures:.0f})")


def slow_request(port, out, timeout_us=None):
    body = {"inputs": [{"name": "x", "shape": [1, 784], "datatype": "FP32", "data": [0.0] * 784}]}
    if timeout_us:
        body["parameters"] = {"timeout": timeout_us}
    out.append(raw(port, "POST", "/v2/models/slow/infer", json.dumps(body).encode()))


def wait_queued(port, model, want):
    """Polls /metrics until `model` has `want` requests waiting in its queue."""
    pattern = re.compile(rf'^oar_inference_pending_request_count\{{model="{model}",[^}}]*\}} (\d+)$', re.M)
    for _ in range(1000):
        m = pattern.search(raw(port, "GET", "/metrics")[1].decode())
        if m and int(m.group(1)) == want:
            return True
        time.sleep(0.005)
    return False


def test_queue(port):
    first = []
    t = threading.Thread(target=slow_request, args=(port, first))
    t.start()
    check(wait_queued(port, "slow", 1), "slow model: the first request waits in the queue (2 s delay)")
    second = []
    slow_request(port, second)
    t.join()
    check(first[0][0] == 200, "slow model: first request answered after the batching delay")
    check(second[0][0] == 503 and "Exceeds maximum queue size" in error_of(second[0][1]), "full queue answers 503")
    timed = []
    slow_request(port, timed, timeout_us=1000)
    check(timed[0][0] == 503 and "timed out" in error_of(timed[0][1]), "request timeout answers 503")


def test_repository(client, port):
    case = read_case(os.path.join(DATA, "models/mnist_fc"))
    (oname, want), = case["outputs"]
    # Unload while a request waits in the slow model's queue: it is answered.
    queued = []
    t = threading.Thread(target=slow_request, args=(port, queued))
    t.start()
    check(wait_queued(port, "slow", 1), "repository: a request waits in the slow model's queue")
    client.unload_model("slow")
    t.join()
    check(queued and queued[0][0] == 200, "repository: unload answers the request already queued")
    client.unload_model("mnist_fc")
    check(not client.is_model_ready("mnist_fc") and client.is_model_ready("add"), "repository: unload mnist_fc")
    st, body = raw(port, "POST", "/v2/models/mnist_fc/infer", b"{}")
    check(st == 404 and error_of(body) == "Request for unknown model: 'mnist_fc' has no available versions",
          "repository: infer on an unloaded model 404")
    index = {e["name"]: e["state"] for e in client.get_model_repository_index()}
    check(index["mnist_fc"] == "UNAVAILABLE" and index["add"] == "READY", "repository: index shows the states")
    st, body = raw(port, "POST", "/v2/repository/index", b'{"ready": true}')
    check(st == 200 and "mnist_fc" not in [e["name"] for e in json.loads(body)], "repository: index of ready models")
    st, body = raw(port, "POST", "/v2/repository/index", b'{"ready": 1}')
    check(st == 400 and error_of(body) is not None, "repository: index with a non-bool 'ready' 400")
    st, body = raw(port, "GET", "/v2/models/nope/stats")
    check(st == 400 and error_of(body) == "requested model 'nope' is not available", "stats of an unknown model 400")
    client.load_model("mnist_fc")
    r = client.infer("mnist_fc", infer_inputs(case, True))
    check(client.is_model_ready("mnist_fc") and close_enough(r.as_numpy(oname), want, case),
          "repository: load again, inference equals the reference")
    client.load_model("slow")
    check(client.is_model_ready("slow"), "repository: slow model loaded again")
    st, body = raw(port, "POST", "/v2/repository/models/nope/load")
    check(st == 404 and "not in the repository at start" in error_of(body), "repository: load of an unknown model 404")


def test_sigterm(proc, port):
    inflight = []
    t = threading.Thread(target=slow_request, args=(port, inflight))
    t.start()
    check(wait_queued(port, "slow", 1), "SIGTERM: a request is in flight")
    proc.send_signal(signal.SIGTERM)
    t.join()
    rc = proc.wait(timeout=30)
    check(inflight and inflight[0][0] == 200, "SIGTERM: the request in flight is answered")
    check(rc == 0, f"SIGTERM: exit status 0 (got {rc})")
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        check(False, "SIGTERM: the port is closed")
    except OSError:
        check(True, "SIGTERM: the port is closed")


def main():
    with tempfile.TemporaryDirectory() as repo:
        make_repo(repo)
        proc, port, metrics_port = start_server(repo)
        try:
            client = httpclient.InferenceServerClient(f"127.0.0.1:{port}")
            test_metadata(client, port)
            st, body = raw(metrics_port, "GET", "/metrics")
            check(st == 200 and b"oar_inference_request_success_total{model=\"digits\"" in body and
                  raw(metrics_port, "GET", "/v2/health/ready")[0] == 404, "--metrics-port serves /metrics only")
            test_fixtures(client)
            test_compression(client, port)
            test_concurrency(port)
            test_malformed(client, port)
            test_queue(port)
            test_repository(client, port)
            client.close()
            test_sigterm(proc, port)
        finally:
            if proc.poll() is None:
                proc.kill()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
