-- CreateTable
CREATE TABLE "Derivation" (
    "identity" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "artifactKey" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "summary" JSONB,
    CONSTRAINT "Derivation_pkey" PRIMARY KEY ("identity")
);

-- CreateIndex
CREATE INDEX "Derivation_kind_idx" ON "Derivation"("kind");

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "planKey" TEXT;
ALTER TABLE "Experiment" ADD COLUMN "progress" JSONB;
