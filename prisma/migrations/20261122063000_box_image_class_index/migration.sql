-- DropIndex
DROP INDEX "Box_imageId_idx";

-- DropIndex
DROP INDEX "Box_className_idx";

-- CreateIndex
CREATE INDEX "Box_imageId_className_idx" ON "Box"("imageId", "className");

