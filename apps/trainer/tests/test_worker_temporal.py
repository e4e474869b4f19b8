"""The worker against a real local Temporal server: activities by name, errors, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.workflow import ActivityCancellationType

from ttpgrid_trainer.activities import TrainerActivities
from ttpgrid_trainer.artifacts import LocalArtifactStore, put_json, put_jsonl
from ttpgrid_trainer.config import TrainerSettings
from ttpgrid_trainer.worker import serve

from .conftest import subprocess_env, wait_for_line
from .tram_slice import tram_slice

pytestmark = pytest.mark.temporal


@workflow.defn(name="CallTrainerActivity")
class CallTrainerActivity:
    """Test-only workflow: calls one trainer activity by name, as the TypeScript workflows do."""

    @workflow.run
    async def run(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        return await workflow.execute_activity(
            name,
            payload,
            start_to_close_timeout=timedelta(minutes=5),
            # Training heartbeats every TTPGRID_TRAINER_HEARTBEAT_SECONDS (1 s in tests); the
            # timeout leaves room for a model load on a busy two-core machine.
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=5, initial_interval=timedelta(seconds=1)),
            # Wait for the activity to acknowledge a cancel, so tests see it actually stop.
            cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )


@contextlib.asynccontextmanager
async def running_trainer(settings: TrainerSettings) -> AsyncIterator[Client]:
    """The real worker entry (`serve`) plus a workflow-only worker on the same queue."""
    stop = asyncio.Event()
    trainer = asyncio.create_task(serve(settings, stop))
    client = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
    workflows = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[CallTrainerActivity],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    async with workflows:
        try:
            yield client
        finally:
            stop.set()
            await asyncio.wait_for(trainer, timeout=settings.grace_seconds + 10)


async def call_activity(client: Client, queue: str, name: str, payload: dict[str, Any]) -> Any:
    return await client.execute_workflow(
        CallTrainerActivity.run,
        args=[name, payload],
        id=f"test-{name}-{uuid.uuid4()}",
        task_queue=queue,
        execution_timeout=timedelta(seconds=120),
    )


def worker_settings(settings: TrainerSettings, address: str) -> TrainerSettings:
    queue = f"trainer-test-{uuid.uuid4().hex[:8]}"
    return settings.model_copy(update={"temporal_address": address, "task_queue": queue})


def test_transform_artifact_round_trips_through_temporal(
    settings: TrainerSettings, temporal_address: str
) -> None:
    settings = worker_settings(settings, temporal_address)
    store = LocalArtifactStore(settings.artifact_dir)
    input_key = store.put("first line\nsecond ünïcode line\n".encode())

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with running_trainer(settings) as client:
            upper = await call_activity(
                client,
                settings.task_queue,
                "transformArtifact",
                {"contractVersion": 1, "inputKey": input_key, "transform": "uppercase"},
            )
            reverse = await call_activity(
                client,
                settings.task_queue,
                "transformArtifact",
                {"contractVersion": 1, "inputKey": input_key, "transform": "reverse-lines"},
            )
            return upper, reverse

    upper, reverse = asyncio.run(scenario())

    assert (
        store.get(upper["outputKey"], verify=True) == "FIRST LINE\nSECOND üNïCODE LINE\n".encode()
    )
    assert store.get(reverse["outputKey"]) == "second ünïcode line\nfirst line\n".encode()
    assert (
        upper["inputBytes"]
        == upper["outputBytes"]
        == len("first line\nsecond ünïcode line\n".encode())
    )
    assert upper["contractVersion"] == 1


def test_bad_spec_fails_once_without_retry(
    settings: TrainerSettings, temporal_address: str
) -> None:
    settings = worker_settings(settings, temporal_address)

    async def scenario() -> BaseException:
        async with running_trainer(settings) as client:
            with pytest.raises(WorkflowFailureError) as failure:
                await call_activity(
                    client,
                    settings.task_queue,
                    "transformArtifact",
                    {"contractVersion": 1, "inputKey": "not-a-key", "transform": "uppercase"},
                )
            return failure.value

    failure = asyncio.run(scenario())

    activity_error = failure.cause
    assert isinstance(activity_error, ActivityError)
    assert activity_error.retry_state is not None
    assert activity_error.retry_state.name == "NON_RETRYABLE_FAILURE"
    cause = activity_error.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "BadSpec"
    assert cause.non_retryable
    assert "inputKey" in cause.message


def test_worker_process_stops_gracefully_on_sigterm(
    trainer_env: dict[str, str], temporal_address: str
) -> None:
    env = subprocess_env({**trainer_env, "TEMPORAL_ADDRESS": temporal_address})
    command = [sys.executable, "-m", "ttpgrid_trainer", "worker"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        lines = wait_for_line(process, "worker started", seconds=60)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=float(trainer_env["TTPGRID_TRAINER_GRACE_SECONDS"]) + 10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    rest = process.stderr.read() if process.stderr else ""
    assert process.returncode == 0, lines + rest
    assert "worker stopped" in rest


def test_worker_stops_when_the_process_that_started_it_is_killed(
    trainer_env: dict[str, str], temporal_address: str, tmp_path: Path
) -> None:
    env = subprocess_env({**trainer_env, "TEMPORAL_ADDRESS": temporal_address,
                          "TTPGRID_TRAINER_EXIT_WITH_PARENT": "1"})  # fmt: skip
    log_path = tmp_path / "trainer.log"
    # A parent shell starts the trainer and waits; SIGKILL gives the shell no chance to stop it.
    script = f'"{sys.executable}" -m ttpgrid_trainer worker 2> "{log_path}" & echo $!; wait'
    parent = subprocess.Popen(["sh", "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    trainer_pid = int(parent.stdout.readline())
    try:
        deadline = time.monotonic() + 60
        while not _logged(log_path, "worker started") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _logged(log_path, "worker started")
        parent.kill()
        parent.wait()

        deadline = time.monotonic() + 30
        while _alive(trainer_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(trainer_pid), log_path.read_text()
    finally:
        if _alive(trainer_pid):
            os.kill(trainer_pid, signal.SIGKILL)

    output = log_path.read_text()
    assert "parent process gone; stopping" in output
    assert "worker stopped" in output


def _logged(path: Path, needle: str) -> bool:
    return path.exists() and needle in path.read_text()


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)  # reaps it if it became our child
        return waited == 0
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") == -1


def finetune_spec(store: LocalArtifactStore, stage_key: str, epochs: int) -> dict[str, Any]:
    train, dev = tram_slice(techniques=4, train_per_class=6, dev_per_class=3)
    return {
        "contractVersion": 1,
        "stageKey": stage_key,
        "encoder": {"name": "minilm-l6"},
        "mode": "finetune",
        "init": {"kind": "pretrained"},
        "trainingSetKey": put_jsonl(store, train),
        "devSetKey": put_jsonl(store, dev),
        "labelSetKey": put_json(store, sorted({row["label"] for row in train})),
        "seed": 1,
        "precision": "bf16",  # asked for; CPU runs fp32 and says so in the output
        "hyperparameters": {"epochs": epochs, "batchSize": 8, "maxLength": 32, "warmupSteps": 2},
    }


async def wait_for_training_heartbeat(client: Client, workflow_id: str, seconds: float) -> Any:
    """The first heartbeat that reports an optimizer step (earlier ones come from loading)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        description = await client.get_workflow_handle(workflow_id).describe()
        for pending in description.raw_description.pending_activities:
            payloads = pending.heartbeat_details.payloads
            if payloads and json.loads(payloads[0].data)["step"] >= 1:
                return json.loads(payloads[0].data)
        await asyncio.sleep(0.5)
    raise AssertionError(f"no training heartbeat within {seconds}s")


