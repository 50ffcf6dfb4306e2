-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Evaluation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "modelVersionId" TEXT,
    "trainingJobId" TEXT,
    "datasetId" TEXT NOT NULL,
    "split" TEXT NOT NULL,
    "metrics" JSONB NOT NULL,
    "perClass" JSONB NOT NULL,
    "imageCount" INTEGER NOT NULL,
    "snapshotKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Evaluation_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Evaluation_trainingJobId_fkey" FOREIGN KEY ("trainingJobId") REFERENCES "TrainingJob" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Evaluation_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Evaluation" ("createdAt", "datasetId", "id", "imageCount", "metrics", "modelVersionId", "perClass", "snapshotKey", "split") SELECT "createdAt", "datasetId", "id", "imageCount", "metrics", "modelVersionId", "perClass", "snapshotKey", "split" FROM "Evaluation";
DROP TABLE "Evaluation";
ALTER TABLE "new_Evaluation" RENAME TO "Evaluation";
CREATE INDEX "Evaluation_modelVersionId_idx" ON "Evaluation"("modelVersionId");
CREATE INDEX "Evaluation_trainingJobId_idx" ON "Evaluation"("trainingJobId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

