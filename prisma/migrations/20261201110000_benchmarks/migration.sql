-- AlterTable
ALTER TABLE "Evaluation" ADD COLUMN "snapshotKey" TEXT;

-- CreateTable
CREATE TABLE "ModelPromotion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "modelVersionId" TEXT NOT NULL,
    "previousVersionId" TEXT,
    "action" TEXT NOT NULL,
    "actorId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ModelPromotion_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ModelPromotion_previousVersionId_fkey" FOREIGN KEY ("previousVersionId") REFERENCES "ModelVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ModelPromotion_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ModelPromotion_createdAt_idx" ON "ModelPromotion"("createdAt");