@pytest.mark.slow
def test_a_cancelled_stage_stops_at_its_next_step(
    settings: TrainerSettings, temporal_address: str
) -> None:
    settings = worker_settings(settings, temporal_address).model_copy(update={"device": "cpu"})
    store = LocalArtifactStore(settings.artifact_dir)
    spec = finetune_spec(store, "temporal-cancel", epochs=200)

    async def scenario() -> tuple[BaseException, float, Any]:
        async with running_trainer(settings) as client:
            handle = await client.start_workflow(
                CallTrainerActivity.run,
                args=["trainStage", spec],
                id=f"test-cancel-{uuid.uuid4()}",
                task_queue=settings.task_queue,
            )
            heartbeat = await wait_for_training_heartbeat(client, handle.id, seconds=180)
            cancelled_at = asyncio.get_running_loop().time()
            await handle.cancel()
            with pytest.raises(WorkflowFailureError) as failure:
                await handle.result()
            stopped_after = asyncio.get_running_loop().time() - cancelled_at
            status = (await handle.describe()).status
            assert status == WorkflowExecutionStatus.CANCELED
            return failure.value, stopped_after, heartbeat

    failure, stopped_after, heartbeat = asyncio.run(scenario())

    assert {"epoch", "step", "loss"} <= set(heartbeat)
    assert stopped_after < 15, stopped_after
    assert "cancel" in str(failure.cause).lower()


