-- AlterTable
ALTER TABLE "TrainingJob" ADD COLUMN "backend" TEXT;
ALTER TABLE "TrainingJob" ADD COLUMN "checkpointEpoch" INTEGER;
ALTER TABLE "TrainingJob" ADD COLUMN "checkpointKey" TEXT;

