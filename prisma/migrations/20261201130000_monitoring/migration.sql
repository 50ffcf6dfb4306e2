-- CreateTable
CREATE TABLE "PredictionBox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "predictionId" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "minute" INTEGER NOT NULL,
    "className" TEXT NOT NULL,
    "score" REAL NOT NULL,
    "relativeSize" REAL NOT NULL,
    CONSTRAINT "PredictionBox_predictionId_fkey" FOREIGN KEY ("predictionId") REFERENCES "Prediction" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DriftThreshold" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "feature" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "warning" REAL NOT NULL,
    "drift" REAL NOT NULL,
    "updatedById" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AlertEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "alertId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "kind" TEXT NOT NULL,
    "detail" JSONB,
    CONSTRAINT "AlertEvent_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AlertEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LabelingBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "alertId" TEXT,
    "datasetId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LabelingBatch_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "LabelingBatch_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LabelingBatch_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LabelingBatchItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "batchId" TEXT NOT NULL,
    "predictionId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    CONSTRAINT "LabelingBatchItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "LabelingBatch" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LabelingBatchItem_predictionId_fkey" FOREIGN KEY ("predictionId") REFERENCES "Prediction" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LabelingBatchItem_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Prediction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "modelVersionId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "minute" INTEGER NOT NULL,
    "source" TEXT,
    "imageWidth" INTEGER NOT NULL,
    "imageHeight" INTEGER NOT NULL,
    "brightness" REAL NOT NULL,
    "contrast" REAL NOT NULL,
    "sharpness" REAL NOT NULL,
    "boxCount" INTEGER NOT NULL,
    "maxScore" REAL,
    "detections" JSONB NOT NULL,
    "summary" JSONB NOT NULL,
    "latencyMs" REAL NOT NULL,
    "embedding" BLOB,
    "imageKey" TEXT,
    CONSTRAINT "Prediction_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- Predictions logged before monitoring keep their rows: minute and the statistics columns come from
-- the old JSON (their per-box rows and embeddings did not exist and are not invented).
INSERT INTO "new_Prediction" ("createdAt", "minute", "detections", "embedding", "id", "imageHeight", "imageKey", "imageWidth", "latencyMs", "modelVersionId", "source", "summary", "brightness", "contrast", "sharpness", "boxCount", "maxScore")
SELECT "createdAt", CAST(strftime('%s', "createdAt") AS INTEGER) / 60, "detections", "embedding", "id", "imageHeight", "imageKey", "imageWidth", "latencyMs", "modelVersionId", "source", "summary",
  COALESCE(json_extract("imageStats", '$.brightness'), 0), COALESCE(json_extract("imageStats", '$.contrast'), 0), COALESCE(json_extract("imageStats", '$.sharpness'), 0),
  json_array_length("detections"), (SELECT MAX(json_extract(d.value, '$.score')) FROM json_each("detections") AS d)
FROM "Prediction";
DROP TABLE "Prediction";
ALTER TABLE "new_Prediction" RENAME TO "Prediction";
CREATE INDEX "Prediction_modelVersionId_minute_idx" ON "Prediction"("modelVersionId", "minute");
CREATE INDEX "Prediction_createdAt_idx" ON "Prediction"("createdAt");
CREATE TABLE "new_Baseline" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "modelVersionId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "split" TEXT,
    "windowStart" DATETIME,
    "windowEnd" DATETIME,
    "predictionCount" INTEGER NOT NULL,
    "reference" JSONB NOT NULL,
    "embeddingMean" BLOB,
    "bootstrap" JSONB,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Baseline_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Baseline" ("active", "bootstrap", "createdAt", "embeddingMean", "id", "modelVersionId", "reference", "source", "windowEnd", "windowStart") SELECT "active", "bootstrap", "createdAt", "embeddingMean", "id", "modelVersionId", "reference", "source", "windowEnd", "windowStart" FROM "Baseline";
DROP TABLE "Baseline";
ALTER TABLE "new_Baseline" RENAME TO "Baseline";
CREATE INDEX "Baseline_modelVersionId_active_idx" ON "Baseline"("modelVersionId", "active");
CREATE TABLE "new_DriftReport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "baselineId" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "windowEnd" DATETIME NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'scheduled',
    "predictionCount" INTEGER NOT NULL,
    "features" JSONB NOT NULL,
    "embeddingDistance" REAL,
    "embeddingThreshold" REAL,
    "status" TEXT NOT NULL,
    "computeMs" REAL NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DriftReport_baselineId_fkey" FOREIGN KEY ("baselineId") REFERENCES "Baseline" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DriftReport" ("baselineId", "createdAt", "embeddingDistance", "features", "id", "predictionCount", "windowEnd", "windowStart") SELECT "baselineId", "createdAt", "embeddingDistance", "features", "id", "predictionCount", "windowEnd", "windowStart" FROM "DriftReport";
DROP TABLE "DriftReport";
ALTER TABLE "new_DriftReport" RENAME TO "DriftReport";
CREATE INDEX "DriftReport_baselineId_windowEnd_idx" ON "DriftReport"("baselineId", "windowEnd");
CREATE TABLE "new_Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "baselineId" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "value" REAL NOT NULL,
    "peakValue" REAL NOT NULL,
    "threshold" REAL NOT NULL,
    "firstReportId" TEXT NOT NULL,
    "lastReportId" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "windowEnd" DATETIME NOT NULL,
    "snoozedUntil" DATETIME,
    "assigneeId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "resolvedAt" DATETIME,
    CONSTRAINT "Alert_baselineId_fkey" FOREIGN KEY ("baselineId") REFERENCES "Baseline" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Alert_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Alert" ("createdAt", "feature", "id", "metric", "severity", "status", "threshold", "value") SELECT "createdAt", "feature", "id", "metric", "severity", "status", "threshold", "value" FROM "Alert";
DROP TABLE "Alert";
ALTER TABLE "new_Alert" RENAME TO "Alert";
CREATE INDEX "Alert_status_createdAt_idx" ON "Alert"("status", "createdAt");
CREATE INDEX "Alert_baselineId_feature_metric_idx" ON "Alert"("baselineId", "feature", "metric");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "PredictionBox_modelVersionId_minute_idx" ON "PredictionBox"("modelVersionId", "minute");

-- CreateIndex
CREATE INDEX "PredictionBox_predictionId_idx" ON "PredictionBox"("predictionId");

-- CreateIndex
CREATE UNIQUE INDEX "DriftThreshold_feature_metric_key" ON "DriftThreshold"("feature", "metric");

-- CreateIndex
CREATE INDEX "AlertEvent_alertId_at_idx" ON "AlertEvent"("alertId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "LabelingBatchItem_batchId_predictionId_key" ON "LabelingBatchItem"("batchId", "predictionId");


-- CreateTable
CREATE TABLE "EmbeddingRollup" (
    "modelVersionId" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("modelVersionId", "hour")
);