@pytest.mark.slow
def test_a_stage_interrupted_by_worker_shutdown_resumes_on_retry(
    settings: TrainerSettings, trainer_env: dict[str, str], temporal_address: str
) -> None:
    settings = worker_settings(settings, temporal_address).model_copy(update={"device": "cpu"})
    store = LocalArtifactStore(settings.artifact_dir)
    spec = finetune_spec(store, "temporal-retry", epochs=4)
    env = subprocess_env(
        {**trainer_env, "TEMPORAL_ADDRESS": temporal_address, "TTPGRID_TRAINER_DEVICE": "cpu",
         "TTPGRID_TRAINER_TASK_QUEUE": settings.task_queue}
    )  # fmt: skip

    async def scenario() -> dict[str, Any]:
        client = await Client.connect(temporal_address)
        workflows = Worker(
            client, task_queue=settings.task_queue, workflows=[CallTrainerActivity],
            workflow_runner=UnsandboxedWorkflowRunner(),
        )  # fmt: skip
        async with workflows:
            first = subprocess.Popen(
                [sys.executable, "-m", "ttpgrid_trainer", "worker"], env=env,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            try:
                await asyncio.to_thread(wait_for_line, first, "worker started", 60)
                handle = await client.start_workflow(
                    CallTrainerActivity.run, args=["trainStage", spec],
                    id=f"test-retry-{uuid.uuid4()}", task_queue=settings.task_queue,
                )  # fmt: skip
                await asyncio.to_thread(wait_for_line, first, "checkpoint saved", 180)
                first.send_signal(signal.SIGTERM)
                await asyncio.to_thread(first.wait, 30)
            finally:
                if first.poll() is None:
                    first.kill()
                    first.wait()
            assert first.returncode == 0

            # A fresh worker picks up the retried attempt.
            stop = asyncio.Event()
            second = asyncio.create_task(serve(settings, stop))
            try:
                return await handle.result()
            finally:
                stop.set()
                await second

    result = asyncio.run(scenario())
    reference = TrainerActivities(settings).train_stage({**spec, "stageKey": "uninterrupted"})

    assert result["checkpointKey"] == reference["checkpointKey"]  # bit-identical weights
    assert result["devCurve"] == reference["devCurve"]
    assert 0 <= result["resumedFromEpoch"] < 4
    assert result["steps"] == 4 * result["stepsPerEpoch"] == 12
    assert result["precision"] == "fp32" and result["device"] == "cpu"
    assert store.exists(result["checkpointKey"])
    assert [point["epoch"] for point in result["devCurve"]] == [1, 2, 3, 4]
