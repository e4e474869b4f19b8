"""The trainer's settings, read from the environment in this one validated module.

Every setting names its environment variable; a bad value raises `ConfigError` that names it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class ConfigError(ValueError):
    """A missing or malformed environment variable."""


def find_repo_root(start: Path | None = None) -> Path:
    """The repository root: TTPGRID_REPO_ROOT, else the folder that holds packages/contracts."""
    explicit = os.environ.get("TTPGRID_REPO_ROOT")
    if explicit:
        return Path(explicit).resolve()

    here = (start or Path(__file__)).resolve()
    for folder in [here, *here.parents]:
        if (folder / "packages" / "contracts").is_dir() and (folder / "apps").is_dir():
            return folder
    # Installed outside the repository: fall back to the working directory.
    return Path.cwd().resolve()


Port = Annotated[int, Field(ge=0, le=65535)]


class TrainerSettings(BaseModel):
    """Settings of the trainer worker; field aliases are the environment variable names."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    temporal_address: str = Field("127.0.0.1:7233", alias="TEMPORAL_ADDRESS", min_length=3)
    temporal_namespace: str = Field("default", alias="TEMPORAL_NAMESPACE", min_length=1)
    task_queue: str = Field("ttpgrid-gpu", alias="TTPGRID_TRAINER_TASK_QUEUE", min_length=1)
    artifact_dir: Path = Field(alias="TTPGRID_ARTIFACT_DIR")
    resume_dir: Path = Field(alias="TTPGRID_TRAINER_RESUME_DIR")
    cache_dir: Path = Field(alias="TTPGRID_TRAINER_CACHE_DIR")
    encoder_dir: Path = Field(alias="TTPGRID_ENCODER_DIR")
    contracts_schema: Path = Field(alias="TTPGRID_CONTRACTS_SCHEMA")
    metrics_port: Port = Field(9465, alias="TTPGRID_TRAINER_METRICS_PORT")
    # Loopback by default; set 0.0.0.0 only where a Prometheus on another host must scrape it.
    metrics_host: str = Field("127.0.0.1", alias="TTPGRID_TRAINER_METRICS_HOST", min_length=1)
    max_concurrent: int = Field(1, alias="TTPGRID_TRAINER_MAX_CONCURRENT", ge=1, le=64)
    grace_seconds: float = Field(30.0, alias="TTPGRID_TRAINER_GRACE_SECONDS", ge=0, le=3600)
    heartbeat_seconds: float = Field(5.0, alias="TTPGRID_TRAINER_HEARTBEAT_SECONDS", gt=0, le=600)
    log_every_steps: int = Field(20, alias="TTPGRID_TRAINER_LOG_EVERY", ge=1)
    device: str = Field("auto", alias="TTPGRID_TRAINER_DEVICE", pattern=r"^(auto|cpu|cuda(:\d+)?)$")
    # Set by a parent that starts the trainer as its child (`ttpgrid run`, the test suites): the
    # trainer stops gracefully when that parent is gone, even after a SIGKILL that left it no
    # chance to stop its children.
    exit_with_parent: bool = Field(False, alias="TTPGRID_TRAINER_EXIT_WITH_PARENT")
    # torch.compile of the fine-tuned model (dynamic shapes); off by default, worth it on GPUs.
    compile: bool = Field(False, alias="TTPGRID_TRAINER_COMPILE")

    @field_validator("temporal_address")
    @classmethod
    def _has_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("expected host:port")
        return value


def _defaults_for(root: Path) -> dict[str, str]:
    data = root / ".data"
    return {
        "TTPGRID_ARTIFACT_DIR": str(data / "artifacts"),
        "TTPGRID_TRAINER_RESUME_DIR": str(data / "resume"),
        "TTPGRID_TRAINER_CACHE_DIR": str(data / "cache"),
        "TTPGRID_ENCODER_DIR": str(data / "encoders"),
        "TTPGRID_CONTRACTS_SCHEMA": str(root / "packages/contracts/schema/activities.schema.json"),
    }


def load_settings(environ: Mapping[str, str] | None = None) -> TrainerSettings:
    """Reads and validates the settings; empty variables count as unset."""
    env = os.environ if environ is None else environ
    root = find_repo_root()
    aliases = {field.alias for field in TrainerSettings.model_fields.values() if field.alias}

    values: dict[str, str] = _defaults_for(root)
    values.update({name: env[name] for name in aliases if env.get(name, "").strip() != ""})

    try:
        return TrainerSettings.model_validate(values)
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            name = str(issue["loc"][0]) if issue["loc"] else "?"
            shown = values.get(name, "<unset>")
            problems.append(f"{name}={shown!r}: {issue['msg']}")
        raise ConfigError("invalid trainer environment: " + "; ".join(problems)) from None
