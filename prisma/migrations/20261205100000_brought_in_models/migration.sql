-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ModelVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "trainingJobId" TEXT,
    "artifactKey" TEXT NOT NULL,
    "classes" JSONB NOT NULL,
    "inputSize" INTEGER NOT NULL,
    "parameterCount" INTEGER,
    "sizeBytes" INTEGER,
    "trainingMetrics" JSONB,
    "stage" TEXT NOT NULL DEFAULT 'candidate',
    "format" TEXT NOT NULL DEFAULT 'tfjs',
    "source" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promotedAt" DATETIME,
    CONSTRAINT "ModelVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ModelVersion_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ModelVersion_trainingJobId_fkey" FOREIGN KEY ("trainingJobId") REFERENCES "TrainingJob" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ModelVersion" ("artifactKey", "classes", "createdAt", "datasetId", "id", "inputSize", "kind", "name", "parameterCount", "promotedAt", "sizeBytes", "stage", "trainingJobId", "trainingMetrics", "version") SELECT "artifactKey", "classes", "createdAt", "datasetId", "id", "inputSize", "kind", "name", "parameterCount", "promotedAt", "sizeBytes", "stage", "trainingJobId", "trainingMetrics", "version" FROM "ModelVersion";
DROP TABLE "ModelVersion";
ALTER TABLE "new_ModelVersion" RENAME TO "ModelVersion";
CREATE UNIQUE INDEX "ModelVersion_trainingJobId_key" ON "ModelVersion"("trainingJobId");
CREATE INDEX "ModelVersion_stage_idx" ON "ModelVersion"("stage");
CREATE UNIQUE INDEX "ModelVersion_name_version_key" ON "ModelVersion"("name", "version");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

