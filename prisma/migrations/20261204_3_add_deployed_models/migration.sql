-- CreateTable
CREATE TABLE "DeployedModel" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "experimentId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "datasetVersionId" TEXT NOT NULL,
    "attackVersion" TEXT NOT NULL,
    "manifestKey" TEXT NOT NULL,
    "maxLength" INTEGER NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "calibration" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "techniqueNames" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "DeployedModel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeployedModel_experimentId_idx" ON "DeployedModel"("experimentId");
CREATE INDEX "DeployedModel_runId_idx" ON "DeployedModel"("runId");
CREATE INDEX "DeployedModel_datasetVersionId_idx" ON "DeployedModel"("datasetVersionId");
CREATE INDEX "DeployedModel_active_idx" ON "DeployedModel"("active");

-- AddForeignKey
ALTER TABLE "DeployedModel" ADD CONSTRAINT "DeployedModel_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "DeployedModel" ADD CONSTRAINT "DeployedModel_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "DeployedModel" ADD CONSTRAINT "DeployedModel_datasetVersionId_fkey" FOREIGN KEY ("datasetVersionId") REFERENCES "DatasetVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
