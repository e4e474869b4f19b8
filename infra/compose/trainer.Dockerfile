# The Python trainer worker. torch from PyPI is the CUDA build: the host needs only the NVIDIA
# driver and the container toolkit. Build context: the repository root.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# uid 1000, the same as the Node image: both write the shared artifact volume.
RUN useradd --uid 1000 --create-home ttpgrid \
    && mkdir -p /var/lib/ttpgrid/artifacts /var/lib/ttpgrid/resume /var/lib/ttpgrid/cache \
       /var/lib/ttpgrid/encoders \
    && chown -R ttpgrid:ttpgrid /var/lib/ttpgrid

WORKDIR /app
COPY apps/trainer/requirements.txt apps/trainer/requirements.txt
RUN pip install -r apps/trainer/requirements.txt

COPY packages/contracts/schema packages/contracts/schema
COPY apps/trainer/pyproject.toml apps/trainer/pyproject.toml
COPY apps/trainer/src apps/trainer/src

# Container defaults, so that a GPU host outside compose needs only TEMPORAL_ADDRESS and the
# artifact mount (docs/scaling.md).
ENV PYTHONPATH=/app/apps/trainer/src \
    TTPGRID_REPO_ROOT=/app \
    TTPGRID_ARTIFACT_DIR=/var/lib/ttpgrid/artifacts \
    TTPGRID_TRAINER_RESUME_DIR=/var/lib/ttpgrid/resume \
    TTPGRID_TRAINER_CACHE_DIR=/var/lib/ttpgrid/cache \
    TTPGRID_ENCODER_DIR=/var/lib/ttpgrid/encoders \
    TTPGRID_CONTRACTS_SCHEMA=/app/packages/contracts/schema/activities.schema.json \
    TTPGRID_TRAINER_METRICS_HOST=0.0.0.0 \
    TTPGRID_TRAINER_DEVICE=cuda \
    TTPGRID_LOG_FORMAT=json \
    HF_HUB_OFFLINE=1
USER ttpgrid
WORKDIR /app/apps/trainer
EXPOSE 9465
CMD ["python", "-m", "ttpgrid_trainer", "worker"]
