# One Node image for the API, the TypeScript worker and the migration job; compose picks the
# command. Build context: the repository root (see node.Dockerfile.dockerignore).
FROM node:22-bookworm-slim

# onnxruntime-node's postinstall downloads CUDA files the Node side never uses (stack notes).
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    NODE_OPTIONS=--enable-source-maps

WORKDIR /app
COPY . .
# tsx runs the TypeScript entry points, so dev dependencies stay; packages with a build script
# (the API, for Nest's decorator metadata) are compiled here.
RUN npm ci --no-audit --no-fund --loglevel=error \
    && bash prisma/generate.sh \
    && npm run build --workspaces --if-present \
    && npm cache clean --force \
    && mkdir -p /var/lib/ttpgrid/artifacts /var/lib/ttpgrid/home /var/lib/ttpgrid/raw \
    && chown -R node:node /var/lib/ttpgrid /app/.data

# uid 1000, the same as the trainer image: both write the shared artifact volume.
USER node
EXPOSE 3000 9464
CMD ["npm", "start", "--workspace", "@ttpgrid/worker"]
