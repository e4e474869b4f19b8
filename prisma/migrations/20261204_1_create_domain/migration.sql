-- CreateTable
CREATE TABLE "DatasetVersion" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "label" TEXT NOT NULL,
    "primarySource" TEXT NOT NULL,
    "primarySha256" TEXT NOT NULL,
    "labelAttackVersion" TEXT NOT NULL,
    "auxAttackVersion" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "statistics" JSONB NOT NULL,
    "artifacts" JSONB NOT NULL,
    "sentences" INTEGER NOT NULL,
    "classes" INTEGER NOT NULL,
    "trainCount" INTEGER NOT NULL,
    "devCount" INTEGER NOT NULL,
    "testCount" INTEGER NOT NULL,
    "auxiliaryCount" INTEGER NOT NULL,
    CONSTRAINT "DatasetVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetClass" (
    "id" SERIAL NOT NULL,
    "datasetVersionId" TEXT NOT NULL,
    "techniqueId" TEXT NOT NULL,
    "aliases" TEXT[],
    "name" TEXT NOT NULL,
    "trainCount" INTEGER NOT NULL,
    "devCount" INTEGER NOT NULL,
    "testCount" INTEGER NOT NULL,
    "auxiliaryCount" INTEGER NOT NULL,
    CONSTRAINT "DatasetClass_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeakageFinding" (
    "id" SERIAL NOT NULL,
    "datasetVersionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "partA" TEXT NOT NULL,
    "partB" TEXT NOT NULL,
    "indexA" INTEGER NOT NULL,
    "indexB" INTEGER NOT NULL,
    "similarity" DOUBLE PRECISION NOT NULL,
    "textA" TEXT NOT NULL,
    "textB" TEXT NOT NULL,
    "dropped" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "LeakageFinding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "spec" JSONB NOT NULL,
    "specHash" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "datasetVersionId" TEXT,
    "workflowId" TEXT NOT NULL,
    "codeVersion" TEXT NOT NULL,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "parentExperimentId" TEXT,
    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "runKey" TEXT NOT NULL,
    "caseName" TEXT NOT NULL,
    "encoder" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "axes" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "stageKeys" TEXT[],
    "predictionsKey" TEXT,
    "microF1" DOUBLE PRECISION,
    "macroF1" DOUBLE PRECISION,
    "minorityMacroF1" DOUBLE PRECISION,
    "majorityMacroF1" DOUBLE PRECISION,
    "labelSet" JSONB,
    "hyperparameters" JSONB NOT NULL,
    "datasetVersionId" TEXT NOT NULL,
    "codeVersion" TEXT NOT NULL,
    "gpuSeconds" DOUBLE PRECISION,
    "keep" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Stage" (
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "encoder" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "sources" TEXT NOT NULL,
    "parentKey" TEXT,
    "trainingSetKey" TEXT,
    "checkpointKey" TEXT,
    "checkpointGone" BOOLEAN NOT NULL DEFAULT false,
    "device" TEXT,
    "precision" TEXT,
    "durationSeconds" DOUBLE PRECISION,
    "gpuSeconds" DOUBLE PRECISION,
    "result" JSONB,
    "error" TEXT,
    "definition" JSONB NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "Stage_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ClassMetric" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "techniqueId" TEXT NOT NULL,
    "precision" DOUBLE PRECISION NOT NULL,
    "recall" DOUBLE PRECISION NOT NULL,
    "f1" DOUBLE PRECISION NOT NULL,
    "support" INTEGER NOT NULL,
    "minority" BOOLEAN NOT NULL,
    CONSTRAINT "ClassMetric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "producer" TEXT NOT NULL,
    "metadata" JSONB,
    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "DatasetClass_datasetVersionId_idx" ON "DatasetClass"("datasetVersionId");
CREATE UNIQUE INDEX "DatasetClass_datasetVersionId_techniqueId_key" ON "DatasetClass"("datasetVersionId", "techniqueId");
CREATE INDEX "LeakageFinding_datasetVersionId_idx" ON "LeakageFinding"("datasetVersionId");
CREATE UNIQUE INDEX "Experiment_idempotencyKey_key" ON "Experiment"("idempotencyKey");
CREATE INDEX "Experiment_datasetVersionId_idx" ON "Experiment"("datasetVersionId");
CREATE INDEX "Experiment_status_idx" ON "Experiment"("status");
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");
CREATE INDEX "Run_status_idx" ON "Run"("status");
CREATE UNIQUE INDEX "Run_experimentId_runKey_key" ON "Run"("experimentId", "runKey");
CREATE INDEX "Stage_status_idx" ON "Stage"("status");
CREATE INDEX "Stage_parentKey_idx" ON "Stage"("parentKey");
CREATE INDEX "ClassMetric_runId_idx" ON "ClassMetric"("runId");
CREATE UNIQUE INDEX "ClassMetric_runId_techniqueId_key" ON "ClassMetric"("runId", "techniqueId");

-- AddForeignKey
ALTER TABLE "DatasetClass" ADD CONSTRAINT "DatasetClass_datasetVersionId_fkey" FOREIGN KEY ("datasetVersionId") REFERENCES "DatasetVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "LeakageFinding" ADD CONSTRAINT "LeakageFinding_datasetVersionId_fkey" FOREIGN KEY ("datasetVersionId") REFERENCES "DatasetVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_datasetVersionId_fkey" FOREIGN KEY ("datasetVersionId") REFERENCES "DatasetVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Run" ADD CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ClassMetric" ADD CONSTRAINT "ClassMetric_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
