"""tamis.ray.run from and to object storage: an S3 server (moto's, on the loopback) through a
pyarrow S3FileSystem. The output read back equals `tamis run`'s on a local copy of the inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tamis

ray = pytest.importorskip("ray", reason="ray is not installed: scripts/python-tests.sh installs ray[data] from PyPI")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed: scripts/python-tests.sh installs it")
import pyarrow.fs as pafs  # noqa: E402

import tamis.ray  # noqa: E402
from test_ray_run import CONFIG, MINHASH, counts, rows, write_corpus, write_near_duplicates  # noqa: E402


@pytest.fixture(scope="module")
def s3():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    fs = pafs.S3FileSystem(access_key="tamis-test", secret_key="tamis-test", region="us-east-1",
                           endpoint_override=f"{host}:{port}", scheme="http", allow_bucket_creation=True)
    fs.create_dir("corpus")
    try:
        yield fs
    finally:
        server.stop()


def upload(fs: pafs.FileSystem, local: Path, prefix: str) -> None:
    pafs.copy_files(str(local), prefix, source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs)


def download(fs: pafs.FileSystem, prefix: str, local: Path) -> None:
    pafs.copy_files(prefix, str(local), source_filesystem=fs, destination_filesystem=pafs.LocalFileSystem())


@pytest.mark.parametrize("name", ["site_lines_exact", "minhash"])
def test_a_run_on_object_storage_equals_the_local_run(local_ray, s3, tmp_path: Path, name: str) -> None:
    config, write = (CONFIG, write_corpus) if name == "site_lines_exact" else (MINHASH, write_near_duplicates)
    inputs = tmp_path / "in"
    inputs.mkdir()
    write(inputs)
    upload(s3, inputs, f"corpus/{name}/in")
    local = tamis.Pipeline.from_dict(config).run_file(inputs, tmp_path / "local", threads=2)
    report = tamis.ray.run(f"corpus/{name}/in", config, f"corpus/{name}/out", filesystem=s3, partitions=3)
    download(s3, f"corpus/{name}/out", tmp_path / "ray")
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert report.get("minhash") == local.get("minhash")
    assert json.loads((tmp_path / "ray" / "report.json").read_text())["documents"] == local["documents"]
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")
    assert rows(tmp_path / "ray" / "removed") == rows(tmp_path / "local" / "removed")
    assert not (tmp_path / "ray" / ".tamis").exists(), "the run's working files are removed"
    origins = {json.loads(r["metadata"])["origin"].rsplit("#", 1)[0]
               for b in tamis.read(tmp_path / "ray" / "kept") for r in b.to_pylist()}
    assert origins and all(o.startswith(f"s3://corpus/{name}/in/part-") for o in origins), origins
