-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ImportIssue" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "importRunId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "imageId" TEXT,
    CONSTRAINT "ImportIssue_importRunId_fkey" FOREIGN KEY ("importRunId") REFERENCES "ImportRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImportIssue_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ImportIssue" ("code", "file", "id", "importRunId", "message", "severity") SELECT "code", "file", "id", "importRunId", "message", "severity" FROM "ImportIssue";
DROP TABLE "ImportIssue";
ALTER TABLE "new_ImportIssue" RENAME TO "ImportIssue";
CREATE INDEX "ImportIssue_importRunId_severity_idx" ON "ImportIssue"("importRunId", "severity");
CREATE INDEX "ImportIssue_imageId_code_idx" ON "ImportIssue"("imageId", "code");
CREATE TABLE "new_Image" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "datasetId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "channels" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "colorSpace" TEXT NOT NULL DEFAULT 'srgb',
    "bitsPerSample" INTEGER NOT NULL DEFAULT 8,
    "hasAlpha" BOOLEAN NOT NULL DEFAULT false,
    "thumbnailKey" TEXT,
    "boxCount" INTEGER NOT NULL DEFAULT 0,
    "split" TEXT NOT NULL DEFAULT 'unassigned',
    "labelStatus" TEXT NOT NULL DEFAULT 'unlabeled',
    "annotationVersion" INTEGER NOT NULL DEFAULT 0,
    "vocExtra" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Image_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Image" ("annotationVersion", "channels", "contentHash", "createdAt", "datasetId", "fileName", "format", "height", "id", "labelStatus", "split", "updatedAt", "vocExtra", "width") SELECT "annotationVersion", "channels", "contentHash", "createdAt", "datasetId", "fileName", "format", "height", "id", "labelStatus", "split", "updatedAt", "vocExtra", "width" FROM "Image";
DROP TABLE "Image";
ALTER TABLE "new_Image" RENAME TO "Image";
CREATE INDEX "Image_datasetId_boxCount_idx" ON "Image"("datasetId", "boxCount");
CREATE INDEX "Image_datasetId_contentHash_idx" ON "Image"("datasetId", "contentHash");
CREATE INDEX "Image_datasetId_split_idx" ON "Image"("datasetId", "split");
CREATE INDEX "Image_datasetId_labelStatus_idx" ON "Image"("datasetId", "labelStatus");
CREATE UNIQUE INDEX "Image_datasetId_fileName_key" ON "Image"("datasetId", "fileName");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Backfill: images imported before this migration get their real box counts.
UPDATE "Image" SET "boxCount" = (SELECT COUNT(*) FROM "Box" WHERE "Box"."imageId" = "Image"."id");
